/* jit/frontend_try.h - the frontend's part of exceptions: builds S_TRY
 * nodes from `try` statements and says whether a bare `raise` sits in an
 * except block.  frontend.c hands it its builders through jp_fe_ops. */
#ifndef JP_FRONTEND_TRY_H
#define JP_FRONTEND_TRY_H

#include "jit/ir.h"

/* The builders of frontend.c, for the statement kinds built elsewhere. */
typedef struct jp_fe_ops {
    void *f;                /* frontend.c's builder state */
    jp_arena *arena;
    jp_node *(*new_node)(void *f, jp_node_kind kind, PyObject *ast_node);
    jp_node *(*build_expr)(void *f, PyObject *node);
    int (*build_block)(void *f, PyObject *list, jp_block *out);
    void *(*unsupported)(void *f, PyObject *node, const char *what, const char *hint);
} jp_fe_ops;

/* An ast.Try as an S_TRY, or NULL with UnsupportedError/TypingError. */
jp_node *jp_frontend_try(const jp_fe_ops *ops, PyObject *node);
/* Whether the statement being built sits (lexically) in an except block. */
int jp_frontend_in_handler(void);
/* The statement lists of an ast.Try (body, each handler's, else, finally):
 * a new list, or NULL with an exception. */
PyObject *jp_frontend_try_bodies(PyObject *node);

#endif
