"""examples/mandelbrot.py - owns the seed's Mandelbrot kernels (Numba's
classic example), written once.  Each function carries `@jit`; which
decorator that is (none, numba.njit, jitprofile.njit) is chosen by whoever
loads this file with jitload.load_kernels().  Imported plainly, `jit` does
nothing and these are ordinary Python functions.
"""
if "jit" not in globals():
    def jit(func):
        return func


@jit
def mandel(x, y, max_iters):
    i = 0
    c = complex(x, y)
    z = 0.0j
    for i in range(max_iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


@jit
def create_fractal(min_x, max_x, min_y, max_y, image, iters):
    """Array variant: fill image[y, x] with the escape count of each pixel."""
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


@jit
def create_fractal_sum(width, height, iters):
    """Scalar variant (no arrays): the sum of the escape counts over the
    same grid, x in [-2, 1], y in [-1, 1]."""
    min_x = -2.0
    max_x = 1.0
    min_y = -1.0
    max_y = 1.0
    pixel_size_x = (max_x - min_x) / width
    pixel_size_y = (max_y - min_y) / height
    total = 0
    for x in range(width):
        real = min_x + x * pixel_size_x
        for y in range(height):
            imag = min_y + y * pixel_size_y
            total += mandel(real, imag, iters)
    return total
