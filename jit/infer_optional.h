/* jit/infer_optional.h - typing and lowering of Optional(T) values
 * (infer_optional.c, lower_optional.c). */
#ifndef JP_INFER_OPTIONAL_H
#define JP_INFER_OPTIONAL_H

#include "jit/infer.h"

/* A use of n that needs a T: records the unwrap, gives T (t if not Optional). */
jp_type *jp_infer_optional_use(ictx *c, jp_node *n, jp_type *t);
/* A use of n that takes the Optional as it is: undoes the unwrap. */
jp_type *jp_infer_optional_keep(ictx *c, jp_node *n, jp_type *t);
/* Whether the comparison op of a and b (already unwrapped) tests for None. */
int jp_infer_optional_none_test(jp_cmpop op, jp_type *a, jp_type *b);

#endif
