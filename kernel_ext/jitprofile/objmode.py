"""Object mode: functions that run in the Python interpreter.

``@jit(forceobj=True)`` returns an ObjModeDispatcher: calls run the Python
function itself, and the first call gives one ObjectModeWarning (the code is
not compiled, so it runs at CPython's speed).  ``@jit(nopython=False)``
compiles like ``@jit`` and falls back to the interpreter, with the same
one-time warning naming the reason, for the argument types that fail to
compile (Numba's object-mode fallback).  ``looplift`` is accepted and has
no effect: loops are not lifted out of object-mode functions.

``objmode`` (``with objmode(x='float64[:]'):``) is a no-op context manager
in plain Python, as in Numba.  Inside jit code the block's body runs in the
interpreter: the frontend (jit/frontend.c) passes the block to
``_compile_block`` below, which makes it a Python function of the live
variables it reads; jit code calls it through jit/objmode.c with the GIL and
converts the declared outputs back, raising TypeError when a value does not
have its declared type.
"""
import functools
import warnings

from . import _core
from .errors import ObjectModeWarning

_COMPILE_ERRORS = (_core.CompileError,)


class ObjModeDispatcher:
    """What ``@jit(forceobj=True)`` / ``@jit(nopython=False)`` return."""

    _jitprofile_objmode = True

    def __init__(self, func, compiled=None, reason="forceobj=True"):
        self.py_func = func
        self._reason = reason
        self._compiled = compiled       # a Dispatcher (nopython=False) or None (forceobj)
        self._fallback = set()          # argument type keys that failed to compile
        self._warned = False
        functools.update_wrapper(self, func)

    def _warn(self, reason):
        if self._warned:
            return
        self._warned = True
        warnings.warn(f"function {self.py_func.__qualname__!r} runs in object mode (the Python "
                      f"interpreter, not compiled code): {reason}", ObjectModeWarning, stacklevel=3)

    def __call__(self, *args, **kwargs):
        if self._compiled is None:
            self._warn(self._reason)
            return self.py_func(*args, **kwargs)
        key = tuple(str(_core.typeof(a)) for a in args) + tuple(sorted(kwargs))
        if key not in self._fallback:
            try:
                return self._compiled(*args, **kwargs)
            except _COMPILE_ERRORS as e:
                self._fallback.add(key)
                self._warn("nopython=False and compilation failed:\n" + str(e))
        return self.py_func(*args, **kwargs)

    @property
    def signatures(self):
        return [] if self._compiled is None else self._compiled.signatures

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self):
        return f"<jitprofile.ObjModeDispatcher {self.py_func.__qualname__}>"

    def __reduce__(self):
        from .serialize import reduce_jitted
        return reduce_jitted(self)


class _ObjModeContext:
    """``objmode(x='float64[:]')``: a no-op context manager in plain Python."""

    _jitprofile_objmode_ctx = True

    def __call__(self, *args, **types):
        return self

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "jitprofile.objmode"


objmode = _ObjModeContext()


def _fail(hint, message, cls=ValueError):
    # the frontend splits "hint|message" into the error's message and hint
    raise cls(f"{hint}|{message}")


def _read_before_set(body):
    """The names the statements in body may read before the block sets them.

    A name set by a plain statement (``a = x + 1``) and read by a later one
    (``b = a + 1``) is the block's own value, not an input from jit code; a
    name read anywhere before such an assignment, or only set inside a
    compound statement (an ``if``, a loop), counts as read.
    """
    import ast

    def names(nodes, ctx):
        return {n.id for node in nodes for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}

    read, assigned = set(), set()
    for stmt in body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)):
            value = [stmt.value] if stmt.value is not None else []
            targets = getattr(stmt, "targets", None) or ([stmt.target] if hasattr(stmt, "target") else [])
            loads = names(value + targets, ast.Load)
            if isinstance(stmt, ast.AugAssign):
                loads |= names([stmt.target], ast.Store)   # a += 1 reads a
            read |= loads - assigned
            # the walrus inside a value, and the plain targets, are set from here on
            assigned |= names(value + targets, ast.Store)
        else:
            read |= names([stmt], ast.Load) - assigned
    return read


def _compile_block(node, globals_, closure, local_names, filename, line_offset):
    """The objmode block `node` (an ast.With) as a Python function.

    Returns (function, input names, output names, output types): the
    function takes the jit function's live locals the block reads, runs
    the block's body in the interpreter and returns the declared outputs.
    """
    import ast
    import copy
    import types as pytypes

    item = node.items[0]
    if len(node.items) != 1 or item.optional_vars is not None:
        _fail("write `with objmode(x='float64'):`", "an objmode block takes one objmode(...) and no `as`")
    call = item.context_expr
    if isinstance(call, ast.Call):
        if call.args:
            _fail("declare each output as a keyword: objmode(x='float64[:]')",
                  "objmode() takes keyword arguments only")
        outputs = [(kw.arg, kw.value) for kw in call.keywords]
    else:
        outputs = []
    for sub in ast.walk(ast.Module(body=node.body, type_ignores=[])):
        if isinstance(sub, (ast.Return, ast.Yield, ast.YieldFrom)):
            _fail("set an output variable instead, and return after the block",
                  "return/yield inside an objmode block is not supported")
        if isinstance(sub, (ast.Break, ast.Continue)):
            # only loops wholly inside the block may use them
            pass
    namespace = dict(globals_)
    namespace.update(closure)
    types_ = []
    for name, expr in outputs:
        e = ast.Expression(body=copy.deepcopy(expr))
        ast.fix_missing_locations(e)
        try:
            value = eval(compile(e, filename, "eval"), namespace)
        except Exception as exc:
            _fail("spell it as a string, e.g. objmode(x='float64[:]')",
                  f"cannot evaluate the type of objmode output '{name}': {exc}", TypeError)
        if isinstance(value, str):
            try:
                value = _core.Type(value)
            except Exception as exc:
                _fail("use the type language: 'float64', 'int64[:]', 'UniTuple(float64, 2)'",
                      f"objmode output '{name}': {exc}", TypeError)
        value = getattr(value, "_jp_type", value)
        if not isinstance(value, _core.Type):
            _fail("use the type language: 'float64', 'int64[:]', 'UniTuple(float64, 2)'",
                  f"objmode output '{name}' has type {value!r}, which is not a jitprofile type", TypeError)
        types_.append(value)
    out_names = [name for name, _ in outputs]
    body = copy.deepcopy(node.body)
    read = _read_before_set(body)
    inputs = [name for name in local_names if name in read]
    ret = ast.Return(value=ast.Tuple(elts=[ast.Name(id=n, ctx=ast.Load()) for n in out_names], ctx=ast.Load()))
    ast.copy_location(ret, body[-1])
    fdef = ast.FunctionDef(name="objmode_block", args=ast.arguments(
        posonlyargs=[], args=[ast.arg(arg=n) for n in inputs], vararg=None, kwonlyargs=[],
        kw_defaults=[], kwarg=None, defaults=[]), body=body + [ret], decorator_list=[], returns=None,
        type_params=[]) if hasattr(ast, "TypeAlias") else ast.FunctionDef(
        name="objmode_block", args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg=n) for n in inputs], vararg=None, kwonlyargs=[],
            kw_defaults=[], kwarg=None, defaults=[]), body=body + [ret], decorator_list=[], returns=None)
    ast.copy_location(fdef, node)
    module = ast.Module(body=[fdef], type_ignores=[])
    ast.fix_missing_locations(module)
    if line_offset:
        ast.increment_lineno(module, line_offset)
    code = compile(module, filename, "exec")
    fcode = next(c for c in code.co_consts if isinstance(c, pytypes.CodeType))
    func = pytypes.FunctionType(fcode, globals_ if not closure else namespace)
    return func, inputs, out_names, types_
