"""Strings in jit code (issue 11): `unicode_type`, as Numba supports `str`.
Arguments from Python, results returned as real `str`, literals, len,
indexing, slicing, operators, methods, conversions, f-strings, print and
exception messages; each result is compared with CPython's own (py_func)."""
import math

import pytest

import jitprofile
from jitprofile import _core, njit

TEXTS = ["", "a", "banana", "  Hello, World  ", "héllo wörld", "日本語のテキスト", "a,b,,c", "x\ty\nz",
         "😀 emoji 😀", "ABC def Ghi", "12345", "MiXeD cAsE"]


def check(f, *args):
    r1 = f(*args)
    r2 = f.py_func(*args)
    assert r1 == r2, (args, r1, r2)
    assert type(r1) is type(r2)
    return r1


def raises_same(f, *args):
    with pytest.raises(Exception) as e1:
        f.py_func(*args)
    with pytest.raises(Exception) as e2:
        f(*args)
    assert type(e2.value) is type(e1.value)
    assert str(e2.value) == str(e1.value)
    return e2.value


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


# ---- the type language --------------------------------------------------------------

def test_typeof_is_unicode_type():
    assert str(jitprofile.typeof("abc")) == "unicode_type"
    assert str(jitprofile.typeof(["a", "b"])) == "reflected list(unicode_type)"
    assert str(jitprofile.typeof(("a", 1))) == "Tuple(unicode_type, int64)"


def test_signature_spelling():
    @njit("unicode_type(unicode_type, int64)")
    def rep(s, n):
        return s * n
    assert rep("ab", 3) == "ababab"


# ---- arguments, results, basic operations ----------------------------------------------

def test_identity_and_return_real_str(no_leak):
    @njit
    def ident(s):
        return s
    for t in TEXTS:
        r = check(ident, t)
        assert type(r) is str


def test_literals_and_concat(no_leak):
    @njit
    def f(s):
        a = "pre-"
        b = 'ü'
        return a + s + b + """!"""
    for t in TEXTS:
        check(f, t)


def test_len_counts_code_points(no_leak):
    @njit
    def f(s):
        return len(s)
    for t in TEXTS:
        check(f, t)


def test_indexing(no_leak):
    @njit
    def f(s, i):
        return s[i]
    for t in TEXTS:
        for i in range(-len(t), len(t)):
            check(f, t, i)
    for t, i in [("", 0), ("abc", 3), ("abc", -4), ("日本", 2)]:
        e = raises_same(f, t, i)
        assert isinstance(e, IndexError)


def test_slicing_with_steps(no_leak):
    @njit
    def f(s, a, b, c):
        return s[a:b:c]

    @njit
    def g(s):
        return s[::-1], s[1:], s[:-1], s[::2], s[-3:], s[5:1:-2], s[100:], s[:100]
    for t in TEXTS:
        check(g, t)
        for a in (-9, -1, 0, 2, 9):
            for b in (-9, -2, 0, 3, 9):
                for c in (-3, -1, 1, 2):
                    check(f, t, a, b, c)
    e = raises_same(f, "abc", 0, 2, 0)
    assert isinstance(e, ValueError)


def test_repeat(no_leak):
    @njit
    def f(s, n):
        return s * n, n * s
    for t in TEXTS[:5]:
        for n in (-1, 0, 1, 3):
            check(f, t, n)


def test_comparisons(no_leak):
    @njit
    def f(a, b):
        return a == b, a != b, a < b, a <= b, a > b, a >= b
    words = ["", "a", "ab", "abc", "b", "B", "é", "日本", "日"]
    for a in words:
        for b in words:
            check(f, a, b)


def test_in_substring(no_leak):
    @njit
    def f(a, b):
        return a in b, a not in b
    for a in ["", "a", "an", "nan", "x", "日本"]:
        for b in TEXTS:
            check(f, a, b)


def test_iteration(no_leak):
    @njit
    def f(s):
        out = ""
        n = 0
        for ch in s:
            out = ch + out
            n += 1
        return out, n
    for t in TEXTS:
        check(f, t)


def test_iteration_break_continue(no_leak):
    @njit
    def f(s):
        k = 0
        for ch in s:
            if ch == " ":
                continue
            if ch == ",":
                break
            k += 1
        return k
    for t in TEXTS:
        check(f, t)


def test_truthiness_and_augassign(no_leak):
    @njit
    def f(s):
        acc = ""
        if s:
            acc += s
        if not acc:
            acc += "empty"
        acc *= 2
        return acc
    for t in ["", "x", "日本"]:
        check(f, t)


def test_accumulate_in_loop(no_leak):
    @njit
    def f(n):
        s = ""
        for i in range(n):
            s = s + str(i) + ","
        return s
    check(f, 50)


# ---- methods ------------------------------------------------------------------

def test_split(no_leak):
    @njit
    def f(s):
        return s.split(), s.split(","), s.split(",", 1), s.split(None, 1), s.split(sep=" ", maxsplit=2)

    @njit
    def r(s):
        return s.rsplit(), s.rsplit(","), s.rsplit(",", 1), s.rsplit(None, 1)
    for t in TEXTS + [" a  b   c ", ",,", "a,"]:
        check(f, t)
        check(r, t)
    e = raises_same(njit(lambda s: s.split("")), "abc")
    assert isinstance(e, ValueError)


def test_join(no_leak):
    @njit
    def f(parts, sep):
        return sep.join(parts)

    @njit
    def g(s):
        return "-".join(s.split(",")), "".join(["x", "y"]), ", ".join([str(i) for i in range(4)])
    for parts in (["a"], ["a", "b", "c"], ["日", "本"], ["", ""]):
        for sep in ("", ",", " :: "):
            check(f, parts, sep)
    check(g, "a,b,,c")


def test_strip(no_leak):
    @njit
    def f(s):
        return s.strip(), s.lstrip(), s.rstrip(), s.strip("a "), s.lstrip("Hb "), s.rstrip("d ")
    for t in TEXTS + ["\t\n  x \r\n", "aaa"]:
        check(f, t)


def test_find_family(no_leak):
    @njit
    def f(s, sub):
        return (s.find(sub), s.rfind(sub), s.count(sub), s.find(sub, 2), s.find(sub, -4, -1),
                s.rfind(sub, 1, 5), s.count(sub, 1), s.startswith(sub), s.endswith(sub),
                s.startswith(sub, 1), s.endswith(sub, 0, 3))
    for t in TEXTS:
        for sub in ("", "a", "an", "o", "本", "zz"):
            check(f, t, sub)


def test_index_raises_value_error(no_leak):
    @njit
    def f(s, sub):
        return s.index(sub), s.rindex(sub)
    check(f, "banana", "an")
    e = raises_same(f, "banana", "x")
    assert isinstance(e, ValueError)


def test_case_methods(no_leak):
    @njit
    def f(s):
        return s.upper(), s.lower(), s.capitalize(), s.title(), s.swapcase(), s.casefold()
    for t in TEXTS + ["hello world's end", "ÉCOLE é", "x1y2 z3"]:
        check(f, t)


def test_predicates(no_leak):
    @njit
    def f(s):
        return (s.isdigit(), s.isalpha(), s.isspace(), s.isupper(), s.islower(), s.isalnum(),
                s.isdecimal(), s.isnumeric(), s.istitle(), s.isascii())
    for t in TEXTS + ["ABC", "abc", " \t", "Title Case", "٣", "½", "a1"]:
        check(f, t)


def test_replace(no_leak):
    @njit
    def f(s, old, new):
        return s.replace(old, new), s.replace(old, new, 1), s.replace(old, new, 0)
    for t in TEXTS:
        for old, new in (("a", "XY"), ("an", ""), ("", "-"), ("é", "e"), ("zz", "q")):
            check(f, t, old, new)


def test_padding(no_leak):
    @njit
    def f(s, w):
        return s.zfill(w), s.center(w), s.ljust(w), s.rjust(w), s.center(w, "*"), s.ljust(w, "日"), s.rjust(w, "-")
    for t in ["", "a", "ab", "-42", "+7", "héllo"]:
        for w in (0, 1, 4, 5, 8):
            check(f, t, w)


# ---- conversions ---------------------------------------------------------------

def test_str_of_numbers(no_leak):
    @njit
    def f(i, x, b):
        return str(i), str(x), str(b), repr(x), str(None)
    for x in (0.1, 1.0, -0.0, 1e16, 1.5e-5, 123456789.125, 1e300, 5e-324, math.pi, 1 / 3, float("inf"),
              -float("inf"), float("nan"), 100.0, 1e15, 0.0001, 2.5e-4):
        check(f, -12345, x, True)
    for i in (0, 1, -1, 2 ** 63 - 1, -2 ** 63):
        check(f, i, 2.0, False)


def test_repr_of_strings(no_leak):
    @njit
    def f(s):
        return repr(s)
    for t in TEXTS + ["it's", 'say "hi"', "both ' and \"", "back\\slash", "\x00\x7f\x80\xa0", "\u2028"]:
        check(f, t)


def test_int_and_float_of_strings(no_leak):
    @njit
    def f(s):
        return int(s), float(s)
    for t in ["0", "42", "-17", " 12 ", "+5", "1_000", "٣"]:
        check(f, t)

    @njit
    def g(s):
        return float(s)
    for t in ["1.5", "-2e3", "inf", "-Infinity", "nan", " 0.1 ", "1_0.5"]:
        r1, r2 = g(t), g.py_func(t)
        assert r1 == r2 or (math.isnan(r1) and math.isnan(r2))

    @njit
    def h(s, base):
        return int(s, base)
    for t, base in [("ff", 16), ("0x1F", 16), ("777", 8), ("101", 2), ("z", 36)]:
        check(h, t, base)
    for bad in ["", "abc", "1.5", "1__0", " ", "--1"]:
        e = raises_same(njit(lambda s: int(s)), bad)
        assert isinstance(e, ValueError)
    for bad in ["", "abc", "1.2.3", "0x10", "infinity1"]:
        e = raises_same(g, bad)
        assert isinstance(e, ValueError)


def test_ord_chr(no_leak):
    @njit
    def f(s):
        return ord(s), chr(ord(s)), chr(ord(s) + 1)
    for t in ["a", "é", "日", "😀", "\x00"]:
        check(f, t)
    assert isinstance(raises_same(njit(lambda s: ord(s)), "ab"), TypeError)
    assert isinstance(raises_same(njit(lambda i: chr(i)), -1), ValueError)
    assert isinstance(raises_same(njit(lambda i: chr(i)), 0x110000), ValueError)


# ---- f-strings and format ------------------------------------------------------------

def test_fstrings(no_leak):
    @njit
    def f(x, y, s, i):
        return (f"{x} and {y:.3f}", f"{i:5d}|{i:<5d}|{i:^7}|{i:05d}|{i:+d}|{i:,}|{i:x}|{i:#b}|{i:o}|{i:X}",
                f"{y:10.2f}|{y:e}|{y:.2e}|{y:g}|{y:.3}|{y:%}|{y:.1%}|{y:,.2f}|{y:+.1f}|{y:8}",
                f"[{s}] [{s:>8}] [{s:<8}] [{s:^8}] [{s:*^9}] [{s:.2}] {s!r}", f"{x!r} {y!r} {i!s}", f"",
                f"{{literal}} {i}")
    for x, y, s, i in [(1, 0.1, "ab", 42), (-7, -1234.5678, "héllo", -3), (0, 1e20, "", 0),
                       (10 ** 12, 2.5, "日本", 1234567)]:
        check(f, x, y, s, i)


def test_format_builtin(no_leak):
    @njit
    def f(x, i):
        return format(x, ".2f"), format(i, "08b"), format(x), format(i, ""), format(i + 60, "c"), format(i + 60, "^5c")
    check(f, 3.14159, 5)


def test_fstring_bool_and_none(no_leak):
    @njit
    def f(b):
        return f"{b} {b:d} {None}"
    check(f, True)
    check(f, False)


# ---- print and exceptions ---------------------------------------------------------

def test_print_strings(capsys, no_leak):
    @njit
    def f(s, x):
        print(s)
        print(f"value={x:.2f}", s, [s, "b"])
        print("const", s + "!")
    f("héllo", 2.5)
    f.py_func("héllo", 2.5)
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == out[3:]


def test_raise_with_fstring_message(no_leak):
    @njit
    def f(x):
        if x > 3:
            raise ValueError(f"bad value {x}")
        return x
    assert f(2) == 2
    e = raises_same(f, 5)
    assert isinstance(e, ValueError) and str(e) == "bad value 5"


def test_raise_with_string_variable(no_leak):
    @njit
    def f(name):
        if len(name) > 1:
            msg = "no such key: " + name
            raise KeyError(msg)
        return name
    assert f("z") == "z"
    with pytest.raises(KeyError) as e:
        f("zz")
    assert e.value.args == ("no such key: zz",)


# ---- lists of strings ------------------------------------------------------------

def test_list_of_strings(no_leak):
    @njit
    def f(words):
        out = []
        for w in words:
            if w not in out:
                out.append(w.upper())
        out.sort()
        return out, "x" in words, words.index("b"), len(out)
    check(f, ["b", "a", "c", "a"])


def test_reflected_list_of_strings(no_leak):
    @njit
    def f(words):
        words.append("new")
        words[0] = words[0] + "!"

    a = ["x", "y"]
    f(a)
    assert a == ["x!", "y", "new"]


def test_sorted_strings(no_leak):
    @njit
    def f(s):
        return sorted(s.split()), max(s.split()), min(s.split()), sorted(s.split(), reverse=True)

    @njit
    def g(a, b):
        return max(a, b), min(a, b, "m"), max((a, b))
    check(f, "the quick brown fox jumps over the lazy dog")
    check(g, "abc", "abd")
    check(g, "zz", "a")


def test_word_count_program(no_leak):
    @njit
    def count_words(text, word):
        n = 0
        for line in text.split("\n"):
            for w in line.split():
                if w.strip(".,!?").lower() == word:
                    n += 1
        return n
    text = "The cat sat.\nThe dog, the cat!\nA bird? the end"
    check(count_words, text, "the")
    check(count_words, text, "cat")


def test_loop_over_a_fresh_list_literal(no_leak):
    # a temp list as the loop's iterable (its slot's null store once landed above an alloca)
    @njit
    def f(n):
        t = 0
        for x in [3, 4]:
            for y in [n, 1]:
                t += x * y
        return t
    check(f, 3)


def test_string_calls_between_jit_functions(no_leak):
    @njit
    def greet(name):
        return "Hello, " + name + "!"

    @njit
    def f(names):
        out = []
        for n in names:
            out.append(greet(n))
        return out
    assert f(["a", "日本"]) == ["Hello, a!", "Hello, 日本!"]


def test_tuple_of_strings_argument(no_leak):
    @njit
    def f(t):
        return t[0] + t[1], len(t[0])
    check(f, ("ab", "cd"))


# ---- unsupported neighbours: clear errors ---------------------------------------------

def test_percent_formatting_is_unsupported():
    @njit
    def f(x):
        return "%d" % x
    with pytest.raises(jitprofile.UnsupportedError) as e:
        f(1)
    assert "f-string" in str(e.value)
    assert "test_jit_strings.py" in str(e.value)


def test_unknown_method_is_unsupported():
    @njit
    def f(s):
        return s.isidentifier()
    with pytest.raises(jitprofile.UnsupportedError) as e:
        f("a")
    assert "str.isidentifier()" in str(e.value) and "splitlines" in str(e.value)


def test_bytes_is_unsupported():
    @njit
    def f(s):
        return bytes(s)
    with pytest.raises((jitprofile.UnsupportedError, jitprofile.TypingError)) as e:
        f("a")
    assert "array of uint8" in str(e.value)


def test_str_plus_int_is_a_typing_error():
    @njit
    def f(s):
        return s + 1
    with pytest.raises(jitprofile.TypingError):
        f("a")


# ---- the argument profiler records the type the JIT compiles for ----------------------

def _count_words(text, word):
    n = 0
    for w in text.split():
        if w.lower() == word:
            n += 1
    return n


def test_argument_profiler_records_unicode_type(no_leak):
    rec = _core.ArgRecorder()
    rec.start(exact=True)
    try:
        _count_words("The cat and the dog", "the")
        _count_words("a b", "c")
    finally:
        rec.stop()
    from jitprofile.argrecord import signatures_of
    (s,) = signatures_of(rec, _count_words)
    assert s.signature == "(unicode_type, unicode_type)"
    assert s.calls == 2 and s.compilable
    # the recorded types compile as they are
    f = njit([tuple(s.types)])(_count_words)
    assert f("The cat and the dog", "the") == 2
    assert [str(t) for t in f.signatures[0]] == ["unicode_type", "unicode_type"]


def test_types_module_spells_unicode_type():
    from jitprofile import types
    assert str(types.unicode_type) == "unicode_type" and types.string is types.unicode_type
    assert types.unicode_type.kind == "unicode"
    assert isinstance(types.unicode_type, types.UnicodeType)
    assert not isinstance(types.float64, types.UnicodeType)
    assert jitprofile.typeof([1]).kind == "list"


def test_jitclass_string_field(no_leak):
    from jitprofile.experimental import jitclass
    from jitprofile import types

    @jitclass([("name", types.unicode_type), ("n", types.int64)])
    class Named:
        def __init__(self, name, n):
            self.name = name
            self.n = n

        def label(self):
            return self.name + "#" + str(self.n)

    @njit
    def make(s):
        o = Named(s, 3)
        o.name = o.name.upper()
        return o.label(), o.name

    assert make("ab") == ("AB#3", "AB")
    o = Named("x", 1)
    assert o.name == "x" and o.label() == "x#1"
    o.name = "héllo"
    assert o.name == "héllo" and o.label() == "héllo#1"
    del o


def test_bytes_literal_and_argument_are_clear_errors():
    @njit
    def lit():
        return b"abc"
    with pytest.raises(jitprofile.UnsupportedError) as e:
        lit()
    assert "bytes literal" in str(e.value) and "uint8" in str(e.value) and "test_jit_strings.py" in str(e.value)

    @njit
    def arg(s):
        return len(s)
    with pytest.raises(TypeError) as e:
        arg(b"x")
    assert "bytes" in str(e.value) and "str" in str(e.value)


def test_str_format_and_encode_say_what_to_write():
    @njit
    def f(s):
        return "{} x".format(s)
    with pytest.raises(jitprofile.UnsupportedError) as e:
        f("a")
    assert "f-string" in str(e.value)

    @njit
    def g(s):
        return s.encode()
    with pytest.raises(jitprofile.UnsupportedError) as e:
        g("a")
    assert "str.encode()" in str(e.value) and "bytes" in str(e.value)


def test_strings_in_cuda_kernels_are_refused_with_the_line():
    from jitprofile import cuda

    def kern(out):
        s = "abc"
        out[0] = len(s)

    with pytest.raises(jitprofile.UnsupportedError,
                       match=r"test_jit_strings.py:\d+:\d+: .*strings are not supported in CUDA"):
        cuda.compile_ptx(kern, "void(float64[::1])")


def test_constants_are_made_once_and_loops_over_latin1_allocate_nothing(no_leak):
    @njit
    def f(s):
        n = 0
        for ch in s:
            if ch in "aeiou":
                n += 1
        return n
    text = "the quick brown fox " * 50
    f(text)
    before = _core.nrt_stats()[1]
    assert f(text) == f.py_func(text)
    # one block: the argument's copy (constants and one-character strings are shared)
    assert _core.nrt_stats()[1] - before == 1


def test_float_repr_matches_cpython_on_random_doubles(no_leak):
    import random
    import struct
    rng = random.Random(7)
    xs = []
    while len(xs) < 3000:
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if x == x:
            xs.append(x)
    xs += [rng.random() * 10 ** rng.randint(-30, 30) for _ in range(2000)]
    xs += [float(i) / 7 for i in range(-50, 50)] + [2.0 ** k for k in range(-1074, 1024, 37)]

    @njit
    def reprs(values):
        return [str(v) for v in values]
    assert reprs(xs) == [repr(x) for x in xs]


def test_unpack_a_split(no_leak):
    @njit
    def f(line):
        key, value = line.split("=")
        a, b, c = [1, 2, 3]
        return key.strip(), value.strip(), a + b + c
    check(f, " x = 42 ")
    e = raises_same(f, "a=b=c")
    assert isinstance(e, ValueError) and str(e) == "too many values to unpack (expected 2)"
    e = raises_same(f, "abc")
    assert isinstance(e, ValueError) and str(e) == "not enough values to unpack (expected 2, got 1)"


def test_in_tuple_of_strings_and_zip_enumerate(no_leak):
    @njit
    def f(words, w):
        d = 0
        for i, x in enumerate(words):
            d += len(x) * i
        for a, b in zip(words, words[1:]):
            if a < b:
                d += 1
        return d, w in ("x", "y"), "".join([]), "".join([ch for ch in w if ch != ","])
    check(f, ["a", "bb", "ccc"], "x")
    check(f, ["zz", "b"], "a,b")


def test_objmode_strings_in_and_out(no_leak):
    from jitprofile import objmode

    @njit
    def f(s, n):
        t = s.upper()
        with objmode(out="unicode_type", k="int64"):
            out = t[::-1] + "|" + "é" * n     # plain Python on the jit string
            k = len(t) + n
        return out + "!", k
    assert f("abc", 2) == ("CBA|éé!", 5)


def test_splitlines_and_isprintable(no_leak):
    @njit
    def f(s):
        return s.splitlines(), s.splitlines(True), s.splitlines(keepends=True), s.isprintable()
    for t in ["", "a", "a\nb", "a\r\nb\rc\n", "\n\n", "x\x0by\u2028z", "tab\there", "end\n"]:
        check(f, t)


def test_isinstance_str(no_leak):
    @njit
    def f(x):
        return isinstance(x, str), isinstance(x, (int, str)), isinstance(x, float)
    check(f, "a")
    check(f, 1)


def test_partition_and_expandtabs(no_leak):
    @njit
    def f(s, sep):
        return s.partition(sep), s.rpartition(sep), s.expandtabs(), s.expandtabs(4), s.expandtabs(tabsize=0)
    for t in ["a=b=c", "abc", "", "=x", "\ta\tbc\n\td", "日本=語"]:
        check(f, t, "=")
    assert isinstance(raises_same(njit(lambda s: s.partition("")), "ab"), ValueError)


def test_assert_with_fstring_message(no_leak):
    @njit
    def f(x):
        assert x > 0, f"x must be positive, got {x}"
        return x
    assert f(2) == 2
    # (pytest rewrites the asserts of this file, so CPython's own text is not compared)
    with pytest.raises(AssertionError) as e:
        f(-3)
    assert str(e.value) == "x must be positive, got -3"


SEPARATOR = ", "
GREETING = "héllo wörld"
WORDS = ("alpha", "beta", "gamma")


@njit
def uses_global_strings(n):
    parts = [GREETING.upper()]
    for i in range(n):
        parts.append(WORDS[i % len(WORDS)])
    return SEPARATOR.join(parts)


def test_global_strings_are_frozen_constants():
    # Regression: a module-level str read by jit code was a TypingError
    # ("'GREETING' refers to a str object, which jit code cannot use").
    assert uses_global_strings(4) == uses_global_strings.py_func(4)
    assert uses_global_strings(0) == "HÉLLO WÖRLD"
