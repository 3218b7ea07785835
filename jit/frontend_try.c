/* jit/frontend_try.c - `try` statements into S_TRY nodes (see ir.h).
 *
 * What is accepted is Numba's subset and a little more: except clauses
 * name classes (`except ValueError:`, `except (KeyError, IndexError):`,
 * `except Exception:`) or nothing (`except:`); `else` and `finally`.
 * Exception objects never exist in compiled code, so `except E as e`
 * is an UnsupportedError, as in Numba. */
#include "jit/frontend_try.h"
#include "jit/errors.h"

static int handler_depth;       /* except blocks around the statement being built */

int
jp_frontend_in_handler(void)
{
    return handler_depth > 0;
}

/* The class expression of one except clause: a class or a tuple of them. */
static int
handler_classes(const jp_fe_ops *ops, PyObject *type_node, jp_handler *h)
{
    jp_node *e = ops->build_expr(ops->f, type_node);
    int n;
    jp_node **elts;
    if (e == NULL)
        return -1;
    n = e->kind == E_TUPLE ? e->u.tuple.n : 1;
    elts = e->kind == E_TUPLE ? e->u.tuple.elts : &e;
    h->cls = jp_arena_alloc(ops->arena, (size_t)(n ? n : 1) * sizeof(PyObject *));
    if (h->cls == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        if (elts[i]->kind != E_CALLEE || elts[i]->u.callee.kind != CALLEE_EXCEPTION) {
            ops->unsupported(ops->f, type_node, "an except clause that does not name exception classes",
                             "except ValueError:  or  except (KeyError, IndexError):");
            return -1;
        }
        h->cls[i] = elts[i]->u.callee.obj;
    }
    h->ncls = n;
    return 0;
}

static int
build_handler(const jp_fe_ops *ops, PyObject *node, jp_handler *h)
{
    PyObject *type = PyObject_GetAttrString(node, "type");
    PyObject *name = type ? PyObject_GetAttrString(node, "name") : NULL;
    PyObject *body = name ? PyObject_GetAttrString(node, "body") : NULL;
    int rc = -1;
    if (body == NULL)
        goto done;
    if (name != Py_None) {
        ops->unsupported(ops->f, node, "`except ... as name` (exception objects do not exist in compiled code)",
                         "catch by class without binding it: except ValueError:");
        goto done;
    }
    if (type != Py_None && handler_classes(ops, type, h) < 0)
        goto done;
    handler_depth++;
    rc = ops->build_block(ops->f, body, &h->body);
    handler_depth--;
done:
    Py_XDECREF(type);
    Py_XDECREF(name);
    Py_XDECREF(body);
    return rc;
}

jp_node *
jp_frontend_try(const jp_fe_ops *ops, PyObject *node)
{
    static const char *blocks[] = {"body", "orelse", "finalbody"};
    PyObject *handlers = PyObject_GetAttrString(node, "handlers"), *list;
    jp_node *n = handlers ? ops->new_node(ops->f, S_TRY, node) : NULL;
    jp_block *dest[3];
    if (n == NULL)
        goto fail;
    dest[0] = &n->u.try_.body;
    dest[1] = &n->u.try_.orelse;
    dest[2] = &n->u.try_.final;
    for (int i = 0; i < 3; i++) {
        int rc;
        if ((list = PyObject_GetAttrString(node, blocks[i])) == NULL)
            goto fail;
        rc = ops->build_block(ops->f, list, dest[i]);
        Py_DECREF(list);
        if (rc < 0)
            goto fail;
    }
    n->u.try_.nhandlers = (int)PyList_GET_SIZE(handlers);
    n->u.try_.handlers = jp_arena_alloc(ops->arena, (size_t)(n->u.try_.nhandlers + 1) * sizeof(jp_handler));
    if (n->u.try_.handlers == NULL)
        goto fail;
    for (int i = 0; i < n->u.try_.nhandlers; i++)
        if (build_handler(ops, PyList_GET_ITEM(handlers, i), &n->u.try_.handlers[i]) < 0)
            goto fail;
    Py_DECREF(handlers);
    return n;
fail:
    Py_XDECREF(handlers);
    return NULL;
}

PyObject *
jp_frontend_try_bodies(PyObject *node)
{
    PyObject *out = PyList_New(0), *handlers = NULL, *x;
    static const char *blocks[] = {"body", "orelse", "finalbody"};
    if (out == NULL || (handlers = PyObject_GetAttrString(node, "handlers")) == NULL)
        goto fail;
    for (int i = 0; i < 3; i++) {
        if ((x = PyObject_GetAttrString(node, blocks[i])) == NULL || PyList_Append(out, x) < 0) {
            Py_XDECREF(x);
            goto fail;
        }
        Py_DECREF(x);
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(handlers); i++) {
        if ((x = PyObject_GetAttrString(PyList_GET_ITEM(handlers, i), "body")) == NULL || PyList_Append(out, x) < 0) {
            Py_XDECREF(x);
            goto fail;
        }
        Py_DECREF(x);
    }
    Py_DECREF(handlers);
    return out;
fail:
    Py_XDECREF(handlers);
    Py_XDECREF(out);
    return NULL;
}
