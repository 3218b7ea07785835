/* jit/iter.h - for-loop iterators that compile to plain counted loops:
 * zip(...), a.flat, np.ndenumerate(a), np.ndindex(shape), np.nditer(ops).
 *
 * The protocol: an iterator exists only as the iterable of a `for` loop.
 * Typing (infer_iter.c) recognises the form once, types its operands and
 * records a JP_ITER type on the iterable node: bits = the jp_iter_kind,
 * elems = the operands' types (arrays, ranges, other iterators), dtype =
 * the type one iteration binds to the loop target.  Lowering
 * (lower_iter.c) reads that record, never the names: it evaluates the
 * operands once, computes the trip count, and walks a counter (plus a
 * C-order multi-index where the elements are not contiguous).
 * A new iterator adds a kind here, a case in each of the two files. */
#ifndef JP_ITER_H
#define JP_ITER_H

typedef enum jp_iter_kind {
    IT_FLAT,            /* a.flat: the elements in C order */
    IT_NDENUMERATE,     /* np.ndenumerate(a): ((i, j, ...), a[i, j, ...]) in C order */
    IT_NDINDEX,         /* np.ndindex(*shape) / np.ndindex(shape): (i, j, ...) */
    IT_NDITER,          /* np.nditer(a) / np.nditer((a, b, c)): broadcast elements */
    IT_ZIP,             /* zip(x, y, ...) of arrays, ranges and .flat iterators */
} jp_iter_kind;

#endif
