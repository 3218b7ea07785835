"""examples/mandelbrot_plain.py - the seed's Mandelbrot as a plain Python
script (no decorators): create_fractal fills a NumPy uint8 image by calling
mandel for every pixel.  The target of `python -m jitprofile advise`:

    python -m jitprofile advise examples/mandelbrot_plain.py [WIDTH HEIGHT ITERS]
    python -m jitprofile advise --apply examples/mandelbrot_plain.py

Prints the image's checksum so that runs can be compared.
"""
import sys

import numpy as np


def mandel(x, y, max_iters):
    i = 0
    c = complex(x, y)
    z = 0.0j
    for i in range(max_iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


def create_fractal(min_x, max_x, min_y, max_y, image, iters):
    height = image.shape[0]
    width = image.shape[1]
    pixel_size_x = (max_x - min_x) / width
    pixel_size_y = (max_y - min_y) / height
    for x in range(width):
        real = min_x + x * pixel_size_x
        for y in range(height):
            imag = min_y + y * pixel_size_y
            color = mandel(real, imag, iters)
            image[y, x] = color


def main(argv):
    width, height, iters = (int(a) for a in argv[:3]) if len(argv) >= 3 else (300, 200, 20)
    image = np.zeros((height, width), dtype=np.uint8)
    create_fractal(-2.0, 1.0, -1.0, 1.0, image, iters)
    print("checksum", int(image.sum(dtype=np.int64)))


if __name__ == "__main__":
    main(sys.argv[1:])
