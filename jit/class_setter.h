/* jit/class_setter.h - jitclass property setters (class_setter.c). */
#ifndef JP_CLASS_SETTER_H
#define JP_CLASS_SETTER_H

#include "jit/infer.h"
#include "jit/lower.h"

/* obj.name = value where name is no field of t: the property's setter
 * (a TypingError when there is none). */
int jp_infer_class_setter(ictx *c, jp_node *s, jp_type *t, jp_type *vt);
void jp_lower_class_setter(lctx *c, jp_node *s, int is_aug);

#endif
