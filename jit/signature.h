/* jit/signature.h - the one reader of signatures, for every target.
 *
 * @jit, Dispatcher.compile, @cuda.jit, cuda.compile_ptx and @vectorize take
 * a signature in each of the forms Numba (and numba-cuda) accept:
 *   "float64(float64, int64)"   text with a return type
 *   "(float64[:], float64[:])"  text without one (also "float64[:], int64"
 *                               and "float64[:],": Numba evaluates those to
 *                               tuples)
 *   float64(float64[:])         a Signature (a Type called with types; void
 *                               is none)
 *   (float64[:], int64)         a tuple of types (or of type names)
 *   float64                     one type: a one-argument signature (ours)
 * and a Numba Signature or Numba types (anything with `args` and
 * `return_type`; a type whose str() is a type name of ours).  Everything
 * else is a TypeError or ValueError that names the forms.
 */
#ifndef JP_SIGNATURE_H
#define JP_SIGNATURE_H

#include "jit/types.h"

/* Read sig into *ret (NULL when the signature gives none) and args[0..n).
 * Returns n, or -1 + Python error (also when there are more than max). */
int jp_signature_from_py(PyObject *sig, jp_type **ret, jp_type **args, int max);

/* _core.normalize_signature(sig) -> (argument types, return type or None),
 * numba's sigutils.normalize_signature. */
int jp_signature_module_init(PyObject *m);

#endif
