/* profiler/argtap.c - see argtap.h. */
#include "profiler/argtap.h"

#include "jit/dispatch_tap.h"
#include "profiler/arghooks.h"

static jp_argrec *tapped;

static void
tap(PyObject *py_func, PyObject *const *args, int n)
{
    jp_argrec *r = tapped;
    PyObject *code;
    jp_argfunc *fn;

    if (r == NULL || r->busy || !(r->exact || r->sampled) || !PyFunction_Check(py_func)
        || PyErr_Occurred())
        return;
    code = PyFunction_GET_CODE(py_func);
    if (jp_arghooks_nparams((PyCodeObject *)code) != n)
        return;
    r->busy = 1;
    fn = jp_argrec_func(r, code);
    if (fn == NULL)
        goto done;
    fn->seen++;
    if (!r->exact && fn->seen > r->warm && fn->seen % r->every != 0)
        goto done;
    (void)jp_argrec_record(r, fn, args, n);
done:
    if (PyErr_Occurred())
        PyErr_Clear();          /* recording must not fail the program's call */
    r->busy = 0;
}

void
jp_argtap_on(jp_argrec *r)
{
    tapped = r;
    r->tap_jitted = 1;
    jp_dispatch_tap = tap;
}

void
jp_argtap_off(jp_argrec *r)
{
    if (tapped != r)
        return;
    jp_dispatch_tap = NULL;
    tapped = NULL;
    r->tap_jitted = 0;
}
