/* jit/lib_typed_list.c - numba.typed.List built in jit code: `List()` (its
 * item type fixed by the first append, as for `[]`) and
 * `List.empty_list(int64)`.  The value is a ListType[T], the same native
 * list as list(T) (lower_list.c does every operation); it differs only in
 * how it crosses to Python (typed_list.c boxes it instead of copying it into
 * a Python list). */
#include "jit/lib.h"
#include "jit/target.h"
#include "jit/resolve.h"
#include "jit/errors.h"
#include "jit/typed_list.h"

static jp_type *
type_list_new(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)fn, (void)args, (void)at, (void)nargs;
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "use a local array (%s) instead", "typed lists are");
    return jp_type_list(jp_type_unknown(), JP_LIST_TYPED);
}

static jp_type *
type_empty_list(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    if (type_list_new(c, call, fn, args, at, nargs) == NULL)
        return NULL;
    if (UNKNOWN(at[0]))
        return at[0];
    if (at[0]->kind != JP_DTYPE)
        return jp_error_at(JpTypingError, c->ir, args[0], "pass a number type such as types.int64",
                           "List.empty_list() takes an item type, not a value of type %s", at[0]->name);
    if (nargs > 1 && args[1] && !jp_lib_need_int(c, args[1], at[1], fn))
        return NULL;
    return jp_type_list(at[0]->dtype, JP_LIST_TYPED);
}

static LLVMValueRef
lower_list_new(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    LLVMValueRef cap = jp_const_i64(c, 0);
    (void)fn;
    if (nargs > 1 && args[1])
        cap = jp_lib_arg(c, args[1], jp_type_int(64, 1));
    return jp_list_new_value(c, jp_node_type(c, call), cap);      /* a temp, like [] */
}

const jp_lib_fn jp_lib_typed_list[] = {
    {"jitprofile.typed", "List", "", 0, 0, type_list_new, lower_list_new, 0, RW_NONE},
    {"jitprofile.typed", "_empty_list", "item_type, allocated", 1, 2, type_empty_list, lower_list_new, 0,
     RW_NONE},
};
const int jp_lib_typed_list_count = (int)(sizeof jp_lib_typed_list / sizeof jp_lib_typed_list[0]);
