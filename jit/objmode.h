/* jit/objmode.h - `with objmode(x='float64[:]'):` blocks in jit code.
 *
 * The frontend hands the block to jitprofile.objmode._compile_block, which
 * makes it a Python function of the live variables it reads, returning the
 * declared outputs, and evaluates the declared types.  Jit code calls that
 * function through jp_rt_objmode (with the GIL, boxing the inputs), checks
 * each output against its declared type (TypeError on a mismatch) and
 * unboxes it into the variable.  An exception raised in the block reaches
 * the caller as itself (JP_EXC_PENDING).
 */
#ifndef JP_OBJMODE_H
#define JP_OBJMODE_H

#include "jit/infer.h"
#include "jit/lower.h"

typedef int (*jp_assign_fn)(ictx *c, jp_node *target, jp_type *t, jp_node *where);

int jp_infer_objmode(ictx *c, jp_node *s, jp_assign_fn assign);
void jp_lower_objmode(lctx *c, jp_node *s);

/* run time: 0, or 1 with *exc holding the raised exception */
int32_t jp_rt_objmode(PyObject *func, jp_type **tin, void **in, int32_t nin,
                      jp_type **tout, void **out, int32_t nout, const char **names,
                      jp_excinfo *exc);
/* the dispatcher: raise what jp_rt_objmode stored */
void jp_objmode_restore_exception(jp_excinfo *exc);

#endif
