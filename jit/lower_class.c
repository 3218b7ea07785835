/* jit/lower_class.c - @jitclass instances in compiled code.
 *
 * An instance value is the pointer to its jp_meminfo; the fields live in
 * the block's data at the offsets of the class type.  Constructing one
 * allocates a zeroed block whose destructor (a private function of the
 * module) releases the fields that hold references, then runs __init__.
 * A field that receives an array from Python adopts the Python object
 * (jp_nrt_adopt), so the array outlives the call that stored it.
 */
#include "jit/lower.h"
#include "jit/class_setter.h"

#include <string.h>

static LLVMTypeRef
ptrt(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

static LLVMValueRef
data_of(lctx *c, LLVMValueRef obj)
{
    LLVMValueRef one = jp_const_i64(c, 1);
    LLVMValueRef fields = LLVMBuildLoad2(c->b, ptrt(c), LLVMBuildGEP2(c->b, LLVMInt64TypeInContext(c->ctx), obj, &one, 1, ""), "fields");
    jp_tbaa(c, fields, JP_TBAA_OBJECT_FIELDS);
    return fields;
}

static LLVMValueRef
field_ptr(lctx *c, LLVMValueRef obj, jp_type *t, int i)
{
    LLVMValueRef off = jp_const_i64(c, (long long)t->offsets[i]);
    return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), data_of(c, obj), &off, 1, "");
}

static int
field_of(jp_type *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->field_names[i], name) == 0)
            return i;
    return -1;
}

/* The destructor of t's blocks in this module: releases reference fields. */
static LLVMValueRef
class_dtor(lctx *c, jp_type *t)
{
    char name[128];
    LLVMValueRef fn;
    LLVMBuilderRef b;
    LLVMTypeRef fty = LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), (LLVMTypeRef[]){ptrt(c)}, 1, 0);
    int any = 0;
    for (int i = 0; i < t->n; i++)
        any |= jp_type_is_managed(t->elems[i]);
    if (!any)
        return LLVMConstNull(ptrt(c));
    snprintf(name, sizeof name, "jp.dtor.%p", (void *)t);
    if ((fn = LLVMGetNamedFunction(c->mod, name)) != NULL)
        return fn;
    fn = LLVMAddFunction(c->mod, name, fty);
    LLVMSetLinkage(fn, LLVMPrivateLinkage);
    b = LLVMCreateBuilderInContext(c->ctx);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    for (int i = 0; i < t->n; i++) {
        jp_type *ft = t->elems[i];
        LLVMValueRef off, p, mi;
        size_t at = t->offsets[i];
        if (ft->kind == JP_OPTIONAL) {      /* its value: NULL when None */
            at += ft->offsets[1];
            ft = ft->dtype;
        }
        if (ft->kind != JP_ARRAY && ft->kind != JP_CLASS && ft->kind != JP_STR)
            continue;   /* (tuple fields hold numbers only) */
        off = jp_const_i64(c, (long long)at);
        p = LLVMBuildGEP2(b, LLVMInt8TypeInContext(c->ctx), LLVMGetParam(fn, 0), &off, 1, "");
        mi = LLVMBuildLoad2(b, ptrt(c), p, "");     /* an array's meminfo is its first field */
        {
            LLVMTypeRef dty = LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), (LLVMTypeRef[]){ptrt(c)}, 1, 0);
            LLVMValueRef dec = LLVMGetNamedFunction(c->mod, "jp_nrt_decref");
            if (dec == NULL)
                dec = LLVMAddFunction(c->mod, "jp_nrt_decref", dty);
            LLVMBuildCall2(b, dty, dec, &mi, 1, "");
        }
    }
    LLVMBuildRetVoid(b);
    LLVMDisposeBuilder(b);
    return fn;
}

LLVMValueRef
jp_lower_class_new(lctx *c, jp_node *n)
{
    jp_type *t = jp_node_type(c, n);
    LLVMValueRef args[2], obj;
    args[0] = jp_const_i64(c, (long long)(t->struct_size ? t->struct_size : 8));
    args[1] = class_dtor(c, t);
    obj = jp_call_extern(c, "jp_nrt_alloc_dtor", ptrt(c), args, 2);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, obj, LLVMConstNull(ptrt(c)), ""), PyExc_MemoryError,
             "cannot allocate the jitclass instance");
    jp_register_temp(c, obj, t);        /* released if __init__ raises, or at statement end */
    if (c->inst->callees[n->id])
        jp_lower_instance_call(c, n, obj);
    return obj;
}

LLVMValueRef
jp_lower_class_attr(lctx *c, jp_node *n)
{
    jp_type *t = jp_node_type(c, n->u.attr.value);
    LLVMValueRef obj = jp_lower_expr(c, n->u.attr.value);
    int i = field_of(t, n->u.attr.name);
    if (i < 0)      /* a property */
        return jp_lower_instance_call(c, n, obj);
    {
        LLVMValueRef v = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t->elems[i]), field_ptr(c, obj, t, i), "");
        jp_tbaa(c, v, JP_TBAA_OBJECT_FIELDS);
        return v;
    }
}

void
jp_lower_class_setattr(lctx *c, jp_node *s, int is_aug)
{
    jp_node *target = s->u.augassign.target, *vn = s->u.augassign.value;
    jp_type *t = jp_node_type(c, target->u.attr.value);
    int i = field_of(t, target->u.attr.name);
    if (i < 0) {
        jp_lower_class_setter(c, s, is_aug);    /* a property (class_setter.c) */
        return;
    }
    jp_type *ft = t->elems[i], *vt = jp_node_type(c, vn);
    LLVMValueRef obj = jp_lower_expr(c, target->u.attr.value), p = field_ptr(c, obj, t, i), v;
    LLVMTypeRef lt = jp_llvm_type(c->ctx, ft);

    v = jp_lower_expr(c, vn);
    if (is_aug) {
        jp_type *rt = jp_node_type(c, s);
        LLVMValueRef old = LLVMBuildLoad2(c->b, lt, p, "");
        jp_tbaa(c, old, JP_TBAA_OBJECT_FIELDS);
        v = jp_lower_binop(c, s->u.augassign.op, old, ft, v, vt, rt, vn);
        vt = rt;
    }
    v = jp_cast(c, v, vt, ft);
    if (ft->kind == JP_ARRAY) {
        /* an array without a block of its own came from Python: adopt its object */
        LLVMValueRef mi = jp_arr_field(c, v, 0, 0), parent = jp_arr_field(c, v, 1, 0);
        LLVMValueRef adopted = jp_call_extern(c, "jp_nrt_adopt", ptrt(c), &parent, 1);
        LLVMValueRef none = LLVMBuildICmp(c->b, LLVMIntEQ, mi, LLVMConstNull(ptrt(c)), "");
        jp_incref(c, v, ft);
        v = LLVMBuildInsertValue(c->b, v, LLVMBuildSelect(c->b, none, adopted, mi, ""), 0, "");
        /* (jp_nrt_adopt of a NULL parent returns NULL; an adopted block starts at 1) */
    } else if (jp_type_is_managed(ft)) {
        jp_incref(c, v, ft);
    }
    if (jp_type_is_managed(ft)) {
        LLVMValueRef old = LLVMBuildLoad2(c->b, lt, p, "");
        jp_tbaa(c, old, JP_TBAA_OBJECT_FIELDS);
        jp_decref(c, old, ft);
    }
    jp_tbaa(c, LLVMBuildStore(c->b, v, p), JP_TBAA_OBJECT_FIELDS);
}
