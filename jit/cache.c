/* jit/cache.c - the payload of an on-disk cache entry and loading it.
 *
 * Payload: "JPC1", the instance count, then for each instance (the root
 * first) its symbol, argument types and return type (type-language text),
 * then the root's optimised IR (for inspect_llvm) and the object file.
 * Every string is a u32 length and its bytes.  A cache=True compile runs in
 * a private session (callees compiled into the same object file under
 * names no other process uses, no process-specific addresses), so the
 * object links on its own in a new process.
 *
 * kernel_ext/jitprofile/_cache.py wraps the payload in the file (header,
 * HMAC-SHA256 over the whole entry under the user's key, ownership and
 * file-type checks) and hands back only authenticated payloads; the MAC is
 * computed here (_core.cache_mac, jit/hmac_sha256.c).
 *
 * Code loaded (or compiled for the cache) is remembered by its root symbol,
 * which is unique to one compile: loading the same entry again in this
 * process (a notebook cell re-run, a redefined function) reuses the linked
 * code instead of linking a second copy, which ORC would refuse anyway.
 */
#include "jit/cache.h"
#include "jit/compile_service.h"
#include "jit/engine.h"
#include "jit/symbols.h"
#include "jit/debuginfo.h"
#include "jit/parallel_symbols.h"
#include "jit/hmac_sha256.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static int
put(buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n)
            cap *= 2;
        if ((b->data = realloc(b->data, cap)) == NULL)
            return -1;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int
put_str(buf *b, const char *s, size_t n)
{
    uint32_t len = (uint32_t)n;
    return put(b, &len, 4) < 0 || put(b, s, n) < 0 ? -1 : 0;
}

static int
put_cstr(buf *b, const char *s)
{
    return put_str(b, s, strlen(s));
}

static void
type_list(char *out, size_t size, int n, jp_type **types)
{
    size_t off = 0;
    out[0] = '\0';
    for (int i = 0; i < n && off < size; i++)
        off += (size_t)snprintf(out + off, size - off, "%s%s", i ? "; " : "", types[i]->name);
}

PyObject *
jp_cache_key(JpDispatcher *d, int nargs, jp_type **argtypes)
{
    /* everything that changes the code besides the sources: the types, the
     * target and every compile option (nogil too: it is part of what the
     * user asked for, and costs nothing to keep apart) */
    char text[4096];
    const jp_options *o = &d->options;
    type_list(text, sizeof text, nargs, argtypes);
    return PyUnicode_FromFormat("%s | target=cpu boundscheck=%d error_model=%s fastmath=%d nogil=%d parallel=%d",
                                text, o->boundscheck ? 1 : 0, o->error_model_numpy ? "numpy" : "python",
                                o->fastmath ? 1 : 0, o->nogil ? 1 : 0, o->parallel ? 1 : 0);
}

/* ---- code already linked in this process, by root symbol ----------------------- */

typedef struct loaded_code {
    char *symbol;
    void *entry;
    jp_trampoline trampoline;
    size_t code_size;
    jp_code *code;              /* the unit holding it (borrowed: the unit's retirement forgets it) */
    struct loaded_code *next;
} loaded_code;

static loaded_code *loaded;     /* guarded by the compile lock; an entry lives as long as its code */

static loaded_code *
find_loaded(const char *symbol)
{
    for (loaded_code *l = loaded; l; l = l->next)
        if (strcmp(l->symbol, symbol) == 0)
            return l;
    return NULL;
}

static void
remember_loaded(const char *symbol, void *entry, jp_trampoline trampoline, size_t code_size, jp_code *code)
{
    loaded_code *l;
    if (code == NULL || find_loaded(symbol))
        return;         /* code nobody tracks could be freed under us: never reuse it */
    l = malloc(sizeof *l);
    if (l == NULL || (l->symbol = strdup(symbol)) == NULL) {
        free(l);
        return;         /* only costs a relink (a miss) later */
    }
    l->entry = entry;
    l->trampoline = trampoline;
    l->code_size = code_size;
    l->code = code;
    l->next = loaded;
    loaded = l;
}

void
jp_cache_remember(const jp_instance *inst)
{
    remember_loaded(inst->symbol, inst->entry, inst->trampoline, inst->code_size, inst->code);
}

void
jp_cache_forget_code(const jp_code *code)
{
    for (loaded_code **p = &loaded; *p;) {
        loaded_code *l = *p;
        if (l->code == code) {
            *p = l->next;
            free(l->symbol);
            free(l);
        } else {
            p = &l->next;
        }
    }
}

/* A type survives the trip through its text (records, jitclasses do not). */
static int
portable(jp_type *t)
{
    jp_type *back = jp_parse_type(t->name);
    if (back == NULL)
        PyErr_Clear();
    return back == t;
}

int
jp_cache_store(JpDispatcher *d, jp_session *s, jp_instance *root, const char *object, size_t len)
{
    buf b = {NULL, 0, 0};
    uint32_t count = 0;
    PyObject *deps = NULL, *mod = NULL, *r = NULL, *payload = NULL, *key = NULL;
    uint64_t objlen = len;
    int rc = -1;

    for (jp_instance *i = s->pending; i; i = i->next) {
        if (i->uncacheable || !portable(i->ret))
            return 0;       /* fine: just not cached */
        for (int k = 0; k < i->nargs; k++)
            if (!portable(i->argtypes[k]))
                return 0;
        count++;
    }
    if (put(&b, "JPC1", 4) < 0 || put(&b, &count, 4) < 0)
        goto nomem;
    /* the root first, then its callees */
    for (int pass = 0; pass < 2; pass++) {
        for (jp_instance *i = s->pending; i; i = i->next) {
            char types[4096];
            if ((pass == 0) != (i == root))
                continue;
            type_list(types, sizeof types, i->nargs, i->argtypes);
            if (put_cstr(&b, i->symbol) < 0 || put_cstr(&b, types) < 0 || put_cstr(&b, i->ret->name) < 0)
                goto nomem;
        }
    }
    if (put_cstr(&b, jp_instance_llvm_ir(root)) < 0 || put(&b, &objlen, 8) < 0
        || put(&b, object, len) < 0)
        goto nomem;

    /* what the code depends on: each function and the globals it froze */
    if ((deps = PyList_New(0)) == NULL)
        goto done;
    for (jp_instance *i = s->pending; i; i = i->next) {
        PyObject *entry = Py_BuildValue("(OO)", ((JpDispatcher *)i->dispatcher)->py_func, i->ir->frozen);
        if (entry == NULL || PyList_Append(deps, entry) < 0) {
            Py_XDECREF(entry);
            goto done;
        }
        Py_DECREF(entry);
    }
    payload = PyBytes_FromStringAndSize(b.data, (Py_ssize_t)b.len);
    key = jp_cache_key(d, root->nargs, root->argtypes);
    /* this process already runs that code: a reload of the entry reuses it */
    if (root->entry && root->trampoline)
        remember_loaded(root->symbol, root->entry, root->trampoline, root->code_size, root->code);
    mod = PyImport_ImportModule("jitprofile._cache");
    if (payload == NULL || key == NULL || mod == NULL)
        goto done;
    r = PyObject_CallMethod(mod, "store", "OOOO", d->py_func, key, payload, deps);
    if (r == NULL) {
        /* a cache that cannot be written is not an error of the compile */
        PyErr_WriteUnraisable(d->py_func);
    }
    rc = 0;
    goto done;
nomem:
    PyErr_NoMemory();
done:
    free(b.data);
    Py_XDECREF(deps);
    Py_XDECREF(payload);
    Py_XDECREF(key);
    Py_XDECREF(mod);
    Py_XDECREF(r);
    return rc;
}

typedef struct reader {
    const char *p, *end;
} reader;

static int
get(reader *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return -1;
    memcpy(out, r->p, n);
    r->p += n;
    return 0;
}

static char *
get_str(reader *r)
{
    uint32_t n;
    char *s;
    if (get(r, &n, 4) < 0 || (size_t)(r->end - r->p) < n || (s = malloc((size_t)n + 1)) == NULL)
        return NULL;
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n;
    return s;
}

/* "a; b; c" -> types; -1 when one does not parse */
static int
parse_types(char *text, jp_type **out, int max)
{
    int n = 0;
    char *save = NULL;
    if (text[0] == '\0')
        return 0;
    for (char *tok = strtok_r(text, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ')
            tok++;
        if (n == max || (out[n++] = jp_parse_type(tok)) == NULL) {
            PyErr_Clear();
            return -1;
        }
    }
    return n;
}

static void
register_symbol(const char *symbol, jp_func_ir *ir, const char *sig)
{
    void *addr = jp_engine_lookup(symbol);
    size_t size;
    jp_line_span *lines;
    int n_lines = 0, lo, hi;
    if (addr == NULL) {
        PyErr_Clear();
        return;
    }
    size = jp_engine_symbol_size(symbol);
    lo = ir->source_first_line;
    hi = ir->source_lines ? lo + (int)PyList_GET_SIZE(ir->source_lines) - 1 : INT_MAX;
    lines = jp_dbg_take_lines(symbol, lo, hi, &n_lines);
    jp_symbols_add((uintptr_t)addr, (uintptr_t)addr + (size ? size : 1), ir->qualname, sig, ir->filename,
                   ir->def_line, lines, n_lines);
    free(lines);
}

jp_instance *
jp_cache_load(JpDispatcher *d, int nargs, jp_type **argtypes)
{
    PyObject *mod, *key, *payload;
    jp_instance *inst = NULL;
    jp_func_ir *ir;
    reader r;
    uint32_t count;
    uint64_t objlen;
    char *symbol = NULL, *types = NULL, *ret = NULL, *ir_text = NULL, **callees = NULL;
    jp_type *parsed[64], *rt;
    loaded_code *known;

    if ((ir = jp_dispatcher_ir((PyObject *)d)) == NULL)
        return NULL;
    mod = PyImport_ImportModule("jitprofile._cache");
    key = jp_cache_key(d, nargs, argtypes);
    payload = (mod && key) ? PyObject_CallMethod(mod, "load", "OO", d->py_func, key) : NULL;
    Py_XDECREF(mod);
    Py_XDECREF(key);
    if (payload == NULL) {
        PyErr_WriteUnraisable(d->py_func);     /* an unreadable cache is a miss */
        return NULL;
    }
    if (payload == Py_None) {
        Py_DECREF(payload);
        return NULL;
    }
    r.p = PyBytes_AS_STRING(payload);
    r.end = r.p + PyBytes_GET_SIZE(payload);
    if (r.end - r.p < 8 || memcmp(r.p, "JPC1", 4) != 0)
        goto miss;
    r.p += 4;
    if (get(&r, &count, 4) < 0 || count == 0 || count > 4096)
        goto miss;
    if ((callees = calloc(count, sizeof(char *))) == NULL)
        goto miss;
    for (uint32_t i = 0; i < count; i++) {
        char *sym = get_str(&r), *ty = get_str(&r), *rs = get_str(&r);
        if (!sym || !ty || !rs) {
            free(sym);
            free(ty);
            free(rs);
            goto miss;
        }
        if (i == 0) {
            symbol = sym;
            types = ty;
            ret = rs;
        } else {
            callees[i] = sym;
            free(ty);
            free(rs);
        }
    }
    if ((ir_text = get_str(&r)) == NULL || get(&r, &objlen, 8) < 0 || (uint64_t)(r.end - r.p) != objlen)
        goto miss;
    if (parse_types(types, parsed, 64) != nargs || memcmp(parsed, argtypes, (size_t)nargs * sizeof *parsed) != 0)
        goto miss;
    if ((rt = jp_parse_type(ret)) == NULL) {
        PyErr_Clear();
        goto miss;
    }
    if ((known = find_loaded(symbol)) == NULL
        && (jp_engine_init() < 0 || jp_engine_add_object(r.p, (size_t)objlen) < 0))
        goto fail;
    inst = calloc(1, sizeof *inst);
    if (inst == NULL)
        goto fail;
    inst->ir = ir;
    inst->dispatcher = (PyObject *)d;
    inst->nargs = nargs;
    inst->argtypes = malloc((size_t)(nargs ? nargs : 1) * sizeof(jp_type *));
    inst->var_types = malloc((size_t)(ir->nlocals ? ir->nlocals : 1) * sizeof(jp_type *));
    inst->symbol = symbol;
    symbol = NULL;
    if (!inst->argtypes || !inst->var_types)
        goto fail;
    memcpy(inst->argtypes, argtypes, (size_t)nargs * sizeof(jp_type *));
    for (int i = 0; i < ir->nlocals; i++)
        inst->var_types[i] = i < nargs ? argtypes[i] : jp_type_unknown();
    inst->ret = rt;
    inst->llvm_ir = ir_text;
    ir_text = NULL;
    inst->compiled = 1;
    if (known) {
        /* linked and named for the sampler when it was first loaded */
        inst->entry = known->entry;
        inst->trampoline = known->trampoline;
        inst->code_size = known->code_size;
        inst->code = known->code;      /* the instance keeps that unit alive */
        jp_code_incref(inst->code);
        goto done;
    }
    {
        char tramp[512];
        snprintf(tramp, sizeof tramp, "%s.tramp", inst->symbol);
        inst->trampoline = (jp_trampoline)jp_engine_lookup(tramp);
        if (inst->trampoline == NULL)
            goto fail;
    }
    inst->entry = jp_engine_lookup(inst->symbol);
    inst->code_size = jp_engine_symbol_size(inst->symbol);
    /* remembered by the compile service once its unit exists (jp_cache_remember) */
    {
        char sig[1024];
        type_list(sig, sizeof sig, nargs, argtypes);
        for (char *p = sig; *p; p++)
            if (*p == ';')
                *p = ',';
        {
            int n_lines = 0, lo = ir->source_first_line;
            int hi = ir->source_lines ? lo + (int)PyList_GET_SIZE(ir->source_lines) - 1 : INT_MAX;
            jp_line_span *lines = jp_dbg_take_lines(inst->symbol, lo, hi, &n_lines);
            jp_symbols_add((uintptr_t)inst->entry, (uintptr_t)inst->entry + (inst->code_size ? inst->code_size : 1),
                           ir->qualname, sig, ir->filename, ir->def_line, lines, n_lines);
            free(lines);
        }
        {
            /* the trampoline, where O3 inlines the body: named for the sampler */
            char tramp[512];
            size_t tsize;
            int n_lines = 0, lo = ir->source_first_line;
            int hi = ir->source_lines ? lo + (int)PyList_GET_SIZE(ir->source_lines) - 1 : INT_MAX;
            jp_line_span *lines;
            snprintf(tramp, sizeof tramp, "%s.tramp", inst->symbol);
            lines = jp_dbg_take_lines(tramp, lo, hi, &n_lines);
            tsize = jp_engine_symbol_size(tramp);
            if (tsize > 0)
                jp_symbols_add_trampoline((uintptr_t)inst->trampoline, (uintptr_t)inst->trampoline + tsize,
                                          ir->qualname, sig, ir->filename, ir->def_line, lines, n_lines);
            free(lines);
            jp_register_parallel_bodies(inst->symbol, ir->qualname, sig, ir->filename, ir->def_line, lo, hi, 0);
        }
        /* callees inlined or not: name them too (their own file/lines are not kept) */
        for (uint32_t i = 1; i < count; i++)
            register_symbol(callees[i], ir, "cached callee");
    }
    goto done;

miss:
fail:
    if (inst) {
        jp_instance_free(inst);
        inst = NULL;
    }
done:
    free(symbol);
    free(types);
    free(ret);
    free(ir_text);
    if (callees) {
        for (uint32_t i = 0; i < count; i++)
            free(callees[i]);
        free(callees);
    }
    Py_DECREF(payload);
    return inst;
}

/* ---- _core.sha256 / _core.cache_mac (for _cache.py) ---------------------------- */

static PyObject *
py_sha256(PyObject *module, PyObject *arg)
{
    Py_buffer data;
    uint8_t out[JP_SHA256_SIZE];
    (void)module;
    if (PyObject_GetBuffer(arg, &data, PyBUF_SIMPLE) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    jp_sha256_digest(data.buf, (size_t)data.len, out);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyBytes_FromStringAndSize((const char *)out, sizeof out);
}

/* cache_mac(key, data[, expected]): HMAC-SHA256 of data; with expected,
 * whether it matches (compared in constant time). */
static PyObject *
py_cache_mac(PyObject *module, PyObject *args)
{
    Py_buffer key, data, expected = {0};
    uint8_t out[JP_SHA256_SIZE];
    PyObject *r;
    (void)module;
    if (!PyArg_ParseTuple(args, "y*y*|y*:cache_mac", &key, &data, &expected))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    jp_hmac_sha256(key.buf, (size_t)key.len, data.buf, (size_t)data.len, out);
    Py_END_ALLOW_THREADS
    if (expected.obj)
        r = PyBool_FromLong(expected.len == JP_SHA256_SIZE && jp_digest_equal(out, expected.buf, JP_SHA256_SIZE));
    else
        r = PyBytes_FromStringAndSize((const char *)out, sizeof out);
    PyBuffer_Release(&key);
    PyBuffer_Release(&data);
    if (expected.obj)
        PyBuffer_Release(&expected);
    return r;
}

static PyMethodDef cache_functions[] = {
    {"sha256", py_sha256, METH_O, "SHA-256 digest of a bytes-like object."},
    {"cache_mac", py_cache_mac, METH_VARARGS,
     "cache_mac(key, data[, expected]): HMAC-SHA256, or whether it equals expected."},
    {NULL, NULL, 0, NULL},
};

int
jp_cache_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, cache_functions);
}
