"""tests/fuzz/difffuzz.py - a differential fuzzer for the JIT.

Programs are generated from a small grammar (int64/float64/bool scalars,
arithmetic, comparisons, math functions, if/while/for-range, tuples, small
1-d NumPy arrays), compiled and run by the JIT, and run by CPython + NumPy;
the results are compared.

Every expression is generated twice: the source the JIT compiles, and a
reference source for CPython that applies the JIT's documented rules
(docs/jit.md "Where it differs (on purpose)"):
  - int64 arithmetic wraps (two's complement): the reference wraps each
    integer result with _w();
  - a comparison or min/max of an int and a float converts the int to
    float64 first; min/max of mixed types give the unified type (float);
  - float ** float with a negative base and a non-integer exponent raises
    ValueError (CPython gives a complex);
  - an element read from an array, or a reduction, is a Python scalar in jit
    code (NumPy scalars would give inf instead of ZeroDivisionError);
  - gamma, lgamma and hypot may differ in the last bit: their results go to
    a "sink" variable compared within 4 ulp.
Results: values of the same Python type, floats bit for bit (NaN: both or
neither), arrays element-wise the same way with the same dtype and shape;
an exception on one side must be an exception of the same class on the
other.

Run by hand:
    python tests/fuzz/difffuzz.py --seed 1 --budget 600          # seconds
    python tests/fuzz/difffuzz.py --seed 7 --programs 5000 -v
    python tests/fuzz/difffuzz.py --seed 1 --show 17             # print program 17
A disagreement is printed with its program (both sources) and arguments;
the program being run is written to --last ($TMPDIR/difffuzz_last.py), so a
crash of the process leaves its reproducer behind.
"""
import argparse
import math
import os
import random
import struct
import sys
import tempfile
import time
import traceback
import warnings

import numpy as np

INT64_MIN = -2**63
INT64_MAX = 2**63 - 1


def _w(v):
    """int64 wraparound (the JIT's documented integer rule)."""
    return (v + 2**63) % 2**64 - 2**63


def _fpow(a, b):
    """float ** float under the JIT's rule: a complex result is ValueError."""
    if a < 0 and math.isfinite(a) and math.isfinite(b) and b != math.floor(b):
        raise ValueError("negative number cannot be raised to a fractional power")
    r = a ** b
    if isinstance(r, complex):
        raise ValueError("negative number cannot be raised to a fractional power")
    return r


def _fi(v):
    """math.floor/ceil/trunc under the JIT's rule: the result is an int64, so
    one outside its range is OverflowError (CPython returns a big int)."""
    if not INT64_MIN <= v <= INT64_MAX:
        raise OverflowError("cannot convert float to int64")
    return v


def _ipow(a, n):
    return _w(a ** n)


# ---- the grammar ----------------------------------------------------------------------------

# Constructs kept out of the grammar because they expose a known, owned bug
# (see bench/RESULTS.md "Issue 13 - differential fuzzer").  Each entry names
# the bug; the fuzzer honours the set unless run with --all-constructs.
KNOWN_BUGS = {
    # empty: the mean of an empty array (issue 13 item 7) and swapping arrays
    # through a tuple (item 1) were kept out until their fixes landed
}

INT_CONSTS = [0, 1, -1, 2, 3, 7, -8, 10, 255, 2**31, -2**31, 2**53 + 1, 2**62,
              INT64_MAX, INT64_MIN]
FLOAT_CONSTS = ["0.0", "-0.0", "1.0", "-1.5", "0.1", "2.5", "1e300", "-1e-300",
                "5e-324", "3.141592653589793"]
UNARY_MATH = ["sqrt", "exp", "log", "sin", "cos", "tan", "atan", "tanh", "fabs",
              "log1p", "expm1", "asin", "acos", "atanh", "cosh", "sinh", "log10",
              "log2", "erf", "erfc", "asinh", "acosh"]
ULP_MATH = ["gamma", "lgamma"]           # documented: may differ in the last bit
ARRAY_UFUNCS = ["np.sqrt", "np.abs", "np.exp", "np.sin", "np.floor", "np.negative"]


class Gen:
    """One random program.  Variables: ints i0.., floats f0.., bools b0..;
    the arguments a, b (int), x, y (float), arr (float64 1-d), iarr (int64 1-d)."""

    def __init__(self, rng, allow):
        self.r = rng
        self.allow = allow          # constructs allowed (a set of names)
        self.ints = ["a", "b"]
        self.floats = ["x", "y"]
        self.bools = []
        self.arrays = ["arr"]       # float64 1-d
        self.jit = []               # lines of the jitted function
        self.ref = []               # lines of the reference
        self.depth = 0
        self.loop_vars = 0
        self.sink = False           # a ulp-compared float exists

    def ok(self, what):
        return what in self.allow

    # -- expressions: each returns (jit_source, reference_source)
    def int_expr(self, d=0):
        r = self.r
        k = r.randrange(14) if d < 3 else r.randrange(2)
        if k == 0:
            c = r.choice(INT_CONSTS + [r.randrange(-100, 100)])
            # -9223372036854775808 is -(2**63): a constant that does not fit
            s = (str(c) if c >= 0 else "(%d)" % c) if c != INT64_MIN else "(-9223372036854775807 - 1)"
            return s, s
        if k == 1:
            v = r.choice(self.ints)
            return v, v
        if k in (2, 3, 4):
            op = r.choice(["+", "-", "*"])
            a, b = self.int_expr(d + 1), self.int_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "_w(%s %s %s)" % (a[1], op, b[1])
        if k == 5:
            op = r.choice(["//", "%"])
            a, b = self.int_expr(d + 1), self.int_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "_w(%s %s %s)" % (a[1], op, b[1])
        if k == 6:
            op = r.choice(["&", "|", "^"])
            a, b = self.int_expr(d + 1), self.int_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(%s %s %s)" % (a[1], op, b[1])
        if k == 7:
            op, n = r.choice(["<<", ">>"]), r.randrange(0, 64)
            a = self.int_expr(d + 1)
            return "(%s %s %d)" % (a[0], op, n), "_w(%s %s %d)" % (a[1], op, n)
        if k == 8:
            op = r.choice(["-", "~", "abs"])
            a = self.int_expr(d + 1)
            if op == "abs":
                return "abs(%s)" % a[0], "_w(abs(%s))" % a[1]
            return "(%s%s)" % (op, a[0]), "_w(%s%s)" % (op, a[1])
        if k == 9 and self.ok("int_pow"):
            n = r.randrange(0, 4)
            a = self.int_expr(d + 1)
            return "(%s ** %d)" % (a[0], n), "_ipow(%s, %d)" % (a[1], n)
        if k == 10:
            fn = r.choice(["min", "max"])
            a, b = self.int_expr(d + 1), self.int_expr(d + 1)
            return "%s(%s, %s)" % (fn, a[0], b[0]), "%s(%s, %s)" % (fn, a[1], b[1])
        if k == 11 and self.ok("floor"):
            fn = r.choice(["floor", "ceil", "trunc"])
            a = self.float_expr(d + 1)
            return "math.%s(%s)" % (fn, a[0]), "_fi(math.%s(%s))" % (fn, a[1])
        if k == 12 and self.ok("int_array"):
            a = self.int_expr(d + 1)
            return ("iarr[%s %% len(iarr)]" % a[0], "int(iarr[%s %% len(iarr)])" % a[1])
        if k == 13 and self.ok("tuple"):
            a, b = self.int_expr(d + 1), self.float_expr(d + 1)
            i = r.randrange(2)
            if i == 0:
                return "(%s, %s)[0]" % (a[0], b[0]), "(%s, %s)[0]" % (a[1], b[1])
        if k == 13 and self.ok("bool_int"):
            c = self.bool_expr(d + 1)
            a, b = self.int_expr(d + 1), self.int_expr(d + 1)
            return ("(%s if %s else %s)" % (a[0], c[0], b[0]),
                    "(%s if %s else %s)" % (a[1], c[1], b[1]))
        v = r.choice(self.ints)
        return v, v

    def float_expr(self, d=0):
        r = self.r
        k = r.randrange(13) if d < 3 else r.randrange(3)
        if k == 0:
            c = r.choice(FLOAT_CONSTS)
            s = c if not c.startswith("-") else "(%s)" % c
            return s, s
        if k == 1:
            v = r.choice(self.floats)
            return v, v
        if k == 2:
            a = self.int_expr(d + 1)
            return "float(%s)" % a[0], "float(%s)" % a[1]
        if k in (3, 4, 5):
            op = r.choice(["+", "-", "*", "/"])
            a, b = self.float_expr(d + 1), self.float_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(%s %s %s)" % (a[1], op, b[1])
        if k == 6:
            op = r.choice(["//", "%"])
            a, b = self.float_expr(d + 1), self.float_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(%s %s %s)" % (a[1], op, b[1])
        if k == 7:             # mixed int and float: the int converts to float
            op = r.choice(["+", "-", "*", "/"])
            a, b = self.int_expr(d + 1), self.float_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(float(%s) %s %s)" % (a[1], op, b[1])
        if k == 8:
            fn = r.choice(UNARY_MATH)
            a = self.float_expr(d + 1)
            return "math.%s(%s)" % (fn, a[0]), "math.%s(%s)" % (fn, a[1])
        if k == 9 and self.ok("float_pow"):
            a, b = self.float_expr(d + 1), self.float_expr(d + 1)
            return "(%s ** %s)" % (a[0], b[0]), "_fpow(%s, %s)" % (a[1], b[1])
        if k == 10:
            fn = r.choice(["min", "max"])
            if r.randrange(2) and self.ok("mixed_minmax"):
                a, b = self.int_expr(d + 1), self.float_expr(d + 1)
                return ("%s(%s, %s)" % (fn, a[0], b[0]),
                        "%s(float(%s), %s)" % (fn, a[1], b[1]))
            a, b = self.float_expr(d + 1), self.float_expr(d + 1)
            return "%s(%s, %s)" % (fn, a[0], b[0]), "%s(%s, %s)" % (fn, a[1], b[1])
        if k == 11 and self.ok("array"):
            j = r.randrange(4)
            arr = r.choice(self.arrays)
            if j == 0:
                a = self.int_expr(d + 1)
                return ("%s[%s %% len(%s)]" % (arr, a[0], arr),
                        "float(%s[%s %% len(%s)])" % (arr, a[1], arr))
            if j == 1 and self.ok("array_sum"):
                return "%s.sum()" % arr, "float(%s.sum())" % arr
            if j == 2 and self.ok("array_minmax"):
                # "+ 0.0" makes -0.0 0.0 on both sides: which zero max/min
                # of [0.0, -0.0] gives is unspecified (docs/jit.md)
                fn = r.choice(["min", "max"])
                return "(%s.%s() + 0.0)" % (arr, fn), "(float(%s.%s()) + 0.0)" % (arr, fn)
            if j == 3 and self.ok("array_mean"):
                return "%s.mean()" % arr, "float(%s.mean())" % arr
            return "float(len(%s))" % arr, "float(len(%s))" % arr
        if k == 12:
            fn = r.choice(["atan2", "copysign", "fmod"])
            a, b = self.float_expr(d + 1), self.float_expr(d + 1)
            return "math.%s(%s, %s)" % (fn, a[0], b[0]), "math.%s(%s, %s)" % (fn, a[1], b[1])
        v = r.choice(self.floats)
        return v, v

    def bool_expr(self, d=0):
        r = self.r
        k = r.randrange(6) if d < 3 else r.randrange(3)
        if k == 0 and self.bools:
            v = r.choice(self.bools)
            return v, v
        if k in (0, 1):
            op = r.choice(["<", "<=", "==", "!=", ">", ">="])
            a, b = self.int_expr(d + 1), self.int_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(%s %s %s)" % (a[1], op, b[1])
        if k == 2:
            op = r.choice(["<", "<=", "==", "!=", ">", ">="])
            a, b = self.float_expr(d + 1), self.float_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(%s %s %s)" % (a[1], op, b[1])
        if k == 3:             # int vs float: the int converts to float first
            op = r.choice(["<", "<=", "==", "!=", ">", ">="])
            a, b = self.int_expr(d + 1), self.float_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(float(%s) %s %s)" % (a[1], op, b[1])
        if k == 4:
            op = r.choice(["and", "or"])
            a, b = self.bool_expr(d + 1), self.bool_expr(d + 1)
            return "(%s %s %s)" % (a[0], op, b[0]), "(%s %s %s)" % (a[1], op, b[1])
        a = self.bool_expr(d + 1)
        if r.randrange(2) and self.ok("isnan"):
            f = self.float_expr(d + 1)
            fn = r.choice(["isnan", "isinf", "isfinite"])
            return "math.%s(%s)" % (fn, f[0]), "math.%s(%s)" % (fn, f[1])
        return "(not %s)" % a[0], "(not %s)" % a[1]

    # -- statements
    def emit(self, j, rf=None):
        pad = "    " * (self.depth + 1)
        self.jit.append(pad + j)
        self.ref.append(pad + (j if rf is None else rf))

    def new_var(self, kind):
        names = {"i": self.ints, "f": self.floats, "b": self.bools}[kind]
        v = "%s%d" % (kind, len(names))
        names.append(v)
        return v

    def assign(self):
        r = self.r
        kind = r.choice("iiffb")
        # a new variable only at the top level: it is then defined on every path
        fresh = self.depth == 0 and r.randrange(3) == 0
        if kind == "i":
            e = self.int_expr()
            v = self.new_var("i") if fresh or len(self.ints) < 3 else r.choice(self.ints[2:])
        elif kind == "f":
            e = self.float_expr()
            v = self.new_var("f") if fresh or len(self.floats) < 3 else r.choice(self.floats[2:])
        else:
            e = self.bool_expr()
            v = self.new_var("b") if fresh or not self.bools else r.choice(self.bools)
        self.emit("%s = %s" % (v, e[0]), "%s = %s" % (v, e[1]))

    def block(self, n):
        for _ in range(n):
            self.stmt()

    def stmt(self):
        r = self.r
        k = r.randrange(10) if self.depth < 2 else 0
        if k <= 4:
            self.assign()
        elif k == 5:
            c = self.bool_expr()
            self.emit("if %s:" % c[0], "if %s:" % c[1])
            self.depth += 1
            self.block(r.randrange(1, 3))
            self.depth -= 1
            if r.randrange(2):
                self.emit("else:")
                self.depth += 1
                self.block(r.randrange(1, 3))
                self.depth -= 1
        elif k == 6:
            lv = "k%d" % self.loop_vars
            self.loop_vars += 1
            n = self.int_expr(1)
            self.emit("for %s in range(%s %% 6):" % (lv, n[0]),
                      "for %s in range(%s %% 6):" % (lv, n[1]))
            self.depth += 1
            self.ints.append(lv)
            self.block(r.randrange(1, 3))
            if r.randrange(3) == 0:
                c = self.bool_expr(1)
                self.emit("if %s:" % c[0], "if %s:" % c[1])
                self.emit("    " + r.choice(["break", "continue"]))
            self.ints.remove(lv)
            self.depth -= 1
        elif k == 7:
            lv = "w%d" % self.loop_vars
            self.loop_vars += 1
            self.emit("%s = 0" % lv)
            n = r.randrange(1, 6)
            self.emit("while %s < %d:" % (lv, n))
            self.depth += 1
            self.emit("%s += 1" % lv)
            self.block(r.randrange(1, 3))
            self.depth -= 1
        elif k == 8 and self.ok("tuple") and len(self.ints) > 2 and len(self.floats) > 2:
            vi, vf = r.choice(self.ints[2:]), r.choice(self.floats[2:])
            e1, e2 = self.int_expr(1), self.float_expr(1)
            if r.randrange(2):
                self.emit("%s, %s = %s, %s" % (vi, vf, e1[0], e2[0]),
                          "%s, %s = %s, %s" % (vi, vf, e1[1], e2[1]))
            else:                   # swap through a tuple
                v2 = r.choice(self.ints[2:])
                self.emit("%s, %s = %s, %s" % (vi, v2, v2, vi))
        elif k == 9 and self.ok("array_store"):
            arr = r.choice(self.arrays)
            j = r.randrange(3)
            if j == 0:
                ix, val = self.int_expr(1), self.float_expr(1)
                self.emit("%s[%s %% len(%s)] = %s" % (arr, ix[0], arr, val[0]),
                          "%s[%s %% len(%s)] = %s" % (arr, ix[1], arr, val[1]))
            elif j == 1 and self.ok("array_expr") and self.depth == 0:
                v = "arr%d" % len(self.arrays)
                fn = r.choice(ARRAY_UFUNCS)
                s = self.float_expr(1)
                op = r.choice(["+", "-", "*"])
                self.emit("%s = %s(%s) %s %s" % (v, fn, arr, op, s[0]),
                          "%s = %s(%s) %s %s" % (v, fn, arr, op, s[1]))
                self.arrays.append(v)
            elif j == 2 and self.ok("array_swap") and len(self.arrays) >= 3 and r.randrange(2):
                # swapping two arrays through a tuple
                p, q = r.sample(self.arrays[1:], 2)
                self.emit("%s, %s = %s, %s" % (p, q, q, p))
            elif j == 2 and self.ok("array_slice") and self.depth == 0:
                v = "arr%d" % len(self.arrays)
                lo = r.randrange(0, 3)
                self.emit("%s = %s[%d:]" % (v, arr, lo))
                self.arrays.append(v)
            else:
                self.assign()
        else:
            self.assign()

    def program(self, name):
        r = self.r
        # one local of each kind, defined on every path before any branch
        self.emit("i2 = a")
        self.emit("f2 = x")
        self.emit("b0 = a < b")
        self.ints.append("i2")
        self.floats.append("f2")
        self.bools.append("b0")
        self.block(r.randrange(2, 9))
        if self.ok("ulp_math") and r.randrange(4) == 0:
            fn = r.choice(ULP_MATH)
            a = self.float_expr(1)
            self.emit("zsink = math.%s(%s)" % (fn, a[0]), "zsink = math.%s(%s)" % (fn, a[1]))
            self.sink = True
        outs = self.ints + self.floats + self.bools + self.arrays[1:]
        if self.sink:
            outs.append("zsink")
        ret = "return (%s,)" % ", ".join(outs)
        self.emit(ret)
        head = "def %s(a, b, x, y, arr, iarr):" % name
        return "\n".join([head] + self.jit), "\n".join([head] + self.ref), outs


# ---- arguments ----------------------------------------------------------------------------

def gen_args(rng):
    def an_int():
        if rng.randrange(3):
            return rng.choice(INT_CONSTS + [0, 1, 2, 5])
        return rng.randrange(-1000, 1000)

    def a_float():
        k = rng.randrange(5)
        if k == 0:
            return rng.choice([0.0, -0.0, 1.0, -1.0, 0.5, math.inf, -math.inf, math.nan,
                               1e308, 5e-324, 2.0**53, -2.5])
        if k == 1:
            return float(rng.randrange(-10, 10))
        return rng.uniform(-10, 10)

    n = rng.choice([0, 1, 2, 3, 3, 5, 5, 7, 7, 7])
    arr = np.array([a_float() for _ in range(n)], dtype=np.float64)
    m = rng.choice([1, 2, 3, 5])
    iarr = np.array([rng.randrange(-50, 50) for _ in range(m)], dtype=np.int64)
    return an_int(), an_int(), a_float(), a_float(), arr, iarr


# ---- comparing ----------------------------------------------------------------------------

def _bits(v):
    return struct.unpack("<q", struct.pack("<d", v))[0]


def same_float(p, q, ulps=0):
    if math.isnan(p) or math.isnan(q):
        return math.isnan(p) and math.isnan(q)
    if ulps == 0 or math.isinf(p) or math.isinf(q):
        return _bits(p) == _bits(q)
    # near a root of lgamma the two implementations agree in absolute terms
    return math.isclose(p, q, rel_tol=ulps, abs_tol=1e-15)


def same_value(got, want, ulps=0):
    """(equal, why)"""
    if isinstance(want, np.ndarray):
        if not isinstance(got, np.ndarray):
            return False, "expected an array, got %r" % type(got).__name__
        if got.dtype != want.dtype or got.shape != want.shape:
            return False, "array %s%s vs %s%s" % (got.dtype, got.shape, want.dtype, want.shape)
        for p, q in zip(got.tolist(), want.tolist()):
            ok, why = same_value(p, q, ulps)
            if not ok:
                return False, "array element: " + why
        return True, ""
    if type(got) is not type(want):
        return False, "type %s vs %s" % (type(got).__name__, type(want).__name__)
    if isinstance(want, float):
        return same_float(got, want, ulps), "%r vs %r" % (got, want)
    return got == want, "%r vs %r" % (got, want)


def outcome(fn, args):
    """('ok', value) or ('exc', class) of fn(*copies of args)."""
    cargs = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return ("ok", fn(*cargs)), cargs
            except Exception as e:      # compared by class
                return ("exc", type(e)), cargs


def compare(jr, rr, outs):
    """None when the JIT agrees with the reference, else a description."""
    (jk, jv), jargs = jr
    (rk, rv), rargs = rr
    if jk != rk or (jk == "exc" and jv is not rv):
        show = lambda k, v: v.__name__ if k == "exc" else repr(v)
        return "JIT %s %s, reference %s %s" % (jk, show(jk, jv), rk, show(rk, rv))
    if jk == "exc":
        return None
    if not isinstance(jv, tuple) or len(jv) != len(rv):
        return "result %r vs %r" % (jv, rv)
    for name, p, q in zip(outs, jv, rv):
        ok, why = same_value(p, q, 1e-11 if name == "zsink" else 0)
        if not ok:
            return "variable %s: %s" % (name, why)
    for name, p, q in zip(("arr", "iarr"), jargs[4:], rargs[4:]):
        ok, why = same_value(p, q)
        if not ok:
            return "argument %s after the call: %s" % (name, why)
    return None


# ---- the driver ---------------------------------------------------------------------------

ALL_CONSTRUCTS = {"int_pow", "floor", "int_array", "tuple", "bool_int", "float_pow",
                  "mixed_minmax", "array", "array_sum", "array_minmax", "array_mean",
                  "isnan", "array_store", "array_expr", "array_slice", "ulp_math",
                  "array_swap"}


def make_program(seed, index, allow):
    rng = random.Random("%d/%d" % (seed, index))
    g = Gen(rng, allow)
    name = "fz%d" % index
    jsrc, rsrc, outs = g.program(name)
    argsets = [gen_args(rng) for _ in range(4)]
    return name, jsrc, rsrc, outs, argsets


def ref_namespace():
    return {"math": math, "np": np, "_w": _w, "_fpow": _fpow, "_ipow": _ipow, "_fi": _fi}


def run(seed=1, programs=None, budget=None, allow=None, verbose=False, last=None,
        out=sys.stdout, stop_after=20):
    """Run programs until `programs` were run or `budget` seconds passed.
    Returns a dict of counts and the list of disagreements."""
    from jitprofile import njit

    allow = (ALL_CONSTRUCTS - set(KNOWN_BUGS)) if allow is None else allow
    t0 = time.monotonic()
    stats = {"programs": 0, "calls": 0, "rejected": 0, "disagreements": 0,
             "exceptions_agreed": 0}
    found = []
    i = 0
    while True:
        if programs is not None and i >= programs:
            break
        if budget is not None and time.monotonic() - t0 >= budget:
            break
        name, jsrc, rsrc, outs, argsets = make_program(seed, i, allow)
        i += 1
        if last:
            with open(last, "w") as f:
                f.write("# seed %d program %d\n%s\n\n# reference\n%s\n# args %r\n"
                        % (seed, i - 1, jsrc, rsrc, argsets))
        jns, rns = ref_namespace(), ref_namespace()
        exec(compile(jsrc, "<fuzz %d/%d>" % (seed, i - 1), "exec"), jns)
        exec(compile(rsrc, "<fuzz-ref %d/%d>" % (seed, i - 1), "exec"), rns)
        # linecache lets the JIT read the generated source
        import linecache
        linecache.cache["<fuzz %d/%d>" % (seed, i - 1)] = (
            len(jsrc), None, [l + "\n" for l in jsrc.splitlines()], "<fuzz %d/%d>" % (seed, i - 1))
        jf = njit(jns[name])
        stats["programs"] += 1
        for args in argsets:
            rr = outcome(rns[name], args)
            try:
                jr = outcome(jf, args)
            except Exception:
                raise
            if jr[0][0] == "exc" and jr[0][1].__name__ in ("TypingError", "UnsupportedError",
                                                          "InternalError", "LoweringError"):
                # the JIT refused a program of the grammar: a finding too
                stats["rejected"] += 1
                try:
                    jf(*args)
                except Exception as e:
                    msg = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
                found.append({"seed": seed, "index": i - 1, "kind": "rejected", "why": msg,
                              "jit": jsrc, "ref": rsrc, "args": args})
                print("REJECTED seed %d program %d: %s\n%s\n" % (seed, i - 1, msg, jsrc),
                      file=out)
                break
            stats["calls"] += 1
            why = compare(jr, rr, outs)
            if why is None:
                if jr[0][0] == "exc":
                    stats["exceptions_agreed"] += 1
                continue
            stats["disagreements"] += 1
            found.append({"seed": seed, "index": i - 1, "kind": "disagree", "why": why,
                          "jit": jsrc, "ref": rsrc, "args": args})
            print("DISAGREE seed %d program %d: %s\nargs %r\n%s\n# reference\n%s\n"
                  % (seed, i - 1, why, args, jsrc, rsrc), file=out)
            break                   # one report per program
        if verbose and i % 100 == 0:
            print("%d programs, %d calls, %d disagreements, %.0f s"
                  % (i, stats["calls"], stats["disagreements"], time.monotonic() - t0), file=out)
        if stop_after and len(found) >= stop_after:
            break
    stats["seconds"] = round(time.monotonic() - t0, 1)
    return stats, found


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--programs", type=int)
    p.add_argument("--budget", type=float, help="seconds")
    p.add_argument("--show", type=int, help="print program N of the seed and exit")
    p.add_argument("--all-constructs", action="store_true",
                   help="include the constructs kept out for known bugs")
    p.add_argument("--last", default=os.path.join(tempfile.gettempdir(), "difffuzz_last.py"),
                   help="where the program being run is written (a crash leaves it there)")
    p.add_argument("--stop-after", type=int, default=50)
    p.add_argument("-v", "--verbose", action="store_true")
    o = p.parse_args(argv)
    allow = ALL_CONSTRUCTS if o.all_constructs else None
    if o.show is not None:
        name, jsrc, rsrc, outs, argsets = make_program(
            o.seed, o.show, allow or (ALL_CONSTRUCTS - set(KNOWN_BUGS)))
        print(jsrc, "\n\n# reference\n" + rsrc, "\n# argument sets")
        for a in argsets:
            print(repr(a))
        return 0
    if o.programs is None and o.budget is None:
        o.budget = 60
    stats, found = run(o.seed, o.programs, o.budget, allow, o.verbose, o.last,
                       stop_after=o.stop_after)
    print("difffuzz: seed %d: %d programs, %d calls, %d exceptions agreed, "
          "%d disagreements, %d rejected, %.1f s"
          % (o.seed, stats["programs"], stats["calls"], stats["exceptions_agreed"],
             stats["disagreements"], stats["rejected"], stats["seconds"]))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
