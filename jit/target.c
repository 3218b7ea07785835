/* jit/target.c - the registry of compile targets, and the target-neutral
 * side of intrinsics and device-code errors (the contract: jit/target.h). */
#include "jit/target.h"
#include "jit/errors.h"
#include "jit/infer.h"
#include "jit/lower.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_TARGETS 16

static const jp_target *registry[MAX_TARGETS] = {&jp_target_cpu};
static int ntargets = 1;

void
jp_target_register(const jp_target *t)
{
    for (int i = 0; i < ntargets; i++)
        if (strcmp(registry[i]->name, t->name) == 0) {
            registry[i] = t;
            return;
        }
    if (ntargets < MAX_TARGETS)
        registry[ntargets++] = t;
}

const jp_target *
jp_target_find(const char *name)
{
    for (int i = 0; name && i < ntargets; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

const jp_target *
jp_session_target(const jp_session *s)
{
    return s && s->target ? s->target : &jp_target_cpu;
}

const jp_target *
jp_instance_target(const jp_instance *inst)
{
    return inst && inst->target ? inst->target : &jp_target_cpu;
}

/* ---- intrinsics ------------------------------------------------------------------ */

jp_type *
jp_infer_intrinsic(ictx *c, jp_node *n, int call)
{
    jp_node *f = call ? n->u.call.func : n;
    const char *tname = f->u.callee.target, *name = f->u.callee.name;
    const char *shown = f->u.callee.shown ? f->u.callee.shown        /* the marker's Python spelling */
                        : strchr(name, ':') ? strchr(name, ':') + 1 : name;     /* past a private tag */
    const jp_target *t = jp_target_find(tname), *own = jp_session_target(c->session);
    char hint[96];

    if (t == NULL)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "%s.%s needs the '%s' compile target, which this build of jitprofile does not have",
                           tname, shown, tname);
    if (strcmp(t->name, own->name) != 0 || t->infer_intrinsic == NULL) {
        snprintf(hint, sizeof hint, "decorate the function with %s", t->decorator ? t->decorator : "its target's jit");
        return jp_error_at(JpTypingError, c->ir, n, hint, "%s.%s can only be used in %s and device functions",
                           tname, shown, t->kernel_noun);
    }
    return t->infer_intrinsic(c, n, call);
}

LLVMValueRef
jp_lower_intrinsic(lctx *c, jp_node *n, int call)
{
    const jp_target *t = jp_instance_target(c->inst);
    if (t->lower_intrinsic == NULL)     /* typing let no intrinsic through */
        return jp_lower_unhandled(c, jp_llvm_type(c->ctx, jp_node_type(c, n)), "an intrinsic of the %s target",
                                  t->name);
    return t->lower_intrinsic(c, n, call);
}

/* ---- device code ----------------------------------------------------------------- */

void *
jp_device_unsupported(ictx *c, jp_node *n, const char *hint, const char *fmt, ...)
{
    const jp_target *t = jp_session_target(c->session);
    char what[160], h[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (hint && strstr(hint, "%s")) {
        snprintf(h, sizeof h, hint, t->local_array ? t->local_array : "a local array");
        hint = h;
    }
    return jp_error_at(JpUnsupportedError, c->ir, n, hint, "%s not supported in %s", what, t->kernel_noun);
}

/* ---- _core.compile_targets() ----------------------------------------------------- */

static PyObject *
compile_targets(PyObject *self, PyObject *unused)
{
    PyObject *out = PyTuple_New(ntargets);
    (void)self, (void)unused;
    for (int i = 0; out && i < ntargets; i++) {
        const jp_target *t = registry[i];
        PyObject *d = Py_BuildValue("{s:s, s:s, s:O, s:z, s:z, s:O, s:O}", "name", t->name,
                                    "kernel_noun", t->kernel_noun, "device", t->device ? Py_True : Py_False,
                                    "triple", t->triple, "decorator", t->decorator,
                                    "intrinsics", t->infer_intrinsic ? Py_True : Py_False,
                                    "emits", t->emit ? Py_True : Py_False);
        if (d == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyTuple_SET_ITEM(out, i, d);
    }
    return out;
}

static PyMethodDef target_methods[] = {
    {"compile_targets", compile_targets, METH_NOARGS,
     "compile_targets() -> the registered compile targets, as dicts (name, kernel_noun, device, triple, ...)"},
    {NULL, NULL, 0, NULL},
};

int
jp_target_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, target_methods);
}
