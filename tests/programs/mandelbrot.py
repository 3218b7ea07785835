"""The Mandelbrot set on a small grid with complex arithmetic and an escape count."""
import numpy as np
from _backend import numba


@numba.njit
def escape(c, max_iter):
    z = 0j
    for n in range(max_iter):
        z = z * z + c
        if z.real * z.real + z.imag * z.imag > 4.0:
            return n
    return max_iter


@numba.njit
def render(xmin, xmax, ymin, ymax, image, max_iter):
    height, width = image.shape
    dx = (xmax - xmin) / width
    dy = (ymax - ymin) / height
    for y in range(height):
        for x in range(width):
            image[y, x] = escape(complex(xmin + x * dx, ymin + y * dy), max_iter)
    return image


def main():
    image = np.zeros((60, 90), dtype=np.uint8)
    render(-2.0, 1.0, -1.0, 1.0, image, 40)
    return {"image": image, "total": int(image.sum())}
