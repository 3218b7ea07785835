"""Inner functions and lambdas of jit code (called by jit/frontend_closure.c).

An inner ``def`` or ``lambda`` becomes a jitted function of its own whose
first (positional-only) parameters are the enclosing function's locals it
reads - its captures.  A call ``inner(x)`` in jit code is compiled as
``inner_jit(capture1, capture2, x)``: the captures are read when the call
runs (Python's rule for a closure that does not assign them), and the inner
function is specialised for the types it is called with, as Numba inlines
non-escaping closures.  Inner functions referring to each other pass their
captures on: the captures of a function include those of every inner
function it calls.

Each inner function is described to the C frontend by an `InnerFunction`
(its dispatcher and the names of its captures); the inner function's own
frontend finds its siblings in its closure dict as InnerFunction values.
"""
import ast
import types

from . import _core


class InnerFunction:
    """An inner function of jit code: its dispatcher and captured names."""
    __slots__ = ("dispatcher", "captures", "name")

    def __init__(self, dispatcher, captures, name):
        self.dispatcher = dispatcher
        self.captures = tuple(captures)
        self.name = name

    def __repr__(self):
        return f"<inner function {self.name} capturing {self.captures}>"


def _params(args):
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names


def _scope(node):
    """(locals, free names in order of first use) of a def or lambda node."""
    stores = set(_params(node.args))
    loads = []

    def visit(n):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not isinstance(n, ast.Lambda):
                stores.add(n.name)
            for d in n.args.defaults + [d for d in n.args.kw_defaults if d is not None]:
                visit(d)
            loads.extend(_scope(n)[1])
            return
        if isinstance(n, ast.Name):
            if isinstance(n.ctx, ast.Load):
                loads.append(n.id)
            else:
                stores.add(n.id)
        for child in ast.iter_child_nodes(n):
            visit(child)

    for stmt in (node.body if not isinstance(node, ast.Lambda) else [node.body]):
        visit(stmt)
    free = []
    for name in loads:
        if name not in stores and name not in free:
            free.append(name)
    return stores, free


def plan(nodes, enclosing_locals, known):
    """Captures of each inner function in `nodes` (name -> def/lambda node).

    enclosing_locals: the names the enclosing function assigns (params
    included); known: name -> InnerFunction already made (the enclosing
    function's siblings).  A function's captures are the enclosing locals it
    reads, plus the captures of the inner functions it calls."""
    free = {name: _scope(node)[1] for name, node in nodes.items()}
    caps = {name: [x for x in free[name] if x in enclosing_locals and x not in nodes]
            for name in nodes}
    changed = True
    while changed:
        changed = False
        for name in nodes:
            for x in free[name]:
                if x in nodes:
                    more = caps[x]
                elif x in known and x not in enclosing_locals:
                    more = known[x].captures
                else:
                    continue
                for cap in more:
                    if cap not in caps[name]:
                        caps[name].append(cap)
                        changed = True
    return caps


def _literal_default(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        raise ClosureError("a default value that is not a constant in an inner function", node,
                           "use a number, a string, None or a tuple of them") from None


def _as_def(node, name):
    """A FunctionDef for a def or a lambda node (a lambda returns its body)."""
    if not isinstance(node, ast.Lambda):
        return node
    ret = ast.Return(value=node.body)
    ast.copy_location(ret, node.body)
    fdef = ast.FunctionDef(name=name, args=node.args, body=[ret], decorator_list=[],
                           returns=None, type_comment=None, type_params=[])
    ast.copy_location(fdef, node)
    fdef.end_lineno, fdef.end_col_offset = node.end_lineno, node.end_col_offset
    return fdef


def make(outer, nodes, caps, source, known):
    """Make the InnerFunction of each node (name -> node) with its captures.

    outer: the enclosing dispatcher; source: the enclosing frontend's source
    tuple; known: the InnerFunctions already visible (siblings).  Returns
    name -> InnerFunction."""
    _fdef, filename, first, lines, indent, globals_, closure = source
    opts = dict(outer.targetoptions)
    opts.pop("nopython", None)
    made = {}
    for name, node in nodes.items():
        fdef = _as_def(node, "<lambda>" if isinstance(node, ast.Lambda) else name)
        a = fdef.args
        if a.kwarg is not None:
            raise ClosureError("**kwargs", a.kwarg, "pass the values positionally (as Numba)")
        if a.kwonlyargs:
            raise ClosureError("keyword-only arguments", a.kwonlyargs[0], "make them positional")
        defaults = tuple(_literal_default(d) for d in a.defaults)
        new_args = ast.arguments(posonlyargs=[ast.arg(arg=c) for c in caps[name]] + list(a.posonlyargs),
                                 args=list(a.args), vararg=a.vararg, kwonlyargs=[], kw_defaults=[],
                                 kwarg=None, defaults=list(a.defaults))
        new_def = ast.FunctionDef(name=fdef.name, args=new_args, body=fdef.body, decorator_list=[],
                                  returns=None, type_comment=None, type_params=[])
        ast.copy_location(new_def, fdef)
        new_def.end_lineno, new_def.end_col_offset = fdef.end_lineno, fdef.end_col_offset
        # a stand-in Python function: the dispatcher reads its name and
        # defaults; its body comes from the source tuple below
        posonly = [x.arg for x in new_args.posonlyargs]
        sig = ", ".join(posonly) + (", /" if posonly else "")
        rest = [x.arg for x in new_args.args] + (["*" + a.vararg.arg] if a.vararg else [])
        if rest:
            sig += (", " if sig else "") + ", ".join(rest)
        ns = {}
        exec(f"def stand_in({sig}):\n    pass\n", ns)
        fn = types.FunctionType(ns["stand_in"].__code__, globals_, fdef.name, defaults or None)
        fn.__qualname__ = f"{outer.__qualname__}.<locals>.{fdef.name}"
        fn.__module__ = getattr(outer, "__module__", None)
        made[name] = InnerFunction(_core.Dispatcher(fn, {**opts, "parallel": False, "cache": False}),
                                   caps[name], fdef.name)
        fn._jitprofile_source_tuple = (new_def, filename, first, lines, indent, globals_, None)
    visible = dict(closure)
    visible.update(known)
    visible.update(made)
    for inner in made.values():
        src = inner.dispatcher.py_func._jitprofile_source_tuple
        inner.dispatcher.py_func._jitprofile_source_tuple = src[:6] + (visible,)
    return made


class ClosureError(ValueError):
    """An inner function jit code cannot compile: (message, AST node, hint)."""


_BLOCKS = ("body", "orelse")


def _collect(stmts, nodes, stores):
    """The inner functions a function body defines (at any block depth, not
    inside them) and the other names it stores to."""
    for s in stmts:
        if isinstance(s, ast.FunctionDef):
            if s.name in nodes:
                raise ClosureError(f"defining the inner function '{s.name}' twice", s,
                                   "give each inner function its own name")
            nodes[s.name] = s
            continue
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) \
                and isinstance(s.value, ast.Lambda):
            name = s.targets[0].id
            if name in nodes:
                raise ClosureError(f"defining the inner function '{name}' twice", s,
                                   "give each lambda its own name")
            nodes[name] = s.value
            continue
        targets = s.targets if isinstance(s, ast.Assign) else \
            [s.target] if isinstance(s, (ast.AugAssign, ast.AnnAssign, ast.For)) else []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    stores.append((n.id, n))
        if isinstance(s, (ast.If, ast.While, ast.For)):
            for b in _BLOCKS:
                _collect(getattr(s, b), nodes, stores)


class Scope:
    """The inner functions of one jit function (made once, when its
    frontend runs) and what an inline lambda needs to be made later."""

    def __init__(self, outer, source, known):
        self.outer = outer
        self.source = source
        fdef = source[0]
        self.locals = _scope(fdef)[0]
        self.known = dict(known)
        nodes, stores = {}, []
        _collect(fdef.body, nodes, stores)
        for name, node in stores:
            if name in nodes:
                raise ClosureError(f"assigning to '{name}', the name of an inner function,", node,
                                   "give the value another name: an inner function's name is bound once")
        for a in fdef.args.posonlyargs + fdef.args.args:
            if a.arg in nodes:
                raise ClosureError(f"an inner function named like the parameter '{a.arg}'", nodes[a.arg],
                                   "give the inner function another name")
        self.locals -= set(nodes)
        self.inner = self._make(nodes)
        self.nlambda = 0

    def _make(self, nodes):
        if not nodes:
            return {}
        caps = plan(nodes, self.locals, self.known)
        made = make(self.outer, nodes, caps, self.source, self.known)
        self.known.update(made)
        return made

    def lambda_(self, node):
        """The InnerFunction of a lambda written inline (key=lambda x: ...)."""
        self.nlambda += 1
        key = f"<lambda{self.nlambda}>"
        return self._make({key: node})[key]


def _has_inner(code):
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and (
                not const.co_name.startswith("<") or const.co_name == "<lambda>" or _has_inner(const)):
            return True
    return False


def scope(outer, pyfunc, source):
    """The Scope of a jit function's body, or None when it defines no inner
    function (the common case: decided from its code object, no AST walk)."""
    closure = source[6] or {}
    if getattr(pyfunc, "_jitprofile_source_tuple", None) is None and not _has_inner(pyfunc.__code__):
        return None
    known = {k: v for k, v in closure.items() if isinstance(v, InnerFunction)}
    try:
        return Scope(outer, source, known)
    except ClosureError:
        raise
    except ValueError as exc:
        raise ClosureError(str(exc), source[0], None) from None
