"""The compile-target interface (issue 15, part 1): jit/ compiles for any
target through one descriptor (jit/target.h); CUDA registers one from gpu/.

- the PTX of the CUDA suite (tests/python/test_cuda_ptx.py, test_cuda_gpu.py)
  is byte-for-byte what it was before the refactor (hashes in
  data/cuda_ptx_golden.json, taken from the build before it; the
  per-compile salt in private symbol names is normalised away).  After a
  deliberate change to CUDA code generation, regenerate them with
  ``JP_UPDATE_PTX_GOLDEN=1 python -m pytest tests/python/test_target_interface.py``
  and say why in the commit.
"""
import hashlib
import json
import math
import os
import re

import pytest

import jitprofile
from jitprofile import cuda

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(HERE, "data", "cuda_ptx_golden.json")

needs_libdevice = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None,
                                     reason="CUDA libdevice not installed")


def _normalise(ptx):
    # private (device) sessions salt their symbol names per compile
    return re.sub(r"_c[0-9a-f]{16}", "_cSALT", ptx)


def _math_dev(x):
    return math.sin(x) + math.cos(x) + math.exp(x) + math.log(x) + math.tanh(x) + math.atan2(x, 1.0)


def _ptx_cases():
    import test_cuda_gpu
    import test_cuda_ptx
    cases = []
    for mod, suite in (("test_cuda_ptx", test_cuda_ptx.KERNELS), ("test_cuda_gpu", test_cuda_gpu.SUITE)):
        for func, sig in suite:
            for cc in ((7, 5), (9, 0)):
                cases.append((f"{mod}.{func.__name__}:{sig}:sm_{cc[0]}{cc[1]}", func, sig, cc, False))
    cases.append(("device:_math_dev:float64(float64)", _math_dev, "float64(float64)", (7, 5), True))
    cases.append(("device:mul_add:int64(int64, int64)", lambda a, b: a * b + 1, "int64(int64, int64)",
                  (7, 5), True))
    return cases


@needs_libdevice
def test_cuda_suite_ptx_is_unchanged():
    got = {}
    for key, func, sig, cc, device in _ptx_cases():
        ptx, _ = cuda.compile_ptx(func, sig, cc=cc, device=device)
        got[key] = hashlib.sha256(_normalise(ptx).encode()).hexdigest()
    if os.environ.get("JP_UPDATE_PTX_GOLDEN"):
        with open(GOLDEN, "w") as f:
            json.dump(got, f, indent=1, sort_keys=True)
            f.write("\n")
    with open(GOLDEN) as f:
        want = json.load(f)
    assert sorted(got) == sorted(want)
    changed = [k for k in got if got[k] != want[k]]
    assert changed == [], f"PTX changed for {changed}"
