"""Shape checks on the generated code (issue 12: compare the generated code with
Numba's): properties of the optimised IR that decide speed, asserted on the IR
itself, never on timings."""
import re

import numpy as np

from jitprofile import njit


@njit
def neighbour_count(X):
    n = np.zeros(X.shape, dtype=np.int64)
    rows, cols = X.shape
    for i in range(rows):
        for j in range(cols):
            c = 0
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    if di == 0 and dj == 0:
                        continue
                    c += X[(i + di) % rows, (j + dj) % cols]
            n[i, j] = c
    return n


def ir_of(dispatcher):
    ir = dispatcher.inspect_llvm()
    return "\n".join(ir.values()) if isinstance(ir, dict) else ir


def test_tuple_loops_unroll_early_enough_to_share_their_divisions():
    # Regression: the two tuple loops were unrolled after the pipeline's last GVN, so
    # each of the 8 neighbours kept its own `% rows` / `% cols` (12 divisions in the
    # loop nest, 4x slower than after the clean-up); there are 6 distinct ones.
    X = np.random.default_rng(0).random((9, 7)) < 0.4
    got = neighbour_count(X)
    want = sum(np.roll(np.roll(X.astype(np.int64), -di, 0), -dj, 1)
               for di in (-1, 0, 1) for dj in (-1, 0, 1) if (di, dj) != (0, 0))
    np.testing.assert_array_equal(got, want)
    divisions = re.findall(r"= (?:s|u)rem i64", ir_of(neighbour_count))
    assert len(divisions) <= 6, f"{len(divisions)} integer divisions in the loop nest"
