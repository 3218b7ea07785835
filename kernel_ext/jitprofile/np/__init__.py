"""Numba's ``numba.np`` package (``numba.np.numpy_support``)."""
