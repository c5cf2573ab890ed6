"""Plot helpers shared by the chapters."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator


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


def plot_curves(histories, metric="accuracy", ax=None):
    """Training (dashed) and validation (solid) ``metric`` per epoch.

    ``histories`` maps a label to a ``History.history`` dict (metric name to a list of per-epoch values).
    """
    if ax is None:
        ax = plt.figure().gca()
    for i, (label, history) in enumerate(histories.items()):
        epochs = range(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "--", color=f"C{i}", label=f"{label}: training")
        ax.plot(epochs, history[f"val_{metric}"], "-", color=f"C{i}", label=f"{label}: validation")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(metric)
    ax.legend(fontsize=8)
    return ax
