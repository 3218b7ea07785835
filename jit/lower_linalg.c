/* jit/lower_linalg.c - the lowering pieces linear algebra shares
 * (lower_linalg.h): arrays passed to linalg_runtime.c as (data, dtype code,
 * shape *, strides *), its return codes raised as NumPy's exceptions, and
 * dot/@ on float and complex arrays as one call into BLAS (gemm, gemv, dot
 * of NumPy's own OpenBLAS).  Integer products keep lower_numpy.c's loops, as
 * NumPy does not use BLAS for them either. */
#include "jit/lower_linalg.h"
#include "jit/lapack.h"
#include "jit/linalg_runtime.h"
#include "jit/compiler.h"

static LLVMTypeRef
i32t(lctx *c)
{
    return LLVMInt32TypeInContext(c->ctx);
}

static LLVMValueRef
i32(lctx *c, int v)
{
    return LLVMConstInt(i32t(c), (unsigned long long)(long long)v, 1);
}

int
jp_la_work_type(jp_type *dt)
{
    if (dt->kind == JP_COMPLEX)
        return dt->bits == 64 ? JP_LA_C : JP_LA_Z;
    if (dt->kind == JP_FLOAT && dt->bits == 32)
        return JP_LA_S;
    return JP_LA_D;
}

jp_type *
jp_la_type(int t, int real)
{
    switch (t) {
    case JP_LA_S: return jp_type_float(32);
    case JP_LA_D: return jp_type_float(64);
    case JP_LA_C: return real ? jp_type_float(32) : jp_type_complex(64);
    default: return real ? jp_type_float(64) : jp_type_complex(128);
    }
}

static int
dtcode(jp_type *dt)
{
    switch (dt->kind) {
    case JP_BOOL: return JP_LADT_BOOL;
    case JP_FLOAT: return dt->bits == 32 ? JP_LADT_F32 : JP_LADT_F64;
    case JP_COMPLEX: return dt->bits == 64 ? JP_LADT_C64 : JP_LADT_C128;
    default:
        switch (dt->bits) {
        case 8: return dt->is_signed ? JP_LADT_I8 : JP_LADT_U8;
        case 16: return dt->is_signed ? JP_LADT_I16 : JP_LADT_U16;
        case 32: return dt->is_signed ? JP_LADT_I32 : JP_LADT_U32;
        default: return dt->is_signed ? JP_LADT_I64 : JP_LADT_U64;
        }
    }
}

int
jp_la_operand(lctx *c, LLVMValueRef v, jp_type *t, int with_ndim, LLVMValueRef *out)
{
    LLVMValueRef sh = LLVMBuildExtractValue(c->b, v, 3, ""), st = LLVMBuildExtractValue(c->b, v, 4, "");
    LLVMValueRef psh = jp_alloca(c, LLVMTypeOf(sh), "la.shape"), pst = jp_alloca(c, LLVMTypeOf(st), "la.strides");
    int k = 0;
    LLVMBuildStore(c->b, sh, psh);
    LLVMBuildStore(c->b, st, pst);
    out[k++] = jp_arr_field(c, v, 2, 0);
    out[k++] = i32(c, dtcode(t->dtype));
    if (with_ndim)
        out[k++] = jp_const_i64(c, t->ndim);
    out[k++] = psh;
    out[k++] = pst;
    return k;
}

int
jp_la_operand_t(lctx *c, LLVMValueRef v, jp_type *t, LLVMValueRef *out)
{
    LLVMTypeRef at = LLVMArrayType2(LLVMInt64TypeInContext(c->ctx), 2);
    LLVMValueRef psh = jp_alloca(c, at, "la.tshape"), pst = jp_alloca(c, at, "la.tstrides");
    /* both aggregates are filled field by field (inserted below) */
    LLVMValueRef sh = LLVMGetUndef(at), st = LLVMGetUndef(at);
    for (int d = 0; d < 2; d++) {
        sh = LLVMBuildInsertValue(c->b, sh, jp_arr_field(c, v, 3, 1 - d), (unsigned)d, "");
        st = LLVMBuildInsertValue(c->b, st, jp_arr_field(c, v, 4, 1 - d), (unsigned)d, "");
    }
    LLVMBuildStore(c->b, sh, psh);
    LLVMBuildStore(c->b, st, pst);
    out[0] = jp_arr_field(c, v, 2, 0);
    out[1] = i32(c, dtcode(t->dtype));
    out[2] = jp_const_i64(c, 2);
    out[3] = psh;
    out[4] = pst;
    return 5;
}

LLVMValueRef
jp_la_call(lctx *c, const char *name, LLVMTypeRef ret, LLVMValueRef *args, int n)
{
    LLVMTypeRef params[24], fty;
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    for (int i = 0; i < n; i++)
        params[i] = LLVMTypeOf(args[i]);
    fty = LLVMFunctionType(ret, params, (unsigned)n, 0);
    if (fn == NULL)
        fn = LLVMAddFunction(c->mod, name, fty);
    return LLVMBuildCall2(c->b, fty, fn, args, (unsigned)n, "");
}

static PyObject *
linalg_error(void)
{
    static PyObject *cls;
    if (cls == NULL) {
        PyObject *mod = PyImport_ImportModule("numpy.linalg");
        if (mod) {
            cls = PyObject_GetAttrString(mod, "LinAlgError");   /* kept for the life of the process */
            Py_DECREF(mod);
        }
        if (cls == NULL) {
            PyErr_Clear();
            return PyExc_ValueError;
        }
    }
    return cls;
}

void
jp_la_check(lctx *c, LLVMValueRef rc, int linalg)
{
    static const int codes[] = {JP_LA_ELINALG, JP_LA_EVALUE, JP_LA_ENOMEM, JP_LA_ERUNTIME};
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "la.error");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "la.ok");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, rc, i32(c, JP_LA_OK), ""), bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    for (size_t i = linalg ? 0 : 1; i < sizeof codes / sizeof codes[0]; i++) {
        PyObject *cls = codes[i] == JP_LA_ELINALG ? linalg_error() : codes[i] == JP_LA_EVALUE ? PyExc_ValueError
                        : codes[i] == JP_LA_ENOMEM ? PyExc_MemoryError : PyExc_RuntimeError;
        jp_check_dynamic(c, LLVMBuildICmp(c->b, LLVMIntEQ, rc, i32(c, codes[i]), ""), cls, "jp_la_message", NULL, 0);
    }
    LLVMBuildBr(c->b, ok);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

void
jp_lower_dot_check(lctx *c, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb, int np_dot)
{
    LLVMValueRef ka = jp_arr_field(c, a, 3, ta->ndim - 1), kb = jp_arr_field(c, b, 3, 0);
    LLVMValueRef oa[5], ob[5], args[5];
    LLVMBasicBlockRef bad, ok;
    if (c->gpu) {       /* device code calls no runtime: a constant message */
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntNE, ka, kb, ""), PyExc_ValueError,
                 "shapes not aligned: the last dimension of the first operand must equal the first of the second");
        return;
    }
    bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dot.mismatch");
    ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dot.ok");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, ka, kb, ""), bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_la_operand(c, a, ta, 1, oa);
    jp_la_operand(c, b, tb, 1, ob);
    args[0] = i32(c, np_dot);
    args[1] = oa[2];
    args[2] = oa[3];
    args[3] = ob[2];
    args[4] = ob[3];
    jp_check_dynamic(c, LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0), PyExc_ValueError, "jp_la_dot_mismatch",
                     args, 5);
    LLVMBuildBr(c->b, ok);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

LLVMValueRef
jp_lower_dot_blas(lctx *c, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb, jp_type *rt, int np_dot)
{
    jp_type *dt = rt->kind == JP_ARRAY ? rt->dtype : rt;
    LLVMValueRef args[16], out, shape[2];
    int k = 0, nd = 0, t;
    if (c->gpu || (dt->kind != JP_FLOAT && dt->kind != JP_COMPLEX))
        return NULL;
    jp_lapack_load();
    if (!jp_lapack_have(LA_GEMM) || !jp_lapack_have(LA_GEMV) || !jp_lapack_have(LA_DOTU))
        return NULL;        /* NumPy's BLAS is not one we can call: the loops do it */
    t = jp_la_work_type(dt);
    if (rt->kind == JP_ARRAY) {
        if (ta->ndim == 2)
            shape[nd++] = jp_arr_field(c, a, 3, 0);
        if (tb->ndim == 2)
            shape[nd++] = jp_arr_field(c, b, 3, 1);
        out = jp_arr_alloc(c, rt, shape);
        args[1] = jp_arr_field(c, out, 2, 0);
    } else {
        out = jp_alloca(c, jp_llvm_type(c->ctx, dt), "dot.out");
        args[1] = out;
    }
    args[0] = i32(c, t);
    k = 2;
    k += jp_la_operand(c, a, ta, 1, args + k);
    k += jp_la_operand(c, b, tb, 1, args + k);
    args[k++] = i32(c, np_dot);
    jp_la_check(c, jp_la_call(c, "jp_la_matmul", i32t(c), args, k), 0);    /* builtins only: cacheable */
    if (rt->kind == JP_ARRAY)
        return out;
    return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, dt), out, "");
}
