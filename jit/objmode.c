/* jit/objmode.c - objmode blocks: typing, lowering and the run-time
 * trampoline into the interpreter (objmode.h). */
#include "jit/objmode.h"
#include "jit/errors.h"
#include "jit/dispatcher.h"
#include "jit/nrt.h"
#include "jit/numpy_api.h"
#include "jit/pycompat.h"

#include <string.h>

/* inputs the trampoline can hand to Python: numbers, tuples of them, arrays, strings */
static int
boxable(jp_type *t)
{
    if (jp_is_number(t) || t->kind == JP_NONE)
        return 1;
    if (t->kind == JP_ARRAY || t->kind == JP_STR)
        return 1;
    if (t->kind == JP_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (!jp_is_number(t->elems[i]))
                return 0;
        return 1;
    }
    return 0;
}

int
jp_infer_objmode(ictx *c, jp_node *s, jp_assign_fn assign)
{
    for (int i = 0; i < s->u.objmode.nin; i++) {
        jp_node *in = s->u.objmode.in[i];
        jp_type *t = jp_ioperand(c, in);
        if (t == NULL)
            return -1;
        if (!UNKNOWN(t) && !boxable(t)) {
            jp_error_at(JpTypingError, c->ir, s, "pass numbers, tuples of numbers, arrays or strings into the block",
                        "objmode block reads '%s' of type %s, which cannot be passed to Python",
                        c->ir->local_names[in->u.local.index], t->name);
            return -1;
        }
    }
    for (int i = 0; i < s->u.objmode.nout; i++)
        if (assign(c, s->u.objmode.out[i], s->u.objmode.types[i], s) < 0)
            return -1;
    return 0;
}

void
jp_lower_objmode(lctx *c, jp_node *s)
{
    int nin = s->u.objmode.nin, nout = s->u.objmode.nout;
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0), i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMTypeRef inarr = LLVMArrayType(ptr, (unsigned)(nin ? nin : 1));
    LLVMTypeRef outarr = LLVMArrayType(ptr, (unsigned)(nout ? nout : 1));
    LLVMValueRef in = jp_alloca(c, inarr, "om.in"), out = jp_alloca(c, outarr, "om.out");
    LLVMValueRef tin = jp_alloca(c, inarr, "om.tin"), tout = jp_alloca(c, outarr, "om.tout");
    LLVMValueRef names = jp_alloca(c, outarr, "om.names");
    LLVMValueRef slots[64], args[9], status;
    LLVMBasicBlockRef bad, ok;
    c->inst->uncacheable = 1;       /* the block's function and the types, by address */
#define AT(arr, ty, k) LLVMBuildGEP2(c->b, ty, arr, (LLVMValueRef[]){jp_const_i64(c, 0), jp_const_i64(c, k)}, 2, "")
#define ADDR(p) LLVMConstIntToPtr(LLVMConstInt(LLVMInt64TypeInContext(c->ctx), (unsigned long long)(uintptr_t)(p), 0), ptr)
    for (int i = 0; i < nin; i++) {
        jp_node *n = s->u.objmode.in[i];
        jp_type *t = jp_node_type(c, n);
        LLVMValueRef v = jp_lower_expr(c, n), slot = jp_alloca(c, jp_llvm_type(c->ctx, t), "om.arg");
        LLVMBuildStore(c->b, v, slot);
        LLVMBuildStore(c->b, slot, AT(in, inarr, i));
        LLVMBuildStore(c->b, ADDR(t), AT(tin, inarr, i));
    }
    for (int i = 0; i < nout && i < 64; i++) {
        jp_type *t = s->u.objmode.types[i];
        slots[i] = jp_alloca(c, jp_llvm_type(c->ctx, t), "om.res");
        LLVMBuildStore(c->b, slots[i], AT(out, outarr, i));
        LLVMBuildStore(c->b, ADDR(t), AT(tout, outarr, i));
        LLVMBuildStore(c->b, ADDR(c->ir->local_names[s->u.objmode.out[i]->u.local.index]), AT(names, outarr, i));
    }
    args[0] = ADDR(s->u.objmode.func);
    args[1] = tin;
    args[2] = in;
    args[3] = LLVMConstInt(i32, (unsigned long long)nin, 0);
    args[4] = tout;
    args[5] = out;
    args[6] = LLVMConstInt(i32, (unsigned long long)nout, 0);
    args[7] = names;
    args[8] = c->exc;
    status = jp_call_extern(c, "jp_rt_objmode", i32, args, 9);
    bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "objmode.raise");
    ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "objmode.ok");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, status, LLVMConstInt(i32, 0, 0), ""), bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_emit_raised(c, LLVMConstInt(i32, 1, 0));
    LLVMPositionBuilderAtEnd(c->b, ok);
    for (int i = 0; i < nout && i < 64; i++) {
        jp_type *t = s->u.objmode.types[i];
        LLVMValueRef v = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t), slots[i], "");
        if (jp_type_is_managed(t))
            jp_register_temp(c, v, t);      /* the trampoline's reference, released after the store */
        jp_store_target(c, s->u.objmode.out[i], v, t);
    }
#undef AT
#undef ADDR
}

/* ---- run time ---------------------------------------------------------------------- */

static void
stash_exception(jp_excinfo *exc)
{
    PyObject *e = jp_take_exception();
    exc->cls = e ? (PyObject *)Py_TYPE(e) : PyExc_SystemError;
    exc->msg = NULL;
    exc->format = JP_EXC_PENDING;
    exc->args[0] = (int64_t)(intptr_t)e;
}

void
jp_objmode_restore_exception(jp_excinfo *exc)
{
    PyObject *e = (PyObject *)(intptr_t)exc->args[0];
    if (e == NULL) {
        PyErr_SetString(PyExc_SystemError, "objmode block failed without an exception");
        return;
    }
    PyErr_SetObject((PyObject *)Py_TYPE(e), e);
    Py_DECREF(e);
}

/* Does value fit the declared type?  Numbers convert upwards only (an
 * int fits float64, a float does not fit int64); arrays need the dtype and
 * the dimensions, C layout when declared, and writeable unless readonly. */
static int
fits(PyObject *value, jp_type *want)
{
    jp_type *got = jp_typeof(value);
    if (got == NULL) {
        PyErr_Clear();
        return 0;
    }
    if (want->kind == JP_ARRAY) {
        return got->kind == JP_ARRAY && got->dtype == want->dtype && got->ndim == want->ndim
               && (want->layout != 'C' || got->layout == 'C') && (want->readonly || !got->readonly)
               && (want->layout != 'F' || got->layout == 'F');
    }
    if (want->kind == JP_TUPLE) {
        if (!PyTuple_Check(value) || PyTuple_GET_SIZE(value) != want->n)
            return 0;
        for (int i = 0; i < want->n; i++)
            if (!fits(PyTuple_GET_ITEM(value, i), want->elems[i]))
                return 0;
        return 1;
    }
    if (jp_is_number(want))
        return jp_is_number(got) && (got == want || jp_type_unify(want, got) == want);
    return got == want;
}

int32_t
jp_rt_objmode(PyObject *func, jp_type **tin, void **in, int32_t nin,
              jp_type **tout, void **out, int32_t nout, const char **names,
              jp_excinfo *exc)
{
    PyGILState_STATE st = PyGILState_Ensure();
    PyObject *args = PyTuple_New(nin), *res = NULL;
    int32_t status = 1;
    if (args == NULL)
        goto fail;
    for (int i = 0; i < nin; i++) {
        PyObject *v;
        if (tin[i]->kind == JP_ARRAY || tin[i]->kind == JP_STR)
            jp_nrt_incref(((jp_meminfo **)in[i])[0]);    /* boxing takes over a reference */
        if ((v = jp_box(tin[i], in[i])) == NULL)
            goto fail;
        PyTuple_SET_ITEM(args, i, v);
    }
    if ((res = PyObject_Call(func, args, NULL)) == NULL)
        goto fail;
    if (!PyTuple_Check(res) || PyTuple_GET_SIZE(res) != nout) {
        PyErr_SetString(PyExc_SystemError, "objmode block returned the wrong outputs");
        goto fail;
    }
    for (int i = 0; i < nout; i++) {
        PyObject *v = PyTuple_GET_ITEM(res, i);
        if (!fits(v, tout[i])) {
            PyObject *got = (PyObject *)Py_TYPE(v);
            jp_type *gt = jp_typeof(v);
            if (gt == NULL)
                PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "objmode output '%s' was declared %s but the block produced %s",
                         names[i], tout[i]->name, gt ? gt->name : ((PyTypeObject *)got)->tp_name);
            goto fail;
        }
        if (jp_unbox_value(v, tout[i], out[i]) < 0)
            goto fail;
        if (tout[i]->kind == JP_ARRAY) {
            /* own the object: the value outlives this call */
            void **p = out[i];
            if ((p[0] = jp_nrt_adopt(p[1])) == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
        }
    }
    status = 0;
    goto done;
fail:
    stash_exception(exc);
done:
    Py_XDECREF(res);
    Py_XDECREF(args);
    PyGILState_Release(st);
    return status;
}
