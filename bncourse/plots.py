"""Plot helpers shared by the chapters."""

import matplotlib.pyplot as plt
import numpy as np


def image_grid(images, labels, class_names=None, rows=2, cols=10, title=None):
    """Show the first ``rows * cols`` images in a grid, each titled with its label; return the figure."""
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.9, rows * 1.1))
    for ax, image, label in zip(np.ravel(axes), images, np.ravel(labels)):
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=255)
        ax.set_title(class_names[label] if class_names else str(label), fontsize=8)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
