"""NumPy names jit code cannot compile are an UnsupportedError at the
call's file:line:col naming the function, with what to write instead
(jit/np_unsupported.c); the rows of docs/conformance.md marked "not
supported" point here."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit


def split_(a):
    return np.split(a, 2)


def fft_(a):
    return np.fft.fft(a)


def gamma_():
    return np.random.gamma(2.0)


def reduce_(a):
    return np.add.reduce(a)


def partition_(a):
    return np.partition(a, 2)


def broadcast_to_(a):
    return np.broadcast_to(a, (2, 4))


def iinfo_():
    return np.iinfo(np.int32).max


def modf_(a):
    return np.modf(a)


CASES = [
    (split_, (np.zeros(4),), "numpy.split", "a[:k]"),
    (fft_, (np.zeros(4),), "fft", "objmode"),
    (gamma_, (), "numpy.random.gamma", "random.gammavariate"),
    (reduce_, (np.zeros(4),), "reduce", "np.sum"),
    (partition_, (np.zeros(4),), "numpy.partition", "docs/conformance.md"),
    (broadcast_to_, (np.zeros(4),), "numpy.broadcast_to", "objmode"),
    (iinfo_, (), "numpy.iinfo", "constant"),
    (modf_, (np.zeros(4),), "numpy.modf", "np.trunc"),
]


@pytest.mark.parametrize("fn, args, name, hint", CASES, ids=[c[2] for c in CASES])
def test_unsupported_numpy_names_are_clear_errors(fn, args, name, hint):
    with pytest.raises(jitprofile.UnsupportedError) as e:
        njit(fn)(*args)
    text = str(e.value)
    assert name in text and "is not supported in jit code" in text
    assert hint in text
    assert "test_jit_np_unsupported.py:" in text          # file:line:col of the call
