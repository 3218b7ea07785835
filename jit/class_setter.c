/* jit/class_setter.c - jitclass property setters in compiled code.
 *
 * `obj.x = v` (and `obj.x += v`) where x is a property with a setter
 * (`@x.setter`) calls the compiled setter with (obj, v).  Typing picks the
 * setter's instance for the value's type and records it at the statement
 * (inst->callees[s->id]); lowering calls it like any compiled function.
 * The Python side (kernel_ext/jitprofile/jitclass.py) keeps the setters in
 * the class's _jp_setters table.
 */
#include "jit/infer.h"
#include "jit/lower.h"
#include "jit/errors.h"
#include "jit/class_setter.h"

#include <string.h>

/* The compiled setter of property `name` of t, or NULL (no error). */
static PyObject *
setter_of(jp_type *t, const char *name)
{
    PyObject *d = PyObject_GetAttrString(t->pyclass, "_jp_setters"), *m;
    if (d == NULL) {
        PyErr_Clear();
        return NULL;
    }
    m = PyDict_GetItemString(d, name);
    Py_XINCREF(m);
    Py_DECREF(d);
    return m;
}

int
jp_infer_class_setter(ictx *c, jp_node *s, jp_type *t, jp_type *vt)
{
    jp_node *target = s->u.augassign.target;
    const char *cname = t->name + strlen("instance.jitclass.");
    PyObject *setter = setter_of(t, target->u.attr.name);
    jp_func_ir *sir;
    jp_instance *inst;
    jp_type *args[2] = {t, vt};
    if (setter == NULL) {
        jp_error_at(JpTypingError, c->ir, target, "declare it in the jitclass spec, or give the property a setter",
                    "%s has no field or settable property '%s'", cname, target->u.attr.name);
        return -1;
    }
    sir = jp_dispatcher_ir(setter);
    if (sir == NULL || sir->nparams != 2) {
        Py_DECREF(setter);
        if (sir)
            jp_error_at(JpTypingError, c->ir, target, NULL, "the setter of property '%s' of %s must take (self, value)",
                        target->u.attr.name, cname);
        return -1;
    }
    inst = jp_session_instance(c->session, setter, 2, args);
    Py_DECREF(setter);
    if (inst == NULL)
        return -1;
    jp_irecord(c, target, vt);
    c->inst->callees[s->id] = inst;
    return 0;
}

void
jp_lower_class_setter(lctx *c, jp_node *s, int is_aug)
{
    jp_instance *callee = c->inst->callees[s->id];
    jp_node *target = s->u.augassign.target, *vn = s->u.augassign.value;
    jp_type *vt = jp_node_type(c, vn);
    LLVMTypeRef fty = jp_llvm_fn_type(c->ctx, callee);
    LLVMValueRef args[4], fn, status, v;
    LLVMBasicBlockRef bad, ok;

    if (callee->compiled)
        c->inst->uncacheable = 1;       /* linked to code of another compile, by a local name */
    args[2] = jp_lower_expr(c, target->u.attr.value);
    v = jp_lower_expr(c, vn);
    if (is_aug) {       /* obj.x op= v: the getter's value op v */
        jp_type *rt = jp_node_type(c, s);
        v = jp_lower_binop(c, s->u.augassign.op, jp_lower_expr(c, target), jp_node_type(c, target), v, vt, rt, vn);
        vt = rt;
    }
    args[3] = jp_cast(c, v, vt, callee->argtypes[1]);
    args[0] = jp_alloca(c, jp_llvm_type(c->ctx, callee->ret), "ret");
    args[1] = c->exc;
    if ((fn = LLVMGetNamedFunction(c->mod, callee->symbol)) == NULL)
        fn = LLVMAddFunction(c->mod, callee->symbol, fty);
    status = LLVMBuildCall2(c->b, fty, fn, args, 4, "");
    bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "setter.raised");
    ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "setter.ok");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0, 0), ""),
                    bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_emit_exit_cleanup(c);
    LLVMBuildRet(c->b, status);
    LLVMPositionBuilderAtEnd(c->b, ok);
    if (jp_type_is_managed(callee->ret))
        jp_decref(c, LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, callee->ret), args[0], ""), callee->ret);
}
