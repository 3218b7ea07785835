"""@stencil (Numba's spelling): a kernel with relative indexing, and the loop
nest that applies it to every element of the input.

The kernel ``def k(a, b, w): return a[-1, 0] + a[1, 0] * w`` is rewritten
(in its own source text, found with Python's ast, keeping its line numbers
so the jit's errors point at the user's lines) into a jit function of the
element's index,
``def k(__i0, __i1, a, b, w): return a[__i0 + (-1), __i1 + (0)] + ...``, and the
loop nest around it is generated as Python source and jit-compiled as well:

    def __jp_stencil(a, b, w):                         # named k for the profiler
        __n0 = a.shape[0]; __n1 = a.shape[1]
        __out = np.zeros((__n0, __n1), np.float64)     # np.full(..., cval) with cval=
        for __i0 in range(1, __n0 - 1):                # prange under parallel=True
            for __i1 in range(0, __n1 - 0):
                __out[__i0, __i1] = k(__i0, __i1, a, b, w)
        return __out

Generating the loop as source (as Numba's own stencil does) keeps this
file a thin front: the typing, the bounds, the inlining of the kernel into
the loop, the vectoriser and prange's thread pool are the JIT's ordinary
ones, so a stencil runs exactly as the loop a user would have written.

The neighbourhood is inferred from the constant relative indices (or given
with ``neighborhood=((-1, 1), (-2, 2))``, which non-constant indices such
as loop variables need); the border where it leaves the array is 0, or
``cval``.  Called from jit code the stencil resolves like an @overload at
typing time (jit/infer.c asks ``_resolve_in_jit``), and inside
``@jit(parallel=True)`` its outer loop is a ``prange``.
"""
import ast
import inspect
import itertools
import linecache
import textwrap

from . import _core
from .decorators import jit

_ids = itertools.count(1)


def _const_int(node):
    """The value of an integer constant index (``1``, ``-1``, ``+2``), or None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _const_int(node.operand)
        if v is not None:
            return -v if isinstance(node.op, ast.USub) else v
    return None


class StencilFunc:
    """What @stencil returns: call it on arrays (from Python or jit code)."""

    _jitprofile_generated = True        # jit code resolves calls through _resolve_in_jit

    def __init__(self, kernel, neighborhood=None, cval=None, standard_indexing=(), func_or_mode="constant"):
        if func_or_mode != "constant":
            raise ValueError(f"stencil: unsupported mode {func_or_mode!r}; only 'constant' is supported")
        self.kernel = kernel
        self.cval = cval
        self.standard_indexing = tuple(standard_indexing or ())
        self.__name__ = kernel.__name__
        self.__qualname__ = kernel.__qualname__
        self.__doc__ = kernel.__doc__
        self.__wrapped__ = kernel
        try:
            lines, first = inspect.getsourcelines(kernel)
            self._filename = inspect.getsourcefile(kernel) or kernel.__code__.co_filename
        except (OSError, TypeError) as exc:
            raise _core.CompileError(f"cannot make a stencil of {getattr(kernel, '__qualname__', kernel)!r}: "
                                     f"its source code is not available ({exc}); define the kernel in a file "
                                     "or a notebook cell") from None
        text = textwrap.dedent("".join(lines))
        self._indent = len(lines[0]) - len(lines[0].lstrip())
        self._text, self._first = text, first
        try:
            tree = ast.parse(text)
            fdef = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == kernel.__name__)
        except (SyntaxError, StopIteration):
            raise TypeError(f"stencil: the kernel {kernel.__qualname__} must be a function defined with def "
                            "(a lambda is not a stencil kernel)") from None
        ast.increment_lineno(tree, first - 1)
        fdef.decorator_list = []
        self._fdef = fdef
        self.params = [a.arg for a in fdef.args.args]
        if not self.params:
            raise TypeError(f"stencil kernel {self.__name__}() takes no array argument")
        for name in self.standard_indexing:
            if name not in self.params:
                raise ValueError(f"stencil: standard_indexing names {name!r}, which is not a parameter "
                                 f"of {self.__name__}()")
        if self.params[0] in self.standard_indexing:
            raise ValueError(f"stencil: the first argument of {self.__name__}() gives the output's shape and "
                             "must use relative indexing, not standard_indexing")
        if cval is not None:
            import numpy as np
            if not isinstance(cval, (int, float, complex, np.number, np.bool_)):
                raise ValueError(f"stencil: cval must be a number, not {cval!r}")
        indexed = {n.value.id for n in ast.walk(fdef)
                   if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)}
        self.arrays = [p for p in self.params if p in indexed and p not in self.standard_indexing]
        self.neighborhood = self._neighborhood(neighborhood)
        self.ndim = len(self.neighborhood)
        self._kernels = {}
        self._loops = {}

    # ---- the kernel --------------------------------------------------------------------------

    def _where(self, node):
        return f"{self._filename}:{node.lineno}:{node.col_offset + self._indent + 1}"

    def _neighborhood(self, given):
        """The (lo, hi) per dimension: given, or from the constant relative indices."""
        accesses = [n for n in ast.walk(self._fdef)
                    if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                    and n.value.id in self.arrays]
        if not accesses and given is None:
            raise _core.CompileError(f"{self._where(self._fdef)}: stencil kernel {self.__name__}() indexes "
                                     "no array argument relatively: nothing to infer a neighborhood from")
        ndim = None
        bounds = []
        for n in accesses:
            elts = n.slice.elts if isinstance(n.slice, ast.Tuple) else [n.slice]
            if any(isinstance(e, ast.Slice) for e in elts):
                raise _core.UnsupportedError(f"{self._where(n)}: a stencil kernel indexes its arrays with "
                                             "one relative integer per dimension, not a slice")
            if ndim is None:
                ndim = len(elts)
            elif len(elts) != ndim:
                raise _core.TypingError(f"{self._where(n)}: stencil kernel {self.__name__}() indexes with "
                                        f"{len(elts)} indices here and {ndim} elsewhere: one per dimension "
                                        "of the input")
            if given is None:
                vals = [_const_int(e) for e in elts]
                for e, v in zip(elts, vals):
                    if v is None:
                        raise _core.TypingError(
                            f"{self._where(e)}: stencil kernel {self.__name__}() uses a non-constant relative "
                            f"index ({ast.unparse(e)}): give the neighborhood, e.g. "
                            f"@stencil(neighborhood={tuple((-1, 1) for _ in elts)})")
                bounds.append(vals)
        if given is not None:
            try:
                nb = tuple((int(lo), int(hi)) for lo, hi in given)
            except (TypeError, ValueError):
                raise ValueError(f"stencil: neighborhood must be one (low, high) pair per dimension, "
                                 f"not {given!r}") from None
            if ndim is not None and len(nb) != ndim:
                raise ValueError(f"stencil: neighborhood has {len(nb)} dimensions and the kernel indexes "
                                 f"{ndim}")
            if any(lo > hi for lo, hi in nb):
                raise ValueError(f"stencil: neighborhood {given!r} has a low bound above its high bound")
            return nb
        return tuple((min(0, min(b[d] for b in bounds)), max(0, max(b[d] for b in bounds)))
                     for d in range(ndim))

    def _kernel_source(self):
        """(source to show, source to run) of the kernel as a function of the
        element's index: the user's own lines, at their own line numbers, with
        `__i0 + (...)` put around each relative index and the index
        parameters put first, so the jit's errors point at the user's line."""
        edits = []      # (line, byte column, text to insert)
        for n in ast.walk(self._fdef):
            if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id in self.arrays:
                elts = n.slice.elts if isinstance(n.slice, ast.Tuple) else [n.slice]
                for d, e in enumerate(elts):
                    edits.append((e.lineno, e.col_offset, f"__i{d} + ("))
                    edits.append((e.end_lineno, e.end_col_offset, ")"))
        first_arg = self._fdef.args.args[0]
        edits.append((first_arg.lineno, first_arg.col_offset,
                      "".join(f"__i{d}, " for d in range(self.ndim))))
        lines = [ln.encode() for ln in self._text.splitlines(True)]
        base = self._first
        for line, col, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            k = line - base
            lines[k] = lines[k][:col] + text.encode() + lines[k][col:]
        lines = [ln.decode() for ln in lines]
        for k in range(self._fdef.lineno - base):
            lines[k] = "\n"         # the decorators: the def keeps its line number
        pad = "\n" * (base - 1)
        indent = " " * self._indent
        shown = pad + "".join(indent + ln if ln.strip() else ln for ln in lines)
        return shown, pad + "".join(lines)

    def _compile_source(self, source, name, globs):
        """Define source's function (registered with linecache, so jit reads
        it).  source: the text, or (text to show, text to run) when the two
        differ only in indentation."""
        shown, run = source if isinstance(source, tuple) else (source, source)
        filename = f"<stencil {self.__qualname__} #{next(_ids)} from {self._filename}>"
        shown, run = shown + "\n", run + "\n"
        linecache.cache[filename] = (len(shown), None, shown.splitlines(True), filename)
        ns = {}
        exec(compile(run, filename, "exec"), globs, ns)
        return ns[name]

    def _kernel(self):
        k = self._kernels.get("kernel")
        if k is None:
            globs = dict(self.kernel.__globals__)
            if self.kernel.__closure__:
                for name, cell in zip(self.kernel.__code__.co_freevars, self.kernel.__closure__):
                    globs[name] = cell.cell_contents
            fn = self._compile_source(self._kernel_source(), self.__name__, globs)
            k = self._kernels["kernel"] = jit(nopython=True)(fn)
        return k

    # ---- the loop nest -----------------------------------------------------------------------

    def _loop_source(self, parallel, has_out, dtype):
        nd = self.ndim
        out = "out" if "out" not in self.params else "__out"     # jit callers pass out=
        params = list(self.params) + ([out] if has_out else [])
        first = self.arrays[0] if self.arrays else self.params[0]
        shape = ", ".join(f"__n{d}" for d in range(nd)) + ("," if nd == 1 else "")
        lines = [f"def __jp_stencil({', '.join(params)}):"]
        for d in range(nd):
            lines.append(f"    __n{d} = {first}.shape[{d}]")
        for a in self.arrays:
            if a != first:
                cond = " or ".join(f"{a}.shape[{d}] != __n{d}" for d in range(nd))
                lines.append(f"    if {cond}:")
                lines.append(f"        raise ValueError('stencil {self.__name__}(): the arrays it indexes "
                             "relatively must have the same shape')")
        if has_out:
            cond = " or ".join(f"{out}.shape[{d}] != __n{d}" for d in range(nd))
            lines.append(f"    if {cond}:")
            lines.append(f"        raise ValueError('stencil {self.__name__}(): out must have the input\\'s shape')")
            lines.append(f"    __out = {out}")
            if self.cval is not None:       # as Numba: with cval, out's border is cval too
                lines.append("    __out[...] = __cval")
        elif self.cval is None:
            lines.append(f"    __out = np.zeros(({shape}), np.{dtype})")
        else:
            lines.append(f"    __out = np.full(({shape}), __cval, np.{dtype})")
        ind = "    "
        for d, (lo, hi) in enumerate(self.neighborhood):
            rng = "prange" if parallel and d == 0 else "range"
            lines.append(f"{ind}for __i{d} in {rng}({max(0, -lo)}, __n{d} - {max(0, hi)}):")
            ind += "    "
        idx = ", ".join(f"__i{d}" for d in range(nd))
        lines.append(f"{ind}__out[{idx}] = __kernel({idx}, {', '.join(self.params)})")
        lines.append("    return __out")
        return "\n".join(lines)

    def _result_dtype(self, argtypes):
        """The NumPy dtype name of the kernel's result for these argument types."""
        import numpy as np
        kt = (_core.typeof(0),) * self.ndim + tuple(argtypes)
        return np.dtype(str(_return_type(self._kernel(), kt))).name

    def _loop(self, argtypes, parallel, has_out):
        import numpy as np
        from .decorators import prange
        from .types import Array
        for name, t in zip(self.params, argtypes):
            if name in self.arrays and not isinstance(t, Array):
                raise TypeError(f"stencil {self.__name__}(): argument '{name}' is indexed relatively and must be "
                                f"an array, not {t}")
            if name in self.arrays and t.ndim != self.ndim:
                raise ValueError(f"stencil {self.__name__}(): a {self.ndim}-dimensional neighborhood for the "
                                 f"{t.ndim}-dimensional array '{name}'")
        if has_out:
            if not isinstance(argtypes[-1], Array) or argtypes[-1].ndim != self.ndim:
                raise TypeError(f"stencil {self.__name__}(): out must be a {self.ndim}-dimensional array, "
                                f"not {argtypes[-1]}")
            dtype = str(argtypes[-1].dtype)
            argtypes = argtypes[:-1]
        else:
            dtype = self._result_dtype(argtypes)
        if self.cval is not None and isinstance(self.cval, complex) and not dtype.startswith("complex"):
            raise ValueError(f"stencil {self.__name__}(): cval type does not match stencil return type "
                             f"({type(self.cval).__name__} cval, {dtype} result)")
        key = (bool(parallel), has_out, dtype)
        loop = self._loops.get(key)
        if loop is None:
            globs = {"np": np, "prange": prange, "__kernel": self._kernel(), "__cval": self.cval}
            fn = self._compile_source(self._loop_source(parallel, has_out, dtype), "__jp_stencil", globs)
            fn.__name__ = fn.__qualname__ = self.__name__
            loop = self._loops[key] = jit(nopython=True, parallel=bool(parallel))(fn)
        return loop

    # ---- calls ---------------------------------------------------------------------------------

    def _check_nargs(self, n):
        if n != len(self.params):
            raise TypeError(f"stencil {self.__name__}() takes {len(self.params)} arguments ({n} given)")

    def _resolve_in_jit(self, argtypes, parallel):
        argtypes = tuple(argtypes)
        has_out = len(argtypes) == len(self.params) + 1 and len(self.params) > 0
        self._check_nargs(len(argtypes) - has_out)
        return self._loop(argtypes, parallel, has_out)

    def _resolve(self, *argtypes):
        return self._resolve_in_jit(argtypes, False)

    def __call__(self, *args, out=None, **kwargs):
        if kwargs:
            raise TypeError(f"stencil {self.__name__}() got unexpected keyword(s) {', '.join(kwargs)}")
        self._check_nargs(len(args))
        types = []
        for i, a in enumerate(args):
            t = _core.typeof(a)
            if t is None:
                raise TypeError(f"stencil {self.__name__}() argument {i + 1} has type {type(a).__name__}, "
                                "which jit code does not support")
            types.append(t)
        if out is not None:
            types.append(_core.typeof(out))
            return self._loop(tuple(types), False, True)(*args, out)
        return self._loop(tuple(types), False, False)(*args)

    def __repr__(self):
        return f"<jitprofile.StencilFunc {self.__qualname__} neighborhood={self.neighborhood}>"


def _return_type(disp, argtypes):
    """The return type the jit gives disp for argtypes (compiles it)."""
    disp.compile(argtypes)
    entry = disp.overloads.get(tuple(argtypes))
    if entry is None:
        raise _core.InternalError(f"stencil: no compiled kernel for {argtypes}")
    return entry["return_type"]


def stencil(func_or_mode="constant", **options):
    """Numba's @stencil: ``@stencil``, ``@stencil(neighborhood=((-1, 1),), cval=0.0,
    standard_indexing=("w",))``.  The result is called like the kernel on
    whole arrays and returns an array of the first input's shape."""
    known = {"neighborhood", "cval", "standard_indexing"}
    unknown = set(options) - known
    if unknown:
        raise TypeError(f"stencil() got unexpected option(s): {', '.join(sorted(unknown))}")
    if callable(func_or_mode):
        return StencilFunc(func_or_mode, **options)
    return lambda func: StencilFunc(func, func_or_mode=func_or_mode, **options)
