"""A handwritten-style digit image made by the course's own code, for the prediction exercises."""

import cv2
import numpy as np


def draw_digit(digit: int) -> np.ndarray:
    """A 28x28 uint8 image of ``digit`` in white on black, framed like MNIST.

    The digit is drawn with a thick Hershey stroke, scaled into a 20x20 box and centred by its centre
    of mass in the 28x28 frame, as MNIST's digits are.
    """
    canvas = np.zeros((120, 120), np.uint8)
    cv2.putText(canvas, str(digit), (22, 100), cv2.FONT_HERSHEY_SIMPLEX, 3.6, 255, 14, cv2.LINE_AA)
    ys, xs = np.nonzero(canvas)
    glyph = canvas[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    scale = 20 / max(glyph.shape)
    height, width = (max(1, round(side * scale)) for side in glyph.shape)
    glyph = cv2.resize(glyph, (width, height), interpolation=cv2.INTER_AREA)
    image = np.zeros((28, 28), np.uint8)
    top, left = (28 - height) // 2, (28 - width) // 2
    image[top: top + height, left: left + width] = glyph
    moments = cv2.moments(image)
    shift_x, shift_y = 14 - moments["m10"] / moments["m00"], 14 - moments["m01"] / moments["m00"]
    return cv2.warpAffine(image, np.float32([[1, 0, shift_x], [0, 1, shift_y]]), (28, 28))


def write_digit_png(path: str, digit: int) -> None:
    """Write :func:`draw_digit` of ``digit`` as a grayscale PNG file."""
    if not cv2.imwrite(str(path), draw_digit(digit)):
        raise OSError(f"could not write {path}")
