"""Public API of the scalar JIT: names, decorator spellings, options, type objects."""
import pytest

import jitprofile
from jitprofile import (jit, njit, TypingError, UnsupportedError, int64, int32,
                        float64, float32, complex128, complex64, boolean)


def plain_add(a, b):
    """Add two numbers."""
    return a + b


def test_public_names_exist():
    import jitprofile as nb
    for name in ["jit", "njit", "TypingError", "UnsupportedError", "int64", "int32",
                 "float64", "float32", "complex128", "complex64", "boolean"]:
        assert hasattr(nb, name), name


def test_exceptions_are_exception_classes():
    assert issubclass(TypingError, Exception)
    assert issubclass(UnsupportedError, Exception)


def test_import_as_nb_numba_style():
    import jitprofile as nb

    @nb.njit
    def f(x):
        return x * 2 + 1

    assert f(20) == 41
    assert f(1.5) == 4.0


@pytest.mark.parametrize("name, expected", [
    ("int64", "int64"), ("int32", "int32"), ("float64", "float64"),
    ("float32", "float32"), ("complex128", "complex128"),
    ("complex64", "complex64"), ("boolean", "bool"),
])
def test_type_object_str(name, expected):
    assert str(getattr(jitprofile, name)) == expected


def test_type_objects_distinct_and_hashable():
    types = [int64, int32, float64, float32, complex128, complex64, boolean]
    assert len(set(types)) == len(types)
    assert int64 == jitprofile.int64


def test_plain_njit():
    f = njit(plain_add)
    assert f(2, 3) == 5
    assert isinstance(f(2, 3), int)
    assert f(2.5, 0.25) == 2.75


def test_plain_jit_is_nopython():
    f = jit(plain_add)
    assert f(2, 3) == 5


def test_jit_empty_parens():
    f = jit()(plain_add)
    assert f(1.0, 2.0) == 3.0


def test_njit_empty_parens():
    f = njit()(plain_add)
    assert f(4, 5) == 9


def test_jit_all_options_accepted():
    f = jit(nopython=True, nogil=True, cache=True, fastmath=True, boundscheck=False,
            error_model="python")(plain_add)
    assert f(1, 2) == 3
    assert f(0.5, 0.25) == 0.75


def test_njit_options_accepted():
    f = njit(nogil=True, fastmath=True)(plain_add)
    assert f(1.0, 1.0) == 2.0


def test_object_mode_is_explicit_and_warns():
    # issue 11: nopython=False no longer refuses; it compiles, and falls back to
    # the interpreter only with a warning (tests/python/test_jit_objmode.py).
    f = jit(nopython=False)(plain_add)
    assert f(1, 2) == 3
    assert f.signatures     # compiled, not silently run in object mode


def test_string_signature():
    f = jit("float64(float64, float64)")(plain_add)
    assert f(1.5, 2.0) == 3.5
    assert [tuple(str(t) for t in s) for s in f.signatures] == [("float64", "float64")]


def test_list_of_string_signatures():
    f = jit(["int64(int64, int64)", "float64(float64, float64)"])(plain_add)
    assert sorted(tuple(str(t) for t in s) for s in f.signatures) == sorted(
        [("int64", "int64"), ("float64", "float64")])
    r = f(2, 3)
    assert r == 5 and isinstance(r, int)
    r = f(2.0, 3.5)
    assert r == 5.5 and isinstance(r, float)


def test_calling_type_object_builds_signature():
    sig = float64(float64, float64)
    f = jit(sig)(plain_add)
    assert f(1.0, 2.0) == 3.0
    assert [tuple(str(t) for t in s) for s in f.signatures] == [("float64", "float64")]
    assert f.signatures[0] == (float64, float64)


def test_njit_with_signature():
    f = njit("int64(int64, int64)")(plain_add)
    assert f(40, 2) == 42
    assert list(f.signatures) == [(int64, int64)]


def test_decorator_syntax_with_signature():
    @jit("float64(float64)")
    def half(x):
        return x / 2

    assert half(3.0) == 1.5


def test_wrapper_metadata():
    f = njit(plain_add)
    assert f.__name__ == "plain_add"
    assert f.__qualname__ == "plain_add"
    assert f.__doc__ == "Add two numbers."
    assert f.__wrapped__ is plain_add
    assert f.py_func is plain_add


def test_qualname_of_nested_function():
    @njit
    def inner(x):
        return x

    assert inner.__qualname__ == "test_qualname_of_nested_function.<locals>.inner"
    assert inner(3) == 3


def test_decorated_function_is_callable_many_times():
    f = njit(plain_add)
    for i in range(100):
        assert f(i, i) == 2 * i


def test_int32_return_signature_wraps_at_32_bits():
    f = jit("int32(int64, int64)")(plain_add)
    assert f(1, 2) == 3
    assert f(2**31 - 1, 1) == -2**31


def test_float32_return_signature_rounds():
    import numpy as np
    f = jit("float32(float64, float64)")(plain_add)
    r = f(0.1, 0.0)
    assert isinstance(r, float)
    assert r == float(np.float32(0.1))
    assert r != 0.1


def test_complex64_return_signature_rounds():
    import numpy as np
    f = jit("complex64(complex128, complex128)")(plain_add)
    r = f(0.1 + 0.2j, 0j)
    assert isinstance(r, complex)
    assert r == complex(np.complex64(0.1 + 0.2j))


def test_boolean_signature():
    def neg(b):
        return not b
    f = jit(boolean(boolean))(neg)
    assert f(True) is False
    assert f(False) is True


def test_complex128_signature():
    def conj(z):
        return z.conjugate()
    f = jit(complex128(complex128))(conj)
    assert f(1 + 2j) == 1 - 2j


_CACHE_MOD = '''
from jitprofile import njit

@njit(cache=True)
def helper(x):
    return x + HELPER_DELTA

@njit(cache=True)
def entry(x):
    return helper(x) * 2

print(entry(1), entry(2.5))
'''


def _run_cache_mod(tmp_path, delta):
    import subprocess
    import sys
    mod = tmp_path / "cachemod.py"
    mod.write_text(_CACHE_MOD.replace("HELPER_DELTA", str(delta)))
    out = subprocess.run([sys.executable, str(mod)], capture_output=True, text=True,
                         cwd=str(tmp_path), timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_cache_true_across_processes_and_source_changes(tmp_path):
    assert _run_cache_mod(tmp_path, 1) == "4 7.0"
    assert _run_cache_mod(tmp_path, 1) == "4 7.0"        # second run may load from the cache
    # changing only the callee's source must not reuse the stale compiled caller
    assert _run_cache_mod(tmp_path, 10) == "22 25.0"


def test_numpy_api_is_not_loaded_while_numpy_is_still_importing(tmp_path):
    # a profiler hook (or another thread) calling jitprofile's typeof while
    # `import numpy` is half-way must not load NumPy's C API then: that ran
    # _multiarray_umath's one-time init out of order, and the program's own
    # import failed ("cannot load module more than once per process"; seen
    # under `record --wall --rate 10000`)
    import subprocess
    import sys
    script = tmp_path / "mid_import.py"
    script.write_text(
        "import sys\n"
        "import jitprofile\n"
        "fired = []\n"
        "def hook(frame, event, arg):\n"
        "    if not fired and event == 'call' and frame.f_code.co_filename.endswith('numpy/_globals.py'):\n"
        "        fired.append(1)\n"
        "        try:\n"
        "            jitprofile.typeof(object())\n"
        "        except Exception:\n"
        "            pass\n"
        "sys.setprofile(hook)\n"
        "import numpy as np\n"
        "sys.setprofile(None)\n"
        "print(bool(fired), int(np.arange(4).sum()), jitprofile.typeof(np.zeros(2)))\n")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "6", "array(float64,", "1d,", "C)"]
