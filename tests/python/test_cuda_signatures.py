"""Every signature form numba-cuda accepts, everywhere the CUDA target takes
a signature (cuda.jit, cuda.compile_ptx, cuda.compile, device functions,
vectorize), read by the one reader the CPU @jit uses too (jit/signature.c);
bad forms are clear errors.  Needs no GPU: the PTX is compiled, and checked
by ptxas where the CUDA toolkit is installed."""
import shutil
import subprocess

import numpy as np
import pytest

import jitprofile
from jitprofile import cuda, float32, float64, int32, int64, void, TypingError
from jitprofile.core.typing import signature

needs_libdevice = pytest.mark.skipif(jitprofile._core.cuda_libdevice() is None,
                                     reason="CUDA libdevice not installed")
PTXAS = shutil.which("ptxas")
pytestmark = needs_libdevice


def add(r, x, y):
    i = cuda.grid(1)
    if i < r.shape[0]:
        r[i] = x[i] + y[i]


def scale(out, x):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = 2.0 * x[i]


A = float64[:]
THREE = (A, A, A)

# every form of "a kernel taking three float64[:]" (numba-cuda's sigutils:
# strings are evaluated, so "a, b" and "a," are tuples)
KERNEL_FORMS = {
    "tuple": THREE,
    "tuple of names": ("float64[:]", "float64[:]", "float64[:]"),
    "string with void": "void(float64[:], float64[:], float64[:])",
    "string with none": "none(float64[:], float64[:], float64[:])",
    "string in parentheses": "(float64[:], float64[:], float64[:])",
    "string without parentheses": "float64[:], float64[:], float64[:]",
    "void(...) call": void(A, A, A),
    "typing.signature": signature(void, A, A, A),
}


@pytest.mark.parametrize("form", list(KERNEL_FORMS), ids=list(KERNEL_FORMS))
def test_compile_ptx_takes_every_kernel_signature_form(form):
    ptx, resty = cuda.compile_ptx(add, KERNEL_FORMS[form])
    assert resty == jitprofile.none
    assert ".visible .entry add(" in ptx
    # the same code whatever the spelling
    assert ptx == cuda.compile_ptx(add, THREE)[0]


def test_the_reported_tuple_form_compiles():
    # issue 17: AttributeError: 'tuple' object has no attribute 'args'
    ptx, resty = cuda.compile_ptx(scale, (float64[:], float64[:]))
    assert ".visible .entry scale(" in ptx and resty == jitprofile.none


def test_one_argument_forms():
    def one(x):
        x[0] = 1.0
    for sig in [(A,), "(float64[:],)", "float64[:],", "void(float64[:])", void(A)]:
        ptx, _ = cuda.compile_ptx(one, sig)
        assert ".visible .entry one(" in ptx, sig


def test_zero_argument_kernel():
    def nothing():
        cuda.syncthreads()
    for sig in [(), "()", "void()", void()]:
        ptx, _ = cuda.compile_ptx(nothing, sig)
        assert ".visible .entry nothing()" in ptx, sig


def test_contiguous_layouts_from_every_form():
    c = cuda.compile_ptx(scale, "void(float64[::1], float64[::1])")[0]
    assert cuda.compile_ptx(scale, (float64[::1], float64[::1]))[0] == c
    assert cuda.compile_ptx(scale, "float64[::1], float64[::1]")[0] == c
    assert cuda.compile_ptx(scale, void(float64[::1], float64[::1]))[0] == c


def test_types_from_numba_spelled_objects_are_read_by_name():
    # a Numba type (or anything whose str() is a type name) in a signature
    class NumbaLikeType:
        def __init__(self, name):
            self.name = name

        def __str__(self):
            return self.name

    class NumbaLikeSignature:
        def __init__(self, ret, args):
            self.return_type, self.args = ret, args

    sig = NumbaLikeSignature(NumbaLikeType("none"), (NumbaLikeType("array(float64, 1d, A)"),) * 3)
    assert cuda.compile_ptx(add, sig)[0] == cuda.compile_ptx(add, THREE)[0]


# ---- device functions and return types ---------------------------------------------------

def mul_add(a, b):
    return a * b + 1


def test_compile_ptx_device_returns_the_inferred_type_for_a_tuple():
    ptx, resty = cuda.compile_ptx(mul_add, (int64, int64), device=True)
    assert resty == int64 and ".entry" not in ptx and ".visible .func" in ptx


@pytest.mark.parametrize("sig", ["int64(int64, int64)", int64(int64, int64), signature(int64, int64, int64)])
def test_compile_ptx_device_returns_the_declared_type(sig):
    ptx, resty = cuda.compile_ptx(mul_add, sig, device=True)
    assert resty == int64


def test_a_declared_return_type_that_is_not_the_inferred_one_is_a_clear_error():
    with pytest.raises(TypingError, match="declares return type float64 but the function returns int64"):
        cuda.compile_ptx(mul_add, "float64(int64, int64)", device=True)


def test_a_kernel_signature_with_a_return_type_is_a_type_error():
    with pytest.raises(TypeError, match="must have void return type"):
        cuda.compile_ptx(add, "float64(float64[:], float64[:], float64[:])")
    with pytest.raises(TypeError, match="must have void return type"):
        cuda.jit(float64(A, A, A))(add)


def test_compile_is_a_c_abi_device_function_by_default():
    # numba-cuda's cuda.compile: device=True, abi="c", named after the function
    ptx, resty = cuda.compile(mul_add, (int64, int64))
    assert resty == int64
    assert ".visible .func  (.param .b64 func_retval0) mul_add(" in ptx
    ptx, _ = cuda.compile(mul_add, "int64(int64, int64)", abi_info={"abi_name": "madd"})
    assert ") madd(" in ptx
    ptx, _ = cuda.compile(mul_add, (int32, int32), abi="numba")
    assert ") mul_add(" not in ptx and ".visible .func" in ptx


def test_compile_of_a_kernel():
    ptx, resty = cuda.compile(add, THREE, device=False, abi="numba")
    assert ".visible .entry add(" in ptx and resty == jitprofile.none


@pytest.mark.skipif(PTXAS is None, reason="ptxas (CUDA toolkit) not installed")
def test_c_abi_device_function_assembles(tmp_path):
    def poly(x):
        return x * x + 3.0 * x + 1.0
    ptx, _ = cuda.compile(poly, (float32,), cc=(8, 0))
    src = tmp_path / "f.ptx"
    src.write_text(ptx)
    r = subprocess.run([PTXAS, "-arch=sm_80", "-c", str(src), "-o", str(tmp_path / "f.o")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_compile_options_numba_cuda_has_and_this_target_does_not():
    with pytest.raises(NotImplementedError, match="C ABI is not supported for kernels"):
        cuda.compile(add, THREE, device=False)
    with pytest.raises(NotImplementedError, match="ltoir"):
        cuda.compile(mul_add, (int64, int64), output="ltoir")
    with pytest.raises(NotImplementedError, match="Unsupported output"):
        cuda.compile(mul_add, (int64, int64), output="cubin")
    with pytest.raises(NotImplementedError, match="Unsupported ABI"):
        cuda.compile(mul_add, (int64, int64), abi="fortran")
    with pytest.raises(ValueError, match="LTO-IR"):
        cuda.compile(mul_add, (int64, int64), forceinline=True)


def test_compute_capability_forms_and_bad_ones():
    assert ".target sm_80" in cuda.compile_ptx(add, THREE, cc=(8, 0))[0]
    assert ".target sm_90" in cuda.compile_ptx(add, THREE, cc=90)[0]
    assert ".target sm_75" in cuda.compile_ptx(add, THREE)[0]
    with pytest.raises(ValueError, match="compute capability 9.9"):
        cuda.compile_ptx(add, THREE, cc=(9, 9))
    with pytest.raises(TypeError, match="cc must be"):
        cuda.compile_ptx(add, THREE, cc="sm_75")


@pytest.mark.skipif(cuda.is_available(), reason="this machine has a GPU")
def test_for_current_device_needs_a_gpu():
    with pytest.raises(cuda.CudaSupportError):
        cuda.compile_ptx_for_current_device(add, THREE)
    with pytest.raises(cuda.CudaSupportError):
        cuda.compile_for_current_device(mul_add, (int64, int64))


# ---- cuda.jit ----------------------------------------------------------------------------

@pytest.mark.parametrize("form", list(KERNEL_FORMS), ids=list(KERNEL_FORMS))
def test_cuda_jit_takes_every_form_and_compiles_at_decoration(form):
    k = cuda.jit(KERNEL_FORMS[form])(add)
    assert isinstance(k, cuda.Kernel)
    assert k.signatures == [THREE]
    assert ".visible .entry jp_kernel_add(" in k.inspect_asm(THREE)


def test_cuda_jit_takes_a_list_of_signatures():
    k = cuda.jit(["void(float64[:], float64[:], float64[:])", (float32[:], float32[:], float32[:]),
                  void(int64[:], int64[:], int64[:])])(add)
    assert k.signatures == [THREE, (float32[:],) * 3, (int64[:],) * 3]
    assert set(k.inspect_asm()) == set(k.signatures)


def test_inspect_asm_takes_every_form():
    k = cuda.jit(add)
    p = k.inspect_asm("void(float64[:], float64[:], float64[:])")
    assert k.inspect_asm(THREE) == p == k.inspect_asm(void(A, A, A)) == k.inspect_asm("float64[:], float64[:], float64[:]")
    assert k.signatures == [THREE]


def test_cuda_jit_bare_and_with_options():
    assert isinstance(cuda.jit(add), cuda.Kernel)
    assert isinstance(cuda.jit()(add), cuda.Kernel)
    assert isinstance(cuda.jit(lineinfo=True, fastmath=True, opt=True, cache=False)(add), cuda.Kernel)


def test_cuda_jit_device_with_signatures_compiles_them():
    d = cuda.jit("int64(int64, int64)", device=True)(mul_add)
    assert isinstance(d, jitprofile.Dispatcher)
    cuda.jit([(int64, int64), int64(int64, int64)], device=True)(mul_add)
    with pytest.raises(TypingError, match="declares return type float32"):
        cuda.jit("float32(int64, int64)", device=True)(mul_add)

    def uses(out, a):
        i = cuda.grid(1)
        if i < out.shape[0]:
            out[i] = d(a[i], 3)
    ptx, _ = cuda.compile_ptx(uses, (int64[::1], int64[::1]))
    assert ".visible .entry uses(" in ptx


def test_bad_signature_forms_are_clear_errors():
    with pytest.raises(TypeError, match="that is a type, not a signature"):
        cuda.compile_ptx(add, "float64")
    with pytest.raises(ValueError, match=r"bad type signature 'void\(float64\[:\]'"):
        cuda.compile_ptx(add, "void(float64[:]")
    with pytest.raises(ValueError, match="unknown type name 'float46'"):
        cuda.compile_ptx(add, "void(float46[:], float64[:], float64[:])")
    with pytest.raises(TypeError, match=r"invalid type in signature \(argument 2\).*got 3"):
        cuda.compile_ptx(add, (A, 3, A))
    with pytest.raises(TypeError, match="not a list"):
        cuda.compile_ptx(add, [THREE])
    with pytest.raises(TypeError, match="invalid signature None"):
        cuda.compile_ptx(add, None)
    with pytest.raises(TypeError, match="a type is not a signature"):
        cuda.jit(float64)
    with pytest.raises(TypeError, match="decorates a function"):
        cuda.jit("void(float64[:])")(3)
    with pytest.raises(TypeError, match="unexpected option 'colour'"):
        cuda.jit(colour="red")
    with pytest.raises(NotImplementedError, match="linking PTX"):
        cuda.jit(link=["f.ptx"])
    with pytest.raises(NotImplementedError, match="bounds checking"):
        cuda.jit(boundscheck=True)


def test_debug_gives_line_info_with_a_warning():
    with pytest.warns(UserWarning, match="line info only"):
        ptx, _ = cuda.compile_ptx(add, THREE, debug=True)
    assert ".loc" in ptx


# ---- the same reader serves @jit and vectorize -------------------------------------------

def test_cpu_jit_takes_the_same_forms():
    def f(x, y):
        return x + y
    for sig in ["float64(float64, float64)", "(float64, float64)", "float64, float64",
                (float64, float64), float64(float64, float64), signature(float64, float64, float64)]:
        g = jitprofile.njit(sig)(f)
        assert g(1.5, 2.0) == 3.5
        assert g.signatures == [(float64, float64)], sig
    assert jitprofile.njit([(int64, int64), "float64(float64, float64)"])(f).signatures == \
        [(int64, int64), (float64, float64)]
    with pytest.raises(TypeError, match="that is a type, not a signature"):
        jitprofile.njit("float64")(f)


def test_normalize_signature_is_numbas_shape():
    norm = jitprofile._core.normalize_signature
    assert norm("float64(int64)") == ((int64,), float64)
    assert norm("(int64,)") == ((int64,), None)
    assert norm("int64, int32") == ((int64, int32), None)
    assert norm((int64,)) == ((int64,), None)
    assert norm(void(A)) == ((A,), jitprofile.none)


def test_cuda_vectorize_takes_signature_objects():
    @jitprofile.vectorize([float64(float64, float64), "float32(float32, float32)"], target="cuda")
    def rel(x, y):
        return 2 * (x - y) / (x + y)
    assert ".visible .entry" in rel.ptx()
    assert ".visible .entry" in rel.ptx([np.float32, np.float32])


def test_cpu_vectorize_takes_the_same_forms():
    def f(x, y):
        return x * y + 1.0
    for sigs in (["float64(float64, float64)"], [float64(float64, float64)],
                 [signature(float64, float64, float64)], "float64(float64, float64)"):
        u = jitprofile.vectorize(sigs)(f)
        np.testing.assert_array_equal(u(np.arange(3.0), 2.0), np.arange(3.0) * 2.0 + 1.0)
    with pytest.raises(TypeError, match="that is a type, not a signature"):
        jitprofile.vectorize(["float64"])(f)


def test_a_kernel_with_signatures_launches_with_those_only():
    # numba-cuda compiles the given signatures and no others: a launch uses
    # the first one its arguments convert to
    k = cuda.jit(["void(float64[:], float64[:], float64[:])", "void(int64[::1], int64[::1], int64[::1])"])(add)
    C = float64[::1]
    assert k._signature_for((C, C, C)) == THREE                     # C-contiguous passes as layout A
    assert k._signature_for((int64[::1],) * 3) == (int64[::1],) * 3
    with pytest.raises(TypeError, match=r"no signature given to @cuda.jit matches .*\n.*float64"):
        k._signature_for((float32[:],) * 3)
    s = cuda.jit("void(float64[::1], float64[::1], float64)")(scale_by)
    assert s._signature_for((float64[::1], float64[::1], int64)) == (float64[::1], float64[::1], float64)
    with pytest.raises(TypeError, match="no signature"):
        s._signature_for((float64[::1], float64[::1], jitprofile.types.complex128))
    with pytest.raises(TypeError, match="no signature"):
        s._signature_for((float64[:], float64[::1], float64))       # A does not pass as C
    # without signatures every launch types its own arguments
    assert cuda.jit(add)._signature_for((C, C, C)) == (C, C, C)


def scale_by(out, x, a):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = a * x[i]
