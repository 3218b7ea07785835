/* jit/lib.h - functions of Python modules that jit code can call beyond the
 * math/cmath table (lower_math.c) and NumPy (numpy_funcs.c): Python's
 * `random` (lib_random.c), the rest of `math` and cmath.isclose
 * (lib_math.c), and the `operator` module (lib_operator.c).
 *
 * One registry of small tables: the frontend looks a function object up
 * once (jp_lib_lookup) and records its index in an E_CALLEE of kind
 * CALLEE_MODULE; typing and lowering call the entry's own functions with the
 * call's arguments bound to the entry's parameters, never matching names
 * again.  operator.* entries are instead rewritten by the frontend into the
 * expression they stand for (operator.add(a, b) is a + b).
 */
#ifndef JP_LIB_H
#define JP_LIB_H

#include "jit/infer.h"
#include "jit/lower.h"

#define JP_LIB_MAXARGS 64

typedef struct jp_lib_fn jp_lib_fn;

/* bound arguments: args[i] is the node for parameter i, NULL when omitted */
typedef jp_type *(*jp_lib_type_fn)(ictx *c, jp_node *call, const jp_lib_fn *fn,
                                   jp_node **args, jp_type **at, int nargs);
typedef LLVMValueRef (*jp_lib_lower_fn)(lctx *c, jp_node *call, const jp_lib_fn *fn,
                                        jp_node **args, int nargs);

/* what the frontend turns an operator.* call into */
typedef enum jp_lib_rewrite {
    RW_NONE, RW_BINOP, RW_UNARY, RW_COMPARE, RW_CONTAINS, RW_GETITEM, RW_SETITEM,
    RW_ABS, RW_TRUTH,
} jp_lib_rewrite;

struct jp_lib_fn {
    const char *module, *name;
    const char *params;         /* "x, y, rel_tol, abs_tol"; "*" for any number of positionals */
    int nreq;                   /* required parameters (positional or keyword) */
    int npos;                   /* parameters that may be given positionally */
    jp_lib_type_fn type;
    jp_lib_lower_fn lower;
    int id;                     /* the entry's own meaning (an opcode, a variate number...) */
    jp_lib_rewrite rewrite;     /* operator: the expression it stands for */
};

/* The entry index for a function object (random.seed, math.gcd, ...), or
 * -1 (no exception) when it is not one. */
int jp_lib_lookup(PyObject *func);
const jp_lib_fn *jp_lib_get(int index);

jp_type *jp_infer_module_call(ictx *c, jp_node *call);
LLVMValueRef jp_lower_module_call(lctx *c, jp_node *call);

/* the tables (one per file) */
extern const jp_lib_fn jp_lib_random[];
extern const int jp_lib_random_count;
extern const jp_lib_fn jp_lib_math[];
extern const int jp_lib_math_count;
extern const jp_lib_fn jp_lib_operator[];
extern const int jp_lib_operator_count;
extern const jp_lib_fn jp_lib_numba[];
extern const int jp_lib_numba_count;
extern const jp_lib_fn jp_lib_typed_list[];    /* lib_typed_list.c */
extern const int jp_lib_typed_list_count;
extern const jp_lib_fn jp_lib_dict[];          /* lib_dict.c: typed Dict(), Dict.empty() */
extern const int jp_lib_dict_count;
extern const jp_lib_fn jp_lib_np_index[];      /* lib_np_index.c */
extern const int jp_lib_np_index_count;
extern const jp_lib_fn jp_lib_np_linalg[];     /* lib_np_linalg.c */
extern const int jp_lib_np_linalg_count;

/* helpers the tables share (lib.c) */
jp_type *jp_lib_need_int(ictx *c, jp_node *arg, jp_type *t, const jp_lib_fn *fn);
jp_type *jp_lib_need_real(ictx *c, jp_node *arg, jp_type *t, const jp_lib_fn *fn);
LLVMValueRef jp_lib_arg(lctx *c, jp_node *arg, jp_type *to);     /* lowered and cast */

/* the run-time side of lib_random.c (registered in runtime.c) */
void jp_pyrandom_seed(int64_t seed);
double jp_pyrandom_variate(int32_t which, double a, double b, double c);
uint64_t jp_pyrandom_bits(int64_t k);
uint64_t jp_pyrandom_below(uint64_t n);
void jp_pyrandom_shuffle(char *data, int64_t n, int64_t stride, int64_t itemsize);
/* lib_math.c */
double jp_lib_fsum(const char *data, int64_t n, int64_t stride, int32_t *status);
double jp_lib_norm(const double *v, int64_t n);
int64_t jp_lib_intfn(int32_t which, int64_t a, int64_t b, int32_t *status);
double jp_pyrandom_random(void);

#endif
