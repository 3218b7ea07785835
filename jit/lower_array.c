/* jit/lower_array.c - NumPy arrays in compiled code.
 *
 * An array value is {meminfo, parent, data, shape[n], strides[n]}: strides
 * in bytes as NumPy has them; meminfo is NULL for arrays that came from
 * Python (the caller keeps `parent` alive for the call) and a jp_meminfo
 * for memory jit code allocated.  This file owns that model: reference
 * counting (owned slots and statement temps, see lower.h), element
 * addressing (with C/F layouts the unit stride is a constant, so LLVM can
 * vectorise), indexing and slicing into views, item assignment, loop nests
 * and broadcasting elementwise kernels.
 */
#include "jit/lower.h"
#include "jit/resolve.h"
#include "jit/dict.h"
#include "jit/errors.h"
#include "jit/lower_parallel.h"

#include <string.h>

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMTypeRef
ptrt(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

LLVMValueRef
jp_arr_field(lctx *c, LLVMValueRef arr, unsigned field, int dim)
{
    if (field < 3)
        return LLVMBuildExtractValue(c->b, arr, field, "");
    return LLVMBuildExtractValue(c->b, LLVMBuildExtractValue(c->b, arr, field, ""), (unsigned)dim, "");
}

LLVMValueRef
jp_arr_make(lctx *c, jp_type *t, LLVMValueRef mi, LLVMValueRef parent, LLVMValueRef data,
            LLVMValueRef *shape, LLVMValueRef *strides)
{
    LLVMTypeRef st = jp_llvm_type(c->ctx, t);
    /* aggregates built field by field: every field is inserted below */
    LLVMValueRef v = LLVMGetUndef(st);
    LLVMValueRef sh = LLVMGetUndef(LLVMStructGetTypeAtIndex(st, 3));
    LLVMValueRef sr = LLVMGetUndef(LLVMStructGetTypeAtIndex(st, 4));
    for (int k = 0; k < t->ndim; k++) {
        sh = LLVMBuildInsertValue(c->b, sh, shape[k], (unsigned)k, "");
        sr = LLVMBuildInsertValue(c->b, sr, strides[k], (unsigned)k, "");
    }
    v = LLVMBuildInsertValue(c->b, v, mi, 0, "");
    v = LLVMBuildInsertValue(c->b, v, parent, 1, "");
    v = LLVMBuildInsertValue(c->b, v, data, 2, "");
    v = LLVMBuildInsertValue(c->b, v, sh, 3, "");
    return LLVMBuildInsertValue(c->b, v, sr, 4, "");
}

static size_t
itemsize(jp_type *dtype)
{
    return dtype->size;
}

/* ---- reference counting ---------------------------------------------------------- */

static void
call_void(lctx *c, const char *name, LLVMValueRef arg)
{
    jp_call_extern(c, name, LLVMVoidTypeInContext(c->ctx), &arg, 1);
}

void
jp_incref(lctx *c, LLVMValueRef v, jp_type *t)
{
    if (c->gpu)
        return;         /* device arrays are owned by the host */
    if (t->kind == JP_OPTIONAL) {      /* its value: a NULL block when None */
        if (jp_type_is_managed(t))
            jp_incref(c, LLVMBuildExtractValue(c->b, v, 1, ""), t->dtype);
        return;
    }
    if (t->kind == JP_CLASS || t->kind == JP_LIST || t->kind == JP_GENERATOR || t->kind == JP_STR
        || t->kind == JP_DICT || t->kind == JP_SET)
        call_void(c, "jp_nrt_incref", v);
    else if (t->kind == JP_ARRAY)
        call_void(c, "jp_nrt_incref", jp_arr_field(c, v, 0, 0));
    else if (t->kind == JP_TUPLE)
        for (int i = 0; i < t->n; i++)
            if (jp_type_is_managed(t->elems[i]))
                jp_incref(c, LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), t->elems[i]);
}

void
jp_decref(lctx *c, LLVMValueRef v, jp_type *t)
{
    if (c->gpu)
        return;
    if (t->kind == JP_OPTIONAL) {      /* its value: a NULL block when None */
        if (jp_type_is_managed(t))
            jp_decref(c, LLVMBuildExtractValue(c->b, v, 1, ""), t->dtype);
        return;
    }
    if (t->kind == JP_CLASS || t->kind == JP_LIST || t->kind == JP_GENERATOR || t->kind == JP_STR
        || t->kind == JP_DICT || t->kind == JP_SET)
        call_void(c, "jp_nrt_decref", v);
    else if (t->kind == JP_ARRAY)
        call_void(c, "jp_nrt_decref", jp_arr_field(c, v, 0, 0));
    else if (t->kind == JP_TUPLE)
        for (int i = 0; i < t->n; i++)
            if (jp_type_is_managed(t->elems[i]))
                jp_decref(c, LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), t->elems[i]);
}

/* Put b in the entry block, after its allocas. */
static void
position_after_allocas(lctx *c, LLVMBuilderRef b)
{
    LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(c->fn);
    LLVMValueRef i = LLVMGetFirstInstruction(entry);
    while (i && LLVMGetInstructionOpcode(i) == LLVMAlloca)
        i = LLVMGetNextInstruction(i);
    if (i)
        LLVMPositionBuilderBefore(b, i);
    else
        LLVMPositionBuilderAtEnd(b, entry);
}

static LLVMValueRef
entry_alloca_null(lctx *c, const char *name)
{
    LLVMValueRef slot = jp_alloca(c, ptrt(c), name);
    /* the null store goes after every alloca of the entry block: right after
     * this one it would sit above allocas made earlier (jp_alloca puts each
     * new one first), and a later position_after_allocas would put their
     * stores above them */
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
    position_after_allocas(c, b);
    LLVMBuildStore(b, LLVMConstNull(ptrt(c)), slot);
    LLVMDisposeBuilder(b);
    return slot;
}

static int
grow(LLVMValueRef **list, int *cap, int n)
{
    if (n < *cap)
        return 0;
    *cap = *cap ? *cap * 2 : 32;
    *list = realloc(*list, (size_t)*cap * sizeof **list);
    return *list ? 0 : -1;
}

static void
register_meminfo_temp(lctx *c, LLVMValueRef mi)
{
    LLVMValueRef slot = entry_alloca_null(c, "temp");
    if (grow(&c->temps, &c->cap_temps, c->ntemps) < 0)
        return;
    c->temps[c->ntemps++] = slot;
    LLVMBuildStore(c->b, mi, slot);
}

void
jp_register_temp(lctx *c, LLVMValueRef v, jp_type *t)
{
    if (c->gpu)
        return;
    if (t->kind == JP_OPTIONAL) {      /* its value: a NULL block when None */
        if (jp_type_is_managed(t))
            jp_register_temp(c, LLVMBuildExtractValue(c->b, v, 1, ""), t->dtype);
        return;
    }
    if (t->kind == JP_CLASS || t->kind == JP_LIST || t->kind == JP_GENERATOR || t->kind == JP_STR
        || t->kind == JP_DICT || t->kind == JP_SET)
        register_meminfo_temp(c, v);
    else if (t->kind == JP_ARRAY)
        register_meminfo_temp(c, jp_arr_field(c, v, 0, 0));
    else if (t->kind == JP_TUPLE)
        for (int i = 0; i < t->n; i++)
            if (jp_type_is_managed(t->elems[i]))
                jp_register_temp(c, LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), t->elems[i]);
}

static void
release_slot(lctx *c, LLVMValueRef slot)
{
    LLVMValueRef mi = LLVMBuildLoad2(c->b, ptrt(c), slot, "");
    LLVMBuildStore(c->b, LLVMConstNull(ptrt(c)), slot);
    call_void(c, "jp_nrt_decref", mi);
}

void
jp_release_temps(lctx *c, int mark)
{
    if (LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        return;
    for (int i = mark; i < c->ntemps; i++)
        release_slot(c, c->temps[i]);
}

/* The meminfo fields of a variable's alloca (an array, or a tuple holding
 * arrays) become owned slots; the alloca is zeroed in the entry block. */
static void
own_fields(lctx *c, LLVMValueRef ptr, jp_type *t, LLVMTypeRef whole, LLVMValueRef *path, int depth,
           LLVMValueRef base)
{
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    if (t->kind == JP_ARRAY || t->kind == JP_CLASS || t->kind == JP_LIST || t->kind == JP_GENERATOR || t->kind == JP_STR
        || t->kind == JP_DICT || t->kind == JP_SET) {
        LLVMValueRef idx[8];
        LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
        LLVMValueRef gep;
        int nidx = depth;
        memcpy(idx, path, (size_t)depth * sizeof *idx);
        if (t->kind == JP_ARRAY)
            idx[nidx++] = LLVMConstInt(i32, 0, 0);      /* the array's meminfo field */
        position_after_allocas(c, b);
        gep = LLVMBuildGEP2(b, whole, base, idx, (unsigned)nidx, "mi.slot");
        LLVMDisposeBuilder(b);
        if (grow(&c->owned, &c->cap_owned, c->nowned) == 0)
            c->owned[c->nowned++] = gep;
        (void)ptr;
        return;
    }
    if (t->kind == JP_TUPLE && depth < 7)
        for (int i = 0; i < t->n; i++)
            if (jp_type_is_managed(t->elems[i])) {
                path[depth] = LLVMConstInt(i32, (unsigned long long)i, 0);
                own_fields(c, ptr, t->elems[i], whole, path, depth + 1, base);
            }
    if (t->kind == JP_OPTIONAL && depth < 7 && jp_type_is_managed(t)) {
        path[depth] = LLVMConstInt(i32, 1, 0);
        own_fields(c, ptr, t->dtype, whole, path, depth + 1, base);
    }
}

void
jp_own_slots(lctx *c, LLVMValueRef slot, jp_type *t)
{
    if (c->gpu)
        return;
    LLVMValueRef path[8];
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMTypeRef whole = jp_llvm_type(c->ctx, t);
    path[0] = LLVMConstInt(i32, 0, 0);
    {
        LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
        position_after_allocas(c, b);
        LLVMBuildStore(b, LLVMConstNull(whole), slot);
        LLVMDisposeBuilder(b);
    }
    own_fields(c, slot, t, whole, path, 1, slot);
}

void
jp_emit_exit_cleanup(lctx *c)
{
    if (c->gpu)
        return;
    for (int i = 0; i < c->nowned; i++)
        call_void(c, "jp_nrt_decref", LLVMBuildLoad2(c->b, ptrt(c), c->owned[i], ""));
    for (int i = 0; i < c->ntemps; i++)
        call_void(c, "jp_nrt_decref", LLVMBuildLoad2(c->b, ptrt(c), c->temps[i], ""));
}

void
jp_raise_formatted(lctx *c, PyObject *cls, int format, LLVMValueRef a0, LLVMValueRef a1, LLVMValueRef a2)
{
    LLVMValueRef vals[3] = {a0, a1, a2};
    LLVMTypeRef i64 = i64t(c);
    LLVMBuildStore(c->b, jp_exception_class(c, cls), c->exc);
    LLVMBuildStore(c->b, LLVMConstNull(ptrt(c)),
                   LLVMBuildGEP2(c->b, i64, c->exc, (LLVMValueRef[]){jp_const_i64(c, 1)}, 1, ""));
    LLVMBuildStore(c->b, jp_const_i64(c, format),
                   LLVMBuildGEP2(c->b, i64, c->exc, (LLVMValueRef[]){jp_const_i64(c, 2)}, 1, ""));
    for (int i = 0; i < 3; i++)
        LLVMBuildStore(c->b, vals[i] ? vals[i] : jp_const_i64(c, 0),
                       LLVMBuildGEP2(c->b, i64, c->exc, (LLVMValueRef[]){jp_const_i64(c, 3 + i)}, 1, ""));
    jp_emit_raised(c, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 1, 0));
}

static void
check_formatted(lctx *c, LLVMValueRef failed, PyObject *cls, int format, LLVMValueRef a0,
                LLVMValueRef a1, LLVMValueRef a2)
{
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "raise");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ok");
    LLVMBuildCondBr(c->b, failed, bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_raise_formatted(c, cls, format, a0, a1, a2);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* ---- addressing -------------------------------------------------------------------- */

LLVMValueRef
jp_arr_load(lctx *c, LLVMValueRef ptr, jp_type *dtype)
{
    if (dtype->kind == JP_RECORD)
        return ptr;     /* a record element is its address */
    if (dtype->kind == JP_BOOL) {
        /* a byte, nonzero is True: i8 accesses vectorise, i1 ones do not */
        LLVMValueRef v = LLVMBuildLoad2(c->b, LLVMInt8TypeInContext(c->ctx), ptr, "");
        jp_tbaa(c, v, JP_TBAA_ARRAY_DATA);
        return LLVMBuildICmp(c->b, LLVMIntNE, v, LLVMConstNull(LLVMInt8TypeInContext(c->ctx)), "");
    }
    {
        LLVMValueRef v = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, dtype), ptr, "");
        jp_tbaa(c, v, JP_TBAA_ARRAY_DATA);
        return v;
    }
}

void
jp_arr_store(lctx *c, LLVMValueRef ptr, jp_type *dtype, LLVMValueRef v)
{
    if (dtype->kind == JP_BOOL)
        v = LLVMBuildZExt(c->b, v, LLVMInt8TypeInContext(c->ctx), "");
    jp_tbaa(c, LLVMBuildStore(c->b, v, ptr), JP_TBAA_ARRAY_DATA);
}

static LLVMValueRef
stride_of(lctx *c, LLVMValueRef arr, jp_type *t, int k)
{
    if ((t->layout == 'C' && k == t->ndim - 1) || (t->layout == 'F' && k == 0))
        return jp_const_i64(c, (long long)itemsize(t->dtype));
    return jp_arr_field(c, arr, 4, k);
}

LLVMValueRef
jp_arr_elem_ptr(lctx *c, LLVMValueRef arr, jp_type *t, LLVMValueRef *idx, int nidx)
{
    LLVMValueRef off = jp_const_i64(c, 0);
    for (int k = 0; k < nidx; k++)
        off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, idx[k], stride_of(c, arr, t, k), ""), "");
    return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, arr, 2, 0), &off, 1, "");
}

LLVMValueRef
jp_arr_size(lctx *c, LLVMValueRef arr, jp_type *t)
{
    LLVMValueRef n = jp_const_i64(c, 1);
    for (int k = 0; k < t->ndim; k++)
        n = LLVMBuildMul(c->b, n, jp_arr_field(c, arr, 3, k), "");
    return n;
}

/* idx < 0 counts from the end; with boundscheck, IndexError names the
 * index, the axis and the size, as NumPy does. */
static LLVMValueRef
wrap_index(lctx *c, LLVMValueRef idx, LLVMValueRef size, int axis)
{
    LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, idx, jp_const_i64(c, 0), "");
    LLVMValueRef wrapped = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, idx, size, ""), idx, "");
    if (c->opts && c->opts->boundscheck)
        check_formatted(c, LLVMBuildICmp(c->b, LLVMIntUGE, wrapped, size, ""), PyExc_IndexError,
                        JP_EXC_INDEX, idx, jp_const_i64(c, axis), size);
    return wrapped;
}

/* ---- loops --------------------------------------------------------------------------- */

static void
loop_level(lctx *c, int k, int ndim, LLVMValueRef *extent, LLVMValueRef *idx, jp_elem_fn body, void *ctx)
{
    LLVMValueRef counter, i;
    LLVMBasicBlockRef head, bodyb, done;
    if (k == ndim) {
        body(c, ctx, idx);
        return;
    }
    counter = jp_alloca(c, i64t(c), "k");
    LLVMBuildStore(c->b, jp_const_i64(c, 0), counter);
    head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "nest.head");
    bodyb = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "nest.body");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "nest.done");
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, head);
    i = LLVMBuildLoad2(c->b, i64t(c), counter, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, extent[k], ""), bodyb, done);
    LLVMPositionBuilderAtEnd(c->b, bodyb);
    idx[k] = i;
    loop_level(c, k + 1, ndim, extent, idx, body, ctx);
    LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), counter, ""), jp_const_i64(c, 1), ""),
                   counter);
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, done);
}

void
jp_loop_nest(lctx *c, int ndim, LLVMValueRef *extent, jp_elem_fn body, void *ctx)
{
    LLVMValueRef idx[32];
    loop_level(c, 0, ndim, extent, idx, body, ctx);
}

/* ---- allocation ------------------------------------------------------------------------ */

LLVMValueRef
jp_arr_alloc(lctx *c, jp_type *t, LLVMValueRef *shape)
{
    LLVMValueRef strides[32], nbytes, mi, data, v, stride = jp_const_i64(c, (long long)itemsize(t->dtype));
    LLVMValueRef neg = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
    for (int k = t->ndim - 1; k >= 0; k--) {
        strides[k] = stride;
        stride = LLVMBuildMul(c->b, stride, shape[k], "");
        neg = LLVMBuildOr(c->b, neg, LLVMBuildICmp(c->b, LLVMIntSLT, shape[k], jp_const_i64(c, 0), ""), "");
    }
    jp_check(c, neg, PyExc_ValueError, "negative dimensions are not allowed");
    /* the byte count must not wrap (np.ones(2**61) would allocate a tiny
     * block): NumPy multiplies the non-zero extents with an overflow check */
    jp_check(c, jp_size_overflows(c, shape, t->ndim, (long long)itemsize(t->dtype)), PyExc_ValueError,
             JP_MSG_ARRAY_TOO_BIG);
    nbytes = stride;
    mi = jp_call_extern(c, "jp_nrt_alloc", ptrt(c), &nbytes, 1);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, mi, LLVMConstNull(ptrt(c)), ""), PyExc_MemoryError,
             "cannot allocate the array");
    data = LLVMBuildLoad2(c->b, ptrt(c), LLVMBuildGEP2(c->b, i64t(c), mi, (LLVMValueRef[]){jp_const_i64(c, 1)}, 1, ""), "data");
    v = jp_arr_make(c, t, mi, LLVMConstNull(ptrt(c)), data, shape, strides);
    register_meminfo_temp(c, mi);
    return v;
}

/* ---- overlapping operands ------------------------------------------------------------ */

static int
may_overlap(lctx *c, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb)
{
    (void)c;
    (void)a;
    (void)b;
    /* only arrays with the same element type can be views of one buffer in
     * a way that matters here; the run-time check decides */
    return ta->kind == JP_ARRAY && tb->kind == JP_ARRAY;
}

/* [lo, hi) of the bytes an array touches (strides may be negative). */
static void
byte_extent(lctx *c, LLVMValueRef arr, jp_type *t, LLVMValueRef *lo, LLVMValueRef *hi)
{
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMValueRef base = LLVMBuildPtrToInt(c->b, jp_arr_field(c, arr, 2, 0), i64, "");
    LLVMValueRef neg = jp_const_i64(c, 0), pos = jp_const_i64(c, (long long)t->dtype->size);
    LLVMValueRef empty = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
    for (int k = 0; k < t->ndim; k++) {
        LLVMValueRef n = jp_arr_field(c, arr, 3, k), st = jp_arr_field(c, arr, 4, k);
        LLVMValueRef span = LLVMBuildMul(c->b, LLVMBuildSub(c->b, n, jp_const_i64(c, 1), ""), st, "");
        LLVMValueRef is_neg = LLVMBuildICmp(c->b, LLVMIntSLT, span, jp_const_i64(c, 0), "");
        neg = LLVMBuildAdd(c->b, neg, LLVMBuildSelect(c->b, is_neg, span, jp_const_i64(c, 0), ""), "");
        pos = LLVMBuildAdd(c->b, pos, LLVMBuildSelect(c->b, is_neg, jp_const_i64(c, 0), span, ""), "");
        empty = LLVMBuildOr(c->b, empty, LLVMBuildICmp(c->b, LLVMIntSLE, n, jp_const_i64(c, 0), ""), "");
    }
    *lo = LLVMBuildAdd(c->b, base, neg, "");
    *hi = LLVMBuildSelect(c->b, empty, *lo, LLVMBuildAdd(c->b, base, pos, ""), "");
}

static LLVMValueRef copy_elem_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types);

/* src itself, or a C-contiguous copy when its bytes overlap dst's. */
static LLVMValueRef
copy_if_overlapping(lctx *c, LLVMValueRef src, jp_type *ts, LLVMValueRef dst, jp_type *td)
{
    LLVMValueRef slo, shi, dlo, dhi, overlap, slot, copy;
    jp_type *ct = jp_type_array(ts->dtype, ts->ndim, 'C', 0);
    (void)td;
    LLVMBasicBlockRef yes, done;
    byte_extent(c, src, ts, &slo, &shi);
    byte_extent(c, dst, td, &dlo, &dhi);
    overlap = LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntULT, slo, dhi, ""),
                           LLVMBuildICmp(c->b, LLVMIntULT, dlo, shi, ""), "");
    if (ts->ndim == td->ndim) {
        /* exactly the same elements (a += a): updating in place is safe */
        LLVMValueRef same = LLVMBuildICmp(c->b, LLVMIntEQ, jp_arr_field(c, src, 2, 0), jp_arr_field(c, dst, 2, 0), "");
        for (int k = 0; k < ts->ndim; k++) {
            same = LLVMBuildAnd(c->b, same, LLVMBuildICmp(c->b, LLVMIntEQ, jp_arr_field(c, src, 4, k),
                                                          jp_arr_field(c, dst, 4, k), ""), "");
            /* a[:1] broadcast into a[:] reads an element after writing it */
            same = LLVMBuildAnd(c->b, same, LLVMBuildICmp(c->b, LLVMIntEQ, jp_arr_field(c, src, 3, k),
                                                          jp_arr_field(c, dst, 3, k), ""), "");
        }
        overlap = LLVMBuildAnd(c->b, overlap, LLVMBuildNot(c->b, same, ""), "");
    }
    slot = jp_alloca(c, jp_llvm_type(c->ctx, ct), "src");
    LLVMBuildStore(c->b, src, slot);
    yes = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "overlap.copy");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "overlap.done");
    LLVMBuildCondBr(c->b, overlap, yes, done);
    LLVMPositionBuilderAtEnd(c->b, yes);
    {
        jp_type *tin[1] = {ts};
        LLVMValueRef in[1] = {src};
        copy = jp_elementwise(c, ct, NULL, 1, in, tin, copy_elem_kernel, ts->dtype);
        LLVMBuildStore(c->b, copy, slot);
    }
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, ct), slot, "");
}

static LLVMValueRef
copy_elem_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    (void)c;
    (void)vctx;
    (void)types;
    return vals[0];
}

/* ---- elementwise kernels with broadcasting ---------------------------------------------- */

/* i1: arr's strides are C order's (always true for layout 'C') */
static LLVMValueRef
c_contiguous(lctx *c, LLVMValueRef arr, jp_type *t)
{
    LLVMValueRef ok = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0);
    LLVMValueRef expect = jp_const_i64(c, (long long)itemsize(t->dtype));
    if (t->layout == 'C')
        return ok;
    for (int k = t->ndim - 1; k >= 0; k--) {
        LLVMValueRef n = jp_arr_field(c, arr, 3, k);
        LLVMValueRef fits = LLVMBuildOr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, jp_arr_field(c, arr, 4, k), expect, ""),
                                        LLVMBuildICmp(c->b, LLVMIntEQ, n, jp_const_i64(c, 1), ""), "");
        ok = LLVMBuildAnd(c->b, ok, fits, "");
        expect = LLVMBuildMul(c->b, expect, n, "");
    }
    return ok;
}

typedef struct ew_ctx {
    jp_type *rt;
    LLVMValueRef out;
    int nin;
    LLVMValueRef *in;
    jp_type **tin;
    LLVMValueRef eff[JP_EW_MAX_IN][32];    /* effective strides (0 where broadcast) */
    jp_kernel_fn fn;
    void *fctx;
    int flat;                   /* one flat loop over contiguous data */
    LLVMValueRef acc;           /* jp_elementwise_sum: the accumulator (alloca) the elements add into */
    jp_type *acc_t;
} ew_ctx;

static void
ew_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    ew_ctx *e = vctx;
    LLVMValueRef vals[JP_EW_MAX_IN], r;
    jp_type *types[JP_EW_MAX_IN];
    int R = e->rt->ndim;
    for (int j = 0; j < e->nin; j++) {
        jp_type *t = e->tin[j];
        if (t->kind != JP_ARRAY) {
            vals[j] = e->in[j];
            types[j] = t;
            continue;
        }
        types[j] = t->dtype;
        if (e->flat) {
            LLVMValueRef off = LLVMBuildMul(c->b, idx[0], jp_const_i64(c, (long long)itemsize(t->dtype)), "");
            LLVMValueRef p = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, e->in[j], 2, 0), &off, 1, "");
            vals[j] = jp_arr_load(c, p, t->dtype);
        } else {
            LLVMValueRef off = jp_const_i64(c, 0), p;
            for (int k = 0; k < t->ndim; k++)
                off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, idx[R - t->ndim + k], e->eff[j][k], ""), "");
            p = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, e->in[j], 2, 0), &off, 1, "");
            vals[j] = jp_arr_load(c, p, t->dtype);
        }
    }
    r = e->fn(c, e->fctx, vals, types);
    if (e->acc) {
        LLVMValueRef sum = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, e->acc_t), e->acc, "");
        r = jp_cast(c, r, e->rt->dtype, e->acc_t);
        LLVMBuildStore(c->b, jp_lower_binop(c, OP_ADD, sum, e->acc_t, r, e->acc_t, e->acc_t, NULL), e->acc);
    } else if (e->flat) {
        LLVMValueRef off = LLVMBuildMul(c->b, idx[0], jp_const_i64(c, (long long)itemsize(e->rt->dtype)), "");
        jp_arr_store(c, LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, e->out, 2, 0), &off, 1, ""),
                     e->rt->dtype, r);
    } else {
        jp_arr_store(c, jp_arr_elem_ptr(c, e->out, e->rt, idx, R), e->rt->dtype, r);
    }
}

/* The loop of jp_elementwise: split over the thread pool under
 * parallel=True (lower_parallel.c), the values it reads passed along. */
static void
ew_nest(lctx *c, int R, LLVMValueRef *shape, ew_ctx *e)
{
    LLVMValueRef *caps[1 + JP_EW_MAX_IN * 33];
    int n = 0;
    if (R == 0 || !jp_parallel_enabled(c)) {
        jp_loop_nest(c, R, shape, ew_body, e);
        return;
    }
    if (e->acc == NULL)
        caps[n++] = &e->out;
    for (int j = 0; j < e->nin; j++) {
        caps[n++] = &e->in[j];
        if (e->tin[j]->kind == JP_ARRAY)
            for (int k = 0; k < e->tin[j]->ndim; k++)
                caps[n++] = &e->eff[j][k];
    }
    if (e->acc) {
        LLVMValueRef *reds[1] = {&e->acc};
        jp_parallel_loop_nest(c, R, shape, ew_body, e, caps, n, reds, &e->acc_t, 1);
    }
    else
        jp_parallel_loop_nest(c, R, shape, ew_body, e, caps, n, NULL, NULL, 0);
}

static LLVMValueRef ew_run(lctx *c, jp_type *rt, LLVMValueRef out, int nin, LLVMValueRef *in, jp_type **tin,
                           jp_kernel_fn fn, void *fctx, LLVMValueRef acc, jp_type *acc_t);

LLVMValueRef
jp_elementwise(lctx *c, jp_type *rt, LLVMValueRef out, int nin, LLVMValueRef *in, jp_type **tin,
               jp_kernel_fn fn, void *fctx)
{
    return ew_run(c, rt, out, nin, in, tin, fn, fctx, NULL, NULL);
}

void
jp_elementwise_sum(lctx *c, jp_type *rt, int nin, LLVMValueRef *in, jp_type **tin, jp_kernel_fn fn, void *fctx,
                   LLVMValueRef acc, jp_type *acc_t)
{
    ew_run(c, rt, NULL, nin, in, tin, fn, fctx, acc, acc_t);
}

static LLVMValueRef
ew_run(lctx *c, jp_type *rt, LLVMValueRef out, int nin, LLVMValueRef *in, jp_type **tin,
       jp_kernel_fn fn, void *fctx, LLVMValueRef acc, jp_type *acc_t)
{
    ew_ctx e = {0};
    int R = rt->ndim, all_c = 1;
    LLVMValueRef shape[32], same = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0);
    int saved = c->numpy_semantics;

    e.acc = acc;
    e.acc_t = acc_t;
    e.rt = rt;
    e.nin = nin;
    e.in = in;
    e.tin = tin;
    e.fn = fn;
    e.fctx = fctx;
    if (out) {
        for (int d = 0; d < R; d++)
            shape[d] = jp_arr_field(c, out, 3, d);
    } else {
        for (int d = 0; d < R; d++)
            shape[d] = jp_const_i64(c, 1);
    }
    for (int j = 0; j < nin; j++) {
        jp_type *t = tin[j];
        if (t->kind != JP_ARRAY)
            continue;
        if (out && t->ndim > R) {
            /* NumPy: a non-broadcastable output operand */
            check_formatted(c, LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0), PyExc_ValueError,
                            JP_EXC_BROADCAST, jp_const_i64(c, 0), jp_arr_field(c, in[j], 3, 0), jp_const_i64(c, 1));
            return out;
        }
        if (out && may_overlap(c, in[j], t, out, rt)) {
            /* the output overlaps this input (a[1:] = a[:-1]): read a copy */
            in[j] = copy_if_overlapping(c, in[j], t, out, rt);
            t = tin[j] = jp_type_array(t->dtype, t->ndim, t->layout == 'C' ? 'C' : 'A', 0);
        }
        if (t->ndim != R)
            all_c = 0;
        for (int k = 0; k < t->ndim; k++) {
            int d = R - t->ndim + k;
            LLVMValueRef s = jp_arr_field(c, in[j], 3, k), one = jp_const_i64(c, 1), bad;
            if (!out)
                shape[d] = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, shape[d], one, ""), s, shape[d], "");
            bad = LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntNE, s, one, ""),
                               LLVMBuildICmp(c->b, LLVMIntNE, s, shape[d], ""), "");
            check_formatted(c, bad, PyExc_ValueError, JP_EXC_BROADCAST, jp_const_i64(c, d), s, shape[d]);
        }
    }
    for (int j = 0; j < nin; j++) {
        jp_type *t = tin[j];
        if (t->kind != JP_ARRAY)
            continue;
        for (int k = 0; k < t->ndim; k++) {
            int d = R - t->ndim + k;
            LLVMValueRef s = jp_arr_field(c, in[j], 3, k);
            LLVMValueRef is1 = LLVMBuildICmp(c->b, LLVMIntEQ, s, jp_const_i64(c, 1), "");
            e.eff[j][k] = LLVMBuildSelect(c->b, is1, jp_const_i64(c, 0), stride_of(c, in[j], t, k), "");
            same = LLVMBuildAnd(c->b, same, LLVMBuildICmp(c->b, LLVMIntEQ, s, shape[d], ""), "");
        }
    }
    if (!out && !acc)
        out = jp_arr_alloc(c, rt, shape);
    e.out = out;
    if (all_c && R > 0) {
        /* views (layout 'A') that are C-contiguous at run time (a[1:-1],
         * a[:-2]) take the flat loop too */
        if (out)
            same = LLVMBuildAnd(c->b, same, c_contiguous(c, out, rt), "");
        for (int j = 0; j < nin; j++)
            if (tin[j]->kind == JP_ARRAY)
                same = LLVMBuildAnd(c->b, same, c_contiguous(c, in[j], tin[j]), "");
    }
    c->numpy_semantics = 1;
    if (all_c && R > 0) {
        /* same shapes and all C-contiguous at run time: one flat loop with
         * unit strides, which the vectoriser handles */
        LLVMBasicBlockRef flat = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ew.flat");
        LLVMBasicBlockRef nest = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ew.nest");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ew.done");
        LLVMValueRef total = jp_const_i64(c, 1);
        for (int d = 0; d < R; d++)
            total = LLVMBuildMul(c->b, total, shape[d], "");
        LLVMBuildCondBr(c->b, same, flat, nest);
        LLVMPositionBuilderAtEnd(c->b, flat);
        e.flat = 1;
        ew_nest(c, 1, &total, &e);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, nest);
        e.flat = 0;
        ew_nest(c, R, shape, &e);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
    } else {
        ew_nest(c, R, shape, &e);
    }
    c->numpy_semantics = saved;
    return out;
}

typedef struct binop_k {
    jp_binop op;
    jp_type *work;          /* the computation's element type */
    jp_type *rdt;           /* the result's element type */
} binop_k;

static LLVMValueRef
binop_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    binop_k *k = vctx;
    LLVMValueRef r = jp_lower_binop(c, k->op, vals[0], types[0], vals[1], types[1], k->work, NULL);
    return jp_cast(c, r, k->work, k->rdt);
}

LLVMValueRef
jp_lower_array_binop(lctx *c, jp_node *n, jp_binop op, LLVMValueRef a, jp_type *ta, LLVMValueRef b,
                     jp_type *tb, jp_type *rt, LLVMValueRef out)
{
    LLVMValueRef in[2] = {a, b};
    jp_type *tin[2] = {ta, tb};
    binop_k k = {op, rt->dtype, rt->dtype};
    (void)n;
    /* NEP 50: a Python int beside an integer array takes the array's
     * dtype, and one that does not fit is an OverflowError (int8 + 300) */
    for (int i = 0; i < 2; i++)
        if (tin[i]->kind == JP_INT && rt->dtype->kind == JP_INT)
            jp_check_int_bounds(c, in[i], tin[i], rt->dtype);
    if (out) {
        /* in place: compute in the promoted type, store in the target's */
        jp_type *ea = ta->kind == JP_ARRAY ? ta->dtype : ta, *eb = tb->kind == JP_ARRAY ? tb->dtype : tb;
        k.work = jp_type_unify(ea, eb);
        if (k.work == NULL || !jp_is_number(k.work))
            k.work = rt->dtype;
        if (op == OP_TRUEDIV && k.work->kind != JP_FLOAT && k.work->kind != JP_COMPLEX)
            k.work = jp_type_float(64);
    }
    return jp_elementwise(c, rt, out, 2, in, tin, binop_kernel, &k);
}

LLVMValueRef
jp_lower_unary_elem(lctx *c, jp_unop op, LLVMValueRef v, jp_type *rt)
{
    switch (op) {
    case UOP_NEG:
        if (rt->kind == JP_INT)
            return LLVMBuildNeg(c->b, v, "");
        if (rt->kind == JP_FLOAT)
            return LLVMBuildFNeg(c->b, v, "");
        return jp_make_complex(c, rt, LLVMBuildFNeg(c->b, LLVMBuildExtractValue(c->b, v, 0, ""), ""),
                               LLVMBuildFNeg(c->b, LLVMBuildExtractValue(c->b, v, 1, ""), ""));
    case UOP_INVERT:
        return LLVMBuildNot(c->b, v, "");
    default:
        return v;
    }
}

static LLVMValueRef
unary_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    jp_node *n = vctx;
    jp_type *rt = jp_node_type(c, n)->dtype;
    return jp_lower_unary_elem(c, n->u.unary.op, jp_cast(c, vals[0], types[0], rt), rt);
}

LLVMValueRef
jp_lower_array_unary(lctx *c, jp_node *n, LLVMValueRef a, jp_type *ta, jp_type *rt)
{
    return jp_elementwise(c, rt, NULL, 1, &a, &ta, unary_kernel, n);
}

static LLVMValueRef
compare_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    jp_cmpop *op = vctx;
    return jp_lower_compare(c, *op, vals[0], types[0], vals[1], types[1]);
}

LLVMValueRef
jp_lower_array_compare(lctx *c, jp_node *n, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb,
                       jp_type *rt)
{
    LLVMValueRef in[2] = {a, b};
    jp_type *tin[2] = {ta, tb};
    return jp_elementwise(c, rt, NULL, 2, in, tin, compare_kernel, &n->u.compare.ops[0]);
}

/* ---- indexing and views ------------------------------------------------------------------ */

typedef struct view {
    LLVMValueRef data;
    LLVMValueRef shape[32], strides[32];
    int ndim;
} view;

/* An index expression.  Sums and products of int64 values used as an
 * index are built with nsw: index arithmetic that overflows int64 would
 * address outside any array anyway, and the flag lets LLVM prove that
 * i + 1 in a loop is not negative, so wrap-around folds away and the loop
 * vectorises. */
static LLVMValueRef
lower_index_value(lctx *c, jp_node *n)
{
    jp_type *t = jp_node_type(c, n);
    if (n->kind == E_BINOP && t->kind == JP_INT && t->bits == 64 && t->is_signed
        && (n->u.binop.op == OP_ADD || n->u.binop.op == OP_SUB || n->u.binop.op == OP_MUL)) {
        jp_type *lt = jp_node_type(c, n->u.binop.left), *rt = jp_node_type(c, n->u.binop.right);
        if ((lt->kind == JP_INT || lt->kind == JP_BOOL) && (rt->kind == JP_INT || rt->kind == JP_BOOL)) {
            LLVMValueRef a = lower_index_value(c, n->u.binop.left), b = lower_index_value(c, n->u.binop.right);
            switch (n->u.binop.op) {
            case OP_ADD: return LLVMBuildNSWAdd(c->b, a, b, "");
            case OP_SUB: return LLVMBuildNSWSub(c->b, a, b, "");
            default: return LLVMBuildNSWMul(c->b, a, b, "");
            }
        }
    }
    return jp_cast(c, jp_lower_expr(c, n), t, jp_type_int(64, 1));
}

void
jp_lower_slice_dim(lctx *c, jp_node *it, LLVMValueRef size, LLVMValueRef stride, LLVMValueRef *off,
                   LLVMValueRef *shape, LLVMValueRef *new_stride)
{
    LLVMValueRef parts[3], res, slot, status;
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    jp_node *pn[3] = {it->u.slice.lower, it->u.slice.upper, it->u.slice.step};
    int flags = 0;
    for (int p = 0; p < 3; p++) {
        if (pn[p] && jp_node_type(c, pn[p])->kind != JP_NONE) {
            parts[p] = jp_cast(c, jp_lower_expr(c, pn[p]), jp_node_type(c, pn[p]), jp_type_int(64, 1));
            if (p < 2)
                flags |= 1 << p;
        } else {
            parts[p] = jp_const_i64(c, p == 2 ? 1 : 0);
        }
    }
    slot = jp_alloca(c, LLVMArrayType2(i64t(c), 2), "slice");
    status = jp_call_extern(c, "jp_rt_slice", i32,
                            (LLVMValueRef[]){size, parts[0], parts[1], parts[2],
                                             LLVMConstInt(i32, (unsigned long long)flags, 0), slot}, 6);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntNE, status, LLVMConstInt(i32, 0, 0), ""), PyExc_ValueError,
             "slice step cannot be zero");
    res = LLVMBuildLoad2(c->b, i64t(c), slot, "");
    *shape = LLVMBuildLoad2(c->b, i64t(c),
                            LLVMBuildGEP2(c->b, i64t(c), slot, (LLVMValueRef[]){jp_const_i64(c, 1)}, 1, ""), "");
    *off = LLVMBuildAdd(c->b, *off, LLVMBuildMul(c->b, res, stride, ""), "");
    *new_stride = LLVMBuildMul(c->b, stride, parts[2], "");
}

/* Apply index items to arr: ints select (and drop a dimension), slices
 * narrow; trailing dimensions stay.  Fills v; returns 1 when every
 * dimension was selected by an int (an element). */
static int
apply_index(lctx *c, LLVMValueRef arr, jp_type *t, jp_node **items, int nitems, view *v)
{
    LLVMValueRef off = jp_const_i64(c, 0);
    v->ndim = 0;
    for (int k = 0; k < t->ndim; k++) {
        LLVMValueRef size = jp_arr_field(c, arr, 3, k), stride = stride_of(c, arr, t, k);
        jp_node *it = k < nitems ? items[k] : NULL;
        if (it == NULL) {
            v->shape[v->ndim] = size;
            v->strides[v->ndim++] = stride;
        } else if (it->kind == E_SLICE) {
            jp_lower_slice_dim(c, it, size, stride, &off, &v->shape[v->ndim], &v->strides[v->ndim]);
            v->ndim++;
        } else {
            LLVMValueRef i = lower_index_value(c, it);
            i = wrap_index(c, i, size, k);
            off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, i, stride, ""), "");
        }
    }
    v->data = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, arr, 2, 0), &off, 1, "");
    return v->ndim == 0;
}

static LLVMValueRef
make_view(lctx *c, LLVMValueRef arr, jp_type *rt, view *v)
{
    LLVMValueRef mi = jp_arr_field(c, arr, 0, 0);
    LLVMValueRef r = jp_arr_make(c, rt, mi, jp_arr_field(c, arr, 1, 0), v->data, v->shape, v->strides);
    jp_incref(c, r, rt);
    jp_register_temp(c, r, rt);
    return r;
}

static void
index_items(jp_node *idx, jp_node ***items, int *n)
{
    if (idx->kind == E_TUPLE) {
        *items = idx->u.tuple.elts;
        *n = idx->u.tuple.n;
    } else {
        *items = NULL;
        *n = 1;
    }
}

/* a[t] with t a tuple value of ints: select its dimensions. */
static int
apply_tuple_index(lctx *c, LLVMValueRef arr, jp_type *t, jp_node *idx, view *v)
{
    jp_type *tt = jp_node_type(c, idx);
    LLVMValueRef tv = jp_lower_expr(c, idx), off = jp_const_i64(c, 0);
    v->ndim = 0;
    for (int k = 0; k < t->ndim; k++) {
        LLVMValueRef size = jp_arr_field(c, arr, 3, k), stride = stride_of(c, arr, t, k);
        if (k < tt->n) {
            LLVMValueRef i = jp_cast(c, LLVMBuildExtractValue(c->b, tv, (unsigned)k, ""), tt->elems[k],
                                     jp_type_int(64, 1));
            i = wrap_index(c, i, size, k);
            off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, i, stride, ""), "");
        } else {
            v->shape[v->ndim] = size;
            v->strides[v->ndim++] = stride;
        }
    }
    v->data = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, arr, 2, 0), &off, 1, "");
    return v->ndim == 0;
}

static int
select_items(lctx *c, LLVMValueRef arr, jp_type *t, jp_node *single, view *v)
{
    jp_node **items;
    int nitems;
    if (single->kind != E_TUPLE && jp_node_type(c, single)->kind == JP_TUPLE)
        return apply_tuple_index(c, arr, t, single, v);
    index_items(single, &items, &nitems);
    if (items == NULL)
        items = &single;
    return apply_index(c, arr, t, items, nitems, v);
}

static int select_items(lctx *c, LLVMValueRef arr, jp_type *t, jp_node *single, view *v);

static LLVMValueRef
record_field_ptr(lctx *c, LLVMValueRef rec, jp_type *rt, const char *field, jp_type **ftype)
{
    jp_type *r = rt->dtype;
    for (int i = 0; i < r->n; i++) {
        if (strcmp(r->field_names[i], field) == 0) {
            LLVMValueRef off = jp_const_i64(c, (long long)r->offsets[i]);
            *ftype = r->elems[i];
            return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), rec, &off, 1, "");
        }
    }
    *ftype = jp_type_int(64, 1);
    return jp_lower_unhandled(c, LLVMPointerTypeInContext(c->ctx, 0), "the record field '%s' of %s", field, rt->name);
}

LLVMValueRef
jp_lower_array_subscript(lctx *c, jp_node *n)
{
    jp_type *at = jp_node_type(c, n->u.subscript.value), *rt = jp_node_type(c, n);
    LLVMValueRef arr = jp_lower_expr(c, n->u.subscript.value);
    jp_node *single = n->u.subscript.index;
    view v;

    if (at->kind == JP_RECORD_REF) {
        jp_type *ft;
        LLVMValueRef p = record_field_ptr(c, arr, at, single->u.str.text, &ft);
        return jp_arr_load(c, p, ft);
    }
    if (jp_lower_is_fancy(c, single))
        return jp_lower_fancy_subscript(c, n, arr, at, rt);     /* lower_fancy.c */
    if (select_items(c, arr, at, single, &v))
        return jp_arr_load(c, v.data, at->dtype);
    return make_view(c, arr, rt, &v);
}

LLVMValueRef
jp_array_iter_item(lctx *c, LLVMValueRef arr, jp_type *t, LLVMValueRef i)
{
    LLVMValueRef off = LLVMBuildMul(c->b, i, stride_of(c, arr, t, 0), "");
    view v;
    v.data = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, arr, 2, 0), &off, 1, "");
    if (t->ndim == 1)
        return jp_arr_load(c, v.data, t->dtype);
    v.ndim = t->ndim - 1;
    for (int k = 1; k < t->ndim; k++) {
        v.shape[k - 1] = jp_arr_field(c, arr, 3, k);
        v.strides[k - 1] = stride_of(c, arr, t, k);
    }
    return make_view(c, arr, jp_type_array(t->dtype, t->ndim - 1, t->layout == 'C' ? 'C' : 'A', t->readonly), &v);
}

LLVMValueRef
jp_lower_array_attr(lctx *c, jp_node *n)
{
    jp_type *at = jp_node_type(c, n->u.attr.value), *rt = jp_node_type(c, n);
    LLVMValueRef arr = jp_lower_expr(c, n->u.attr.value);
    const char *name = n->u.attr.name;

    if (at->kind == JP_RECORD_REF) {
        jp_type *ft;
        LLVMValueRef p = record_field_ptr(c, arr, at, name, &ft);
        return jp_arr_load(c, p, ft);
    }
    if (strcmp(name, "shape") == 0 || strcmp(name, "strides") == 0) {
        LLVMValueRef t = LLVMGetUndef(jp_llvm_type(c->ctx, rt));     /* every element is inserted below */
        for (int k = 0; k < at->ndim; k++)
            t = LLVMBuildInsertValue(c->b, t, jp_arr_field(c, arr, name[1] == 'h' ? 3 : 4, k), (unsigned)k, "");
        return t;
    }
    if (strcmp(name, "ndim") == 0)
        return jp_const_i64(c, at->ndim);
    if (strcmp(name, "size") == 0)
        return jp_arr_size(c, arr, at);
    if (strcmp(name, "itemsize") == 0)
        return jp_const_i64(c, (long long)itemsize(at->dtype));
    if (strcmp(name, "nbytes") == 0)
        return LLVMBuildMul(c->b, jp_arr_size(c, arr, at), jp_const_i64(c, (long long)itemsize(at->dtype)), "");
    if (strcmp(name, "T") == 0) {
        view v;
        v.data = jp_arr_field(c, arr, 2, 0);
        v.ndim = at->ndim;
        for (int k = 0; k < at->ndim; k++) {
            v.shape[k] = jp_arr_field(c, arr, 3, at->ndim - 1 - k);
            v.strides[k] = jp_arr_field(c, arr, 4, at->ndim - 1 - k);
        }
        return make_view(c, arr, rt, &v);
    }
    if ((strcmp(name, "real") == 0 || strcmp(name, "imag") == 0) && at->dtype->kind == JP_COMPLEX) {
        /* a view of the real or imaginary parts: the same strides, imag half an item further */
        view v;
        LLVMValueRef off = jp_const_i64(c, strcmp(name, "imag") == 0 ? (long long)itemsize(at->dtype) / 2 : 0);
        v.data = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, arr, 2, 0), &off, 1, "");
        v.ndim = at->ndim;
        for (int k = 0; k < at->ndim; k++) {
            v.shape[k] = jp_arr_field(c, arr, 3, k);
            v.strides[k] = jp_arr_field(c, arr, 4, k);
        }
        return make_view(c, arr, rt, &v);
    }
    if (strcmp(name, "real") == 0)
        return arr;
    return LLVMConstNull(jp_llvm_type(c->ctx, rt));      /* dtype: a compile-time value */
}

/* ---- item assignment ---------------------------------------------------------------------- */

static LLVMValueRef
copy_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    jp_type *dt = vctx;
    return jp_cast(c, vals[0], types[0], dt);
}

/* A Python int written in the source (300, -1): NumPy checks it against the
 * array's dtype (NEP 50), where a computed value is cast. */
static int
is_int_literal(lctx *c, jp_node *n)
{
    if (n->kind == E_UNARY && n->u.unary.op == UOP_NEG)
        n = n->u.unary.operand;
    return n->kind == E_CONST && jp_node_type(c, n)->kind == JP_INT;
}

void
jp_lower_setitem(lctx *c, jp_node *s, int is_aug)
{
    jp_node *target = s->u.augassign.target;
    jp_type *tt = jp_node_type(c, target), *bt;
    LLVMValueRef base, ptr, value, rhs = NULL;
    jp_type *vt;
    jp_node *single;
    view v;

    if (target->kind == E_ATTR && jp_node_type(c, target->u.attr.value)->kind == JP_CLASS) {
        jp_lower_class_setattr(c, s, is_aug);
        return;
    }
    if (target->kind == E_SUBSCRIPT && jp_node_type(c, target->u.subscript.value)->kind == JP_LIST) {
        jp_lower_list_setitem(c, s, is_aug);       /* lower_list.c */
        return;
    }
    if (target->kind == E_SUBSCRIPT && jp_node_type(c, target->u.subscript.value)->kind == JP_DICT) {
        jp_lower_dict_setitem(c, s, is_aug);       /* lower_dict.c */
        return;
    }
    /* `t[i] = v` evaluates v before t and i, as CPython does (an exception
     * from either side must be the one CPython raises); `t[i] += v` reads
     * t[i] first.  An elementwise array expression stored into a view is
     * evaluated by the fused loop instead (lower_fuse.c), after the view. */
    if (!is_aug && !jp_fusable(c, s->u.augassign.value))
        rhs = jp_lower_expr(c, s->u.augassign.value);
    if (target->kind == E_ATTR || (target->kind == E_SUBSCRIPT && target->u.subscript.index->kind == E_STR)) {
        jp_type *ft;
        jp_node *recn = target->kind == E_ATTR ? target->u.attr.value : target->u.subscript.value;
        const char *field = target->kind == E_ATTR ? target->u.attr.name : target->u.subscript.index->u.str.text;
        bt = jp_node_type(c, recn);
        base = jp_lower_expr(c, recn);
        ptr = record_field_ptr(c, base, bt, field, &ft);
        if (is_aug) {
            LLVMValueRef old = jp_arr_load(c, ptr, ft), b = jp_lower_expr(c, s->u.augassign.value);
            value = jp_lower_binop(c, s->u.augassign.op, old, ft, b, jp_node_type(c, s->u.augassign.value),
                                   jp_node_type(c, s), s->u.augassign.value);
            jp_arr_store(c, ptr, ft, jp_cast(c, value, jp_node_type(c, s), ft));
        } else {
            value = rhs ? rhs : jp_lower_expr(c, s->u.augassign.value);
            jp_arr_store(c, ptr, ft, jp_cast(c, value, jp_node_type(c, s->u.augassign.value), ft));
        }
        return;
    }
    bt = jp_node_type(c, target->u.subscript.value);
    base = jp_lower_expr(c, target->u.subscript.value);
    single = target->u.subscript.index;
    if (jp_lower_is_fancy(c, single)) {
        jp_lower_fancy_setitem(c, s, base, bt, is_aug);        /* lower_fancy.c */
        return;
    }
    if (select_items(c, base, bt, single, &v)) {
        /* one element */
        if (is_aug) {
            LLVMValueRef old = jp_arr_load(c, v.data, bt->dtype), b = jp_lower_expr(c, s->u.augassign.value);
            jp_type *rt = jp_node_type(c, s);
            if (is_int_literal(c, s->u.augassign.value))
                jp_check_int_bounds(c, b, jp_node_type(c, s->u.augassign.value), bt->dtype);
            value = jp_lower_binop(c, s->u.augassign.op, old, bt->dtype, b, jp_node_type(c, s->u.augassign.value),
                                   rt, s->u.augassign.value);
            jp_arr_store(c, v.data, bt->dtype, jp_cast(c, value, rt, bt->dtype));
        } else {
            value = rhs ? rhs : jp_lower_expr(c, s->u.augassign.value);
            if (is_int_literal(c, s->u.augassign.value))
                jp_check_int_bounds(c, value, jp_node_type(c, s->u.augassign.value), bt->dtype);
            jp_arr_store(c, v.data, bt->dtype, jp_cast(c, value, jp_node_type(c, s->u.augassign.value), bt->dtype));
        }
        return;
    }
    /* a view: broadcast the value into it */
    {
        LLVMValueRef dst = make_view(c, base, tt, &v);
        if (rhs == NULL && jp_lower_fused(c, s->u.augassign.value, dst, tt, is_aug ? (int)s->u.augassign.op : -1))
            return;     /* one loop for the whole right-hand side (lower_fuse.c) */
        value = rhs ? rhs : jp_lower_expr(c, s->u.augassign.value);
        vt = jp_node_type(c, s->u.augassign.value);
        if (is_aug)
            jp_lower_array_binop(c, s, s->u.augassign.op, dst, tt, value, vt, tt, dst);
        else {
            if (is_int_literal(c, s->u.augassign.value))
                jp_check_int_bounds(c, value, vt, tt->dtype);
            jp_elementwise(c, tt, dst, 1, &value, &vt, copy_kernel, tt->dtype);
        }
    }
}
