"""The `numba` namespace under the alias (issue 11): `import jitprofile as
numba`, `from numba... import ...` lines as public Numba programs write them,
numba.config from the environment, numba.types / numba.core.types,
numba.extending, numba.typed, numba.np.numpy_support, numba.core.errors."""
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

import jitprofile
import jitprofile as numba
from jitprofile import njit

try:
    import importlib.machinery
    REAL_NUMBA = importlib.machinery.PathFinder.find_spec("numba") is not None
except Exception:       # pragma: no cover
    REAL_NUMBA = True

needs_alias = pytest.mark.skipif(REAL_NUMBA, reason="a real Numba is installed: it wins")

# import lines as they appear in public Numba programs (examples, benchmarks, tutorials)
IMPORT_LINES = [
    "import numba",
    "import numba as nb",
    "from numba import jit",
    "from numba import njit, prange",
    "from numba import jit, njit, vectorize, guvectorize, float64, int64, int32, boolean",
    "from numba import types",
    "from numba import typeof, typed",
    "from numba import objmode, literally, literal_unroll",
    "from numba import config, set_num_threads, get_num_threads, get_thread_id",
    "from numba import generated_jit",
    "from numba import from_dtype",
    "from numba.typed import List, Dict",
    "from numba.typed import List",
    "from numba.core import types",
    "from numba.core import types, errors",
    "from numba.core.types import float64, int64, Array, UniTuple",
    "from numba.core.errors import TypingError, NumbaWarning, NumbaDeprecationWarning",
    "from numba.core.errors import NumbaPerformanceWarning, NumbaPendingDeprecationWarning",
    "from numba.core.config import NUMBA_NUM_THREADS",
    "from numba.extending import overload, register_jitable",
    "from numba.extending import overload, intrinsic, overload_method",
    "from numba.core.extending import overload, register_jitable",
    "from numba.experimental import jitclass",
    "from numba.np.numpy_support import from_dtype",
    "import numba.typed",
    "import numba.core.types",
    "from numba.types import float64, intp, uint8, void, Tuple",
    "from numba import float32, complex128, uint64, int8, void, intp",
]


def run_py(code, env_extra=None):
    env = dict(os.environ)
    env.pop("NUMBA_DISABLE_JIT", None)
    env.update(env_extra or {})
    with tempfile.TemporaryDirectory() as d:     # jit reads source: the program is a file
        path = os.path.join(d, "prog.py")
        with open(path, "w") as fh:
            fh.write(textwrap.dedent(code))
        r = subprocess.run([sys.executable, path], capture_output=True, text=True, env=env, cwd=d)
    assert r.returncode == 0, r.stderr
    return r.stdout


@needs_alias
def test_import_lines_resolve_to_jitprofile():
    code = "import jitprofile\nimport jitprofile as numba\n" + "\n".join(IMPORT_LINES) + textwrap.dedent("""
        import sys
        assert sys.modules["numba"] is jitprofile
        assert numba.typed is jitprofile.typed and numba.core.types is jitprofile.types
        import numba.extending, jitprofile.extending
        assert numba.extending is jitprofile.extending
        print("ok")
    """)
    assert run_py(code).strip() == "ok"


@needs_alias
def test_numba_is_not_handed_to_code_that_did_not_ask():
    # a library probing for an optional Numba, in a process where jitprofile
    # is imported (and where another module did ask), still gets ImportError
    out = run_py("""
        import jitprofile
        import types, sys
        probe = types.ModuleType("probe")
        exec("try:\\n    import numba\\n    found = True\\nexcept ImportError:\\n    found = False", probe.__dict__)
        print(probe.found)
    """)
    assert out.strip() == "False"


@needs_alias
def test_profiled_script_probing_for_numba_gets_import_error(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text("try:\n    import numba\n    print('found')\nexcept ImportError:\n    print('absent')\n")
    r = subprocess.run([sys.executable, "-m", "jitprofile", "record", "-o", str(tmp_path / "p.txt"), str(script)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[0] == "absent"


@needs_alias
def test_alias_can_be_disabled():
    out = run_py("""
        import jitprofile
        try:
            import numba
        except ImportError:
            print("no numba")
    """, {"JITPROFILE_NUMBA_ALIAS": "0"})
    assert out.strip() == "no numba"


def test_alias_style_program_runs():
    @numba.njit
    def f(a):
        s = 0.0
        for i in numba.prange(a.shape[0]):
            s += a[i]
        return s

    assert f(np.arange(5.0)) == 10.0
    assert numba.types.float64 is numba.float64
    assert numba.core.types.int64 is numba.int64


def test_types_spellings():
    t = numba.types
    assert t.float64[:] == numba._core.Type("array(float64, 1d, A)")
    assert str(t.float64[:, ::1]) == "array(float64, 2d, C)"
    assert str(t.Array(t.float32, 3, "C")) == "array(float32, 3d, C)"
    assert str(t.UniTuple(t.int64, 2)) == "UniTuple(int64, 2)"
    assert t.intp is t.int64 and t.uintp is t.uint64 and t.intc is t.int32
    assert isinstance(t.float32, t.Float) and isinstance(t.int8, t.Integer)
    with pytest.raises(AttributeError, match="not supported by the JIT yet"):
        t.NPDatetime
    with pytest.raises(AttributeError, match="no attribute"):
        t.no_such_type


def test_signature_from_core_types():
    from jitprofile.core import types as ct

    @numba.njit(ct.float64(ct.float64, ct.int64))
    def f(x, n):
        return x * n

    assert f(1.5, 4) == 6.0


def test_errors_names():
    from jitprofile.core import errors
    assert errors.TypingError is jitprofile.TypingError
    assert issubclass(errors.NumbaDeprecationWarning, errors.NumbaWarning)
    assert issubclass(errors.NumbaDeprecationWarning, DeprecationWarning)
    assert issubclass(errors.NumbaError, Exception)

    @njit
    def bad(x):
        return x.nope

    with pytest.raises(errors.TypingError):
        bad(1)


def test_typed_names_import_and_fail_clearly_on_use():
    from jitprofile.typed import List, Dict
    assert list(List([1, 2])) == [1, 2]     # typed.List works (test_jit_typed_list.py)
    d = Dict.empty(key_type=numba.int64, value_type=numba.float64)    # typed dicts work (test_jit_dicts.py)
    assert str(numba.typeof(d)) == "DictType[int64, float64]"


def test_from_dtype_and_as_dtype():
    from jitprofile.np.numpy_support import from_dtype, as_dtype
    for name in ["float64", "float32", "int8", "uint16", "int64", "complex128", "bool"]:
        t = from_dtype(np.dtype(name))
        assert str(t) == name
        assert as_dtype(t) == np.dtype(name)
    rec = from_dtype(np.dtype([("x", "f8"), ("n", "i4")]))
    assert "Record" in str(rec)
    assert numba.from_dtype(np.float64) is numba.float64
    with pytest.raises(NotImplementedError):
        from_dtype(np.dtype("U3"))


def test_register_jitable_and_overload():
    from jitprofile.extending import register_jitable, overload

    @register_jitable
    def clamp(x, lo, hi):
        return min(max(x, lo), hi)

    def scale(x):
        return x * 10

    @overload(scale)
    def scale_impl(x):
        if isinstance(x, numba.types.Integer):
            return lambda x: x * 100
        return lambda x: x * 10.0

    @njit
    def f(a, b):
        return clamp(a, 0, 5) + scale(b)

    assert clamp(9, 0, 5) == 5          # still a plain Python function
    assert f(9, 2) == 205
    assert f(-3, 0.5) == 5.0


def test_register_jitable_with_options():
    from jitprofile.extending import register_jitable

    @register_jitable(fastmath=True)
    def sq(x):
        return x * x

    @njit
    def f(x):
        return sq(x) + 1.0

    assert f(3.0) == 10.0


def test_low_level_extension_api_is_a_clear_error():
    from jitprofile.extending import intrinsic, overload_method
    with pytest.raises(NotImplementedError, match="intrinsic.*register_jitable"):
        @intrinsic
        def f(typingctx, x):
            pass
    with pytest.raises(NotImplementedError, match="overload_method"):
        overload_method(numba.types.Array, "foo")


def test_literally_and_literal_unroll():
    @njit
    def f(x, t):
        s = 0
        for v in numba.literal_unroll(t):
            s += v
        return numba.literally(x) + s

    assert f(3, (1, 2, 3)) == 9
    assert numba.literally(5) == 5


def test_experimental_jitclass():
    from jitprofile.experimental import jitclass

    @jitclass([("x", numba.float64)])
    class P:
        def __init__(self, x):
            self.x = x

        def twice(self):
            return 2 * self.x

    assert P(2.5).twice() == 5.0


def test_threads_api():
    n = numba.get_num_threads()
    assert n >= 1
    numba.set_num_threads(1)
    try:
        assert numba.get_num_threads() == 1
    finally:
        numba.set_num_threads(n)
    assert numba.get_thread_id() == 0


def test_get_thread_id_in_jit_code():
    @numba.njit(parallel=True)
    def ids(n):
        out = np.zeros(n, dtype=np.int64)
        for i in numba.prange(n):
            out[i] = numba.get_thread_id()
        return out

    @numba.njit
    def serial():
        return numba.get_thread_id()

    old = numba.get_num_threads()
    numba.set_num_threads(2)
    try:
        got = ids(100000)
    finally:
        numba.set_num_threads(old)
    assert set(np.unique(got)) <= {0, 1}
    assert serial() == 0


def test_config_defaults():
    c = numba.config
    assert c.NUMBA_NUM_THREADS >= 1
    assert c.NUMBA_DEFAULT_NUM_THREADS >= 1
    assert c.OPT in (0, 1, 2, 3)
    assert numba.core.config is c


def test_config_reads_jitprofile_then_numba_environment():
    out = run_py("""
        import jitprofile as numba
        c = numba.config
        print(c.NUMBA_NUM_THREADS, c.DISABLE_JIT, c.BOUNDSCHECK, c.CACHE_DIR, c.OPT,
              numba.get_num_threads())
    """, {"NUMBA_NUM_THREADS": "3", "NUMBA_BOUNDSCHECK": "1", "NUMBA_CACHE_DIR": "/tmp/nbc",
          "JITPROFILE_OPT": "2", "NUMBA_OPT": "1"})
    assert out.split() == ["3", "0", "1", "/tmp/nbc", "2", "3"]
    out = run_py("""
        import jitprofile as numba
        print(numba.config.NUMBA_NUM_THREADS)
    """, {"NUMBA_NUM_THREADS": "3", "JITPROFILE_NUM_THREADS": "2"})
    assert out.strip() == "2"


def test_config_disable_jit_makes_jit_identity():
    out = run_py("""
        import jitprofile as numba

        def f(x):
            return [x]          # not compilable: proves it is not compiled

        g = numba.njit(f)
        h = numba.jit("float64(float64)", nopython=True)(f)

        @numba.experimental.jitclass([("x", numba.float64)])
        class P:
            def __init__(self, x):
                self.x = [x]        # not a float64: proves the class is plain Python

        print(g is f, h is f, g(1), P(2.0).x)
    """, {"NUMBA_DISABLE_JIT": "1"})
    assert out.strip() == "True True [1] [2.0]"


def test_config_boundscheck_forces_checks():
    out = run_py("""
        import numpy as np
        import jitprofile as numba

        @numba.njit
        def get(a, i):
            return a[i]

        try:
            get(np.zeros(3), 10)
            print("no error")
        except IndexError as e:
            print("IndexError")
    """, {"NUMBA_BOUNDSCHECK": "1"})
    assert out.strip() == "IndexError"


def test_config_opt_level_compiles_correctly():
    out = run_py("""
        import jitprofile as numba

        @numba.njit
        def f(n):
            s = 0
            for i in range(n):
                s += i * i
            return s

        print(f(100))
    """, {"NUMBA_OPT": "0"})
    assert out.strip() == str(sum(i * i for i in range(100)))


def test_config_cache_dir_from_numba_variable(tmp_path):
    cache = tmp_path / "cache"
    run_py("""
        import jitprofile as numba

        @numba.njit(cache=True)
        def f(x):
            return x + 1

        assert f(1) == 2
    """, {"NUMBA_CACHE_DIR": str(cache)})
    assert cache.is_dir() and any(cache.iterdir())
