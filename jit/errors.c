/* jit/errors.c - the compile-time exception classes, the formatting of their
 * messages (location, quoted source, caret, hint), and the table of run-time
 * error texts taken from the running interpreter. */
#include "jit/errors.h"
#include "jit/pycompat.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

PyObject *JpCompileError;
PyObject *JpTypingError;
PyObject *JpUnsupportedError;
PyObject *JpInternalError;

static const char *errtexts[ERR__COUNT];

static int
set_attr_int(PyObject *obj, const char *name, long v)
{
    PyObject *o = PyLong_FromLong(v);
    int rc = o ? PyObject_SetAttrString(obj, name, o) : -1;
    Py_XDECREF(o);
    return rc;
}

/* Characters in the first `bytes` bytes of UTF-8 text s. */
static int
utf8_chars(const char *s, int bytes)
{
    int n = 0;
    for (int i = 0; i < bytes && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static void *
raise_formatted(PyObject *exc_type, const jp_func_ir *ir, int line, int col,
                int end_line, int end_col, const char *hint, const char *fmt,
                va_list ap)
{
    PyObject *msg = NULL, *text = NULL, *exc = NULL, *src_line = NULL;
    Py_ssize_t idx;
    int char_col = col;

    msg = PyUnicode_FromFormatV(fmt, ap);
    if (msg == NULL)
        return NULL;
    idx = line - ir->source_first_line;
    if (ir->source_lines && idx >= 0 && idx < PyList_GET_SIZE(ir->source_lines)) {
        const char *src = PyUnicode_AsUTF8(PyList_GET_ITEM(ir->source_lines, idx));
        if (src && (Py_ssize_t)strlen(src) >= col)
            char_col = utf8_chars(src, col);
    }
    text = PyUnicode_FromFormat("%s:%d:%d: in function '%s': %U", ir->filename,
                                line, char_col + 1, ir->qualname, msg);
    if (text == NULL)
        goto done;
    idx = line - ir->source_first_line;
    if (ir->source_lines && idx >= 0 && idx < PyList_GET_SIZE(ir->source_lines)) {
        PyObject *raw = PyList_GET_ITEM(ir->source_lines, idx);
        const char *s = PyUnicode_AsUTF8(raw);
        Py_ssize_t len = s ? (Py_ssize_t)strcspn(s, "\r\n") : 0;
        int width = (end_line == line && end_col > col) ? end_col - col : 1;
        char *caret;
        if (s == NULL)
            goto done;
        if (col + width > len)
            width = len > col ? (int)(len - col) : 1;
        /* the AST counts UTF-8 bytes; people count characters */
        width = utf8_chars(s + col, width);
        col = utf8_chars(s, col);
        caret = PyMem_Malloc((size_t)col + (size_t)width + 1);
        if (caret == NULL)
            goto done;
        for (int i = 0; i < col; i++)
            caret[i] = ' ';
        memset(caret + col, '^', (size_t)width);
        caret[col + width] = '\0';
        {
            PyObject *code = PyUnicode_FromStringAndSize(s, len);
            src_line = code ? PyUnicode_FromFormat("%U\n    %U\n    %s", text, code, caret) : NULL;
            Py_XDECREF(code);
        }
        PyMem_Free(caret);
        if (src_line == NULL)
            goto done;
        Py_SETREF(text, src_line);
        src_line = NULL;
    }
    if (hint) {
        Py_SETREF(text, PyUnicode_FromFormat("%U\nhint: %s", text, hint));
        if (text == NULL)
            goto done;
    }
    exc = PyObject_CallOneArg(exc_type, text);
    if (exc == NULL)
        goto done;
    {
        PyObject *fn = PyUnicode_FromString(ir->filename);
        PyObject *func = PyUnicode_FromString(ir->qualname);
        if (fn == NULL || func == NULL || PyObject_SetAttrString(exc, "filename", fn) < 0
            || PyObject_SetAttrString(exc, "function", func) < 0
            || PyObject_SetAttrString(exc, "message", msg) < 0
            || set_attr_int(exc, "lineno", line) < 0 || set_attr_int(exc, "col", char_col + 1) < 0) {
            Py_XDECREF(fn);
            Py_XDECREF(func);
            goto done;
        }
        Py_DECREF(fn);
        Py_DECREF(func);
    }
    PyErr_SetObject(exc_type, exc);
done:
    Py_XDECREF(msg);
    Py_XDECREF(text);
    Py_XDECREF(exc);
    return NULL;
}

void *
jp_error_span(PyObject *exc_type, const jp_func_ir *ir, int line, int col,
              int end_line, int end_col, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    raise_formatted(exc_type, ir, line, col, end_line, end_col, hint, fmt, ap);
    va_end(ap);
    return NULL;
}

void *
jp_error_at(PyObject *exc_type, const jp_func_ir *ir, const jp_node *node,
            const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    raise_formatted(exc_type, ir, node->line, node->col, node->end_line,
                    node->end_col, hint, fmt, ap);
    va_end(ap);
    return NULL;
}

/* Strings that compiled code points at outlive every dispatcher: they are
 * interned here and never freed. */
typedef struct interned {
    struct interned *next;
    char text[];
} interned;
static interned *interned_head;

const char *
jp_intern_string(const char *s)
{
    size_t n;
    interned *it;
    if (s == NULL)
        return NULL;
    for (it = interned_head; it; it = it->next)
        if (strcmp(it->text, s) == 0)
            return it->text;
    n = strlen(s) + 1;
    it = malloc(sizeof *it + n);
    if (it == NULL)
        return "out of memory";
    memcpy(it->text, s, n);
    it->next = interned_head;
    interned_head = it;
    return it->text;
}

static const char *unbound_template;    /* the message with __jp_var__ for the name */

const char *
jp_unbound_message(const char *name)
{
    char buf[512];
    const char *t = unbound_template ? unbound_template : "local variable '__jp_var__' referenced before assignment";
    const char *at = strstr(t, "__jp_var__");
    if (at == NULL)
        return jp_intern_string(t);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - t), t, name, at + strlen("__jp_var__"));
    return jp_intern_string(buf);
}

const char *
jp_errtext_get(jp_errtext which)
{
    return errtexts[which];
}

/* Evaluate `expr`, which must raise, and keep str() of what it raised. */
static int
capture_text(PyObject *globals, jp_errtext which, const char *expr)
{
    PyObject *r = PyRun_String(expr, Py_eval_input, globals, globals);
    PyObject *exc, *s;
    const char *utf8;
    if (r != NULL) {
        Py_DECREF(r);
        errtexts[which] = "error";
        return 0;
    }
    exc = jp_take_exception();
    s = PyObject_Str(exc);
    Py_DECREF(exc);
    if (s == NULL)
        return -1;
    utf8 = PyUnicode_AsUTF8(s);
    errtexts[which] = utf8 ? strdup(utf8) : "error";
    Py_DECREF(s);
    return 0;
}

int
jp_errors_module_init(PyObject *m)
{
    static const struct { jp_errtext which; const char *expr; } probes[] = {
        {ERR_INT_FLOORDIV_ZERO, "1 // 0"},
        {ERR_INT_MOD_ZERO, "1 % 0"},
        {ERR_INT_TRUEDIV_ZERO, "1 / 0"},
        {ERR_FLOAT_TRUEDIV_ZERO, "1.0 / 0.0"},
        {ERR_FLOAT_FLOORDIV_ZERO, "1.0 // 0.0"},
        {ERR_FLOAT_MOD_ZERO, "1.0 % 0.0"},
        {ERR_INT_DIVMOD_ZERO, "divmod(1, 0)"},
        {ERR_FLOAT_DIVMOD_ZERO, "divmod(1.0, 0.0)"},
        {ERR_COMPLEX_DIV_ZERO, "1j / 0j"},
        {ERR_ZERO_NEG_POW, "0.0 ** -1.0"},
        {ERR_FLOAT_POW_OVERFLOW, "10.0 ** 400.0"},
        {ERR_MATH_DOMAIN, "__import__('math').sqrt(-1.0)"},
        {ERR_MATH_RANGE, "__import__('math').exp(1000.0)"},
        {ERR_FLOAT_NAN_TO_INT, "int(float('nan'))"},
        {ERR_FLOAT_INF_TO_INT, "int(float('inf'))"},
        {ERR_COMPLEX_ZERO_NEG_POW, "0j ** -1"},
        {ERR_NEG_SHIFT, "1 << -1"},
    };
    PyObject *globals = PyDict_New();
    if (globals == NULL)
        return -1;
    if (PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) < 0)
        goto fail;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
        if (capture_text(globals, probes[i].which, probes[i].expr) < 0)
            goto fail;
    {
        /* UnboundLocalError's wording changed in 3.12: take the running one's */
        PyObject *r = PyRun_String("def __jp_probe():\n    if 0:\n        __jp_var__ = 1\n    return __jp_var__\n",
                                   Py_file_input, globals, globals);
        PyObject *fn, *exc, *text;
        Py_XDECREF(r);
        fn = r ? PyDict_GetItemString(globals, "__jp_probe") : NULL;
        r = fn ? PyObject_CallNoArgs(fn) : NULL;
        Py_XDECREF(r);
        exc = jp_take_exception();
        text = exc ? PyObject_Str(exc) : NULL;
        if (text && PyUnicode_AsUTF8(text))
            unbound_template = strdup(PyUnicode_AsUTF8(text));
        PyErr_Clear();
        Py_XDECREF(text);
        Py_XDECREF(exc);
    }
    Py_DECREF(globals);

    JpCompileError = PyErr_NewExceptionWithDoc(
        "jitprofile.CompileError", "A function could not be compiled.", NULL, NULL);
    if (JpCompileError == NULL)
        return -1;
    JpTypingError = PyErr_NewExceptionWithDoc(
        "jitprofile.TypingError",
        "Type inference failed: the message names the function, file:line:col,\n"
        "the variable and the types that could not be unified.", JpCompileError, NULL);
    JpUnsupportedError = PyErr_NewExceptionWithDoc(
        "jitprofile.UnsupportedError",
        "The function uses Python that the JIT does not compile.", JpCompileError, NULL);
    JpInternalError = PyErr_NewExceptionWithDoc(
        "jitprofile.InternalError",
        "A bug in the compiler: typing accepted a construct that lowering does not handle.\n"
        "The message names the construct and its line.", JpCompileError, NULL);
    if (JpTypingError == NULL || JpUnsupportedError == NULL || JpInternalError == NULL)
        return -1;
    if (PyModule_AddObjectRef(m, "InternalError", JpInternalError) < 0
        || PyModule_AddObjectRef(m, "CompileError", JpCompileError) < 0
        || PyModule_AddObjectRef(m, "TypingError", JpTypingError) < 0
        || PyModule_AddObjectRef(m, "UnsupportedError", JpUnsupportedError) < 0)
        return -1;
    return 0;
fail:
    Py_DECREF(globals);
    return -1;
}
