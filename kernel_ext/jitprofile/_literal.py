"""``literally`` and ``literal_unroll``: identities in Python, and in jit
code (registered as @overload implementations compiled from `identity`).

A function that calls ``literally(p)`` on one of its parameters is compiled
once per value of p, as Numba does: `LiteralDispatcher` keeps one jitted
specialisation per value, in which p is a constant (resolved by the
frontend like a frozen global, so branches on it fold away).  Called from
other jit code, the function compiles on types only (the same results).
"""
import ast
import inspect
import types

from . import _core


def identity(x):
    return x


def literally(obj):
    """Numba's literally(): the function calling literally(p) on its
    parameter p compiles one specialisation per value of p."""
    return obj


def literal_unroll(container):
    """Numba's literal_unroll(): the identity (iterating the tuple itself)."""
    return container


def literal_params(func):
    """The names of func's parameters it passes to literally(), in order
    (empty when it calls no literally: decided from the code object first)."""
    code = getattr(func, "__code__", None)
    if code is None or "literally" not in code.co_names:
        return []
    from ._source import function_source
    try:
        fdef = function_source(func)[0]
    except Exception:           # no source: the frontend reports it at the first call
        return []
    params = [a.arg for a in fdef.args.posonlyargs + fdef.args.args]
    found = []
    for node in ast.walk(fdef):
        if isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else None
            if name == "literally" and node.args[0].id in params and node.args[0].id not in found:
                found.append(node.args[0].id)
    return [p for p in params if p in found]


def _literal_type(value):
    return f"Literal[{type(value).__name__}]({value!r})"


class LiteralDispatcher:
    """A jitted function with literally() parameters: one specialisation per
    value of them (the others compile on their types as usual)."""

    def __init__(self, func, options, names):
        self.py_func = func
        self._options = dict(options, cache=False)
        self._names = names
        self._sig = inspect.signature(func)
        params = list(self._sig.parameters)
        self._index = [params.index(n) for n in names]
        self._generic = _core.Dispatcher(func, self._options)   # for calls from jit code
        self._children = {}
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__
        self.__wrapped__ = func

    def __reduce__(self):
        from .serialize import reduce_jitted
        return reduce_jitted(self)

    @property
    def _jitprofile_generic(self):
        return self._generic

    def _specialise(self, values):
        from ._source import function_source
        fdef, filename, first, lines, indent, globals_, closure = function_source(self.py_func)
        a = fdef.args
        keep = [x for x in a.posonlyargs + a.args if x.arg not in self._names]
        new_args = ast.arguments(posonlyargs=[x for x in a.posonlyargs if x.arg not in self._names],
                                 args=[x for x in a.args if x.arg not in self._names], vararg=None,
                                 kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        new_def = ast.FunctionDef(name=fdef.name, args=new_args, body=fdef.body, decorator_list=[],
                                  returns=None, type_comment=None, type_params=[])
        ast.copy_location(new_def, fdef)
        new_def.end_lineno, new_def.end_col_offset = fdef.end_lineno, fdef.end_col_offset
        ns = {}
        exec(f"def {fdef.name}({', '.join(x.arg for x in keep)}):\n    pass\n", ns)
        fn = types.FunctionType(ns[fdef.name].__code__, globals_, fdef.name)
        fn.__qualname__ = self.py_func.__qualname__
        fn.__module__ = self.py_func.__module__
        fn._jitprofile_source_tuple = (new_def, filename, first, lines, indent, globals_,
                                       {**closure, **dict(zip(self._names, values))})
        return _core.Dispatcher(fn, self._options)

    def _child(self, values):
        key = tuple((type(v), v) for v in values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._specialise(values)
        return child

    def _for_call(self, consts):
        """For a call from jit code with these positional arguments (an
        empty tuple marks one that is not a constant): (the specialisation,
        the positions it drops), or None to compile on types."""
        if len(consts) != len(self._sig.parameters):
            return None
        values = [consts[i] for i in self._index]
        if any(v == () for v in values):
            return None
        return self._child(values), tuple(self._index)

    def __call__(self, *args, **kwargs):
        if kwargs or len(args) != len(self._sig.parameters):
            bound = self._sig.bind(*args, **kwargs)
            bound.apply_defaults()
            args = bound.args
        child = self._child(tuple(args[i] for i in self._index))
        return child(*[v for i, v in enumerate(args) if i not in self._index])

    @property
    def signatures(self):
        """One signature per specialisation, the literal parameters spelled
        as Numba spells them: Literal[int](3)."""
        out = []
        for key, child in self._children.items():
            for sig in child.signatures:
                sig, values = list(sig), [v for _, v in key]
                for i, v in zip(self._index, values):
                    sig.insert(i, _literal_type(v))
                out.append(tuple(sig))
        return out

    @property
    def overloads(self):
        return {sig: None for sig in self.signatures}

    def __repr__(self):
        return f"<LiteralDispatcher {self.__qualname__} literally({', '.join(self._names)})>"
