"""Find a function's source and parse it for the C frontend (jit/frontend.c).

Returns (FunctionDef node, filename, first line, source lines, indent,
globals, closure) - the tuple jp_frontend_build() reads.
"""
import ast
import inspect
import linecache
import types

from . import _core


def _fail(func, why):
    name = getattr(func, "__qualname__", repr(func))
    return _core.CompileError(
        f"cannot compile {name}(): its source code is not available ({why}). "
        "jit reads the function's source: define it in a file or a notebook cell "
        "(the plain interactive prompt keeps no source).")


def _as_function(tree, func):
    """The FunctionDef for func in a parsed snippet (a lambda becomes one)."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    lambdas = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    if len(lambdas) == 1:
        lam = lambdas[0]
        ret = ast.Return(value=lam.body)
        ast.copy_location(ret, lam.body)
        fdef = ast.FunctionDef(name="<lambda>", args=lam.args, body=[ret],
                               decorator_list=[], returns=None, type_comment=None,
                               type_params=[])
        ast.copy_location(fdef, lam)
        fdef.end_lineno, fdef.end_col_offset = lam.end_lineno, lam.end_col_offset
        return fdef
    raise _fail(func, "more than one lambda on its line" if lambdas else "no def found")


def _last_line(code):
    """The last source line an instruction of code (or of a code nested in
    it) comes from."""
    last = 0
    for _, end, _, _ in code.co_positions():
        if end is not None and end > last:
            last = end
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            last = max(last, _last_line(const))
    return last


def _dedent(lines):
    head = lines[0]
    indent = len(head) - len(head.lstrip())
    prefix = head[:indent]
    body = [ln[indent:] if ln.startswith(prefix) else ln.lstrip() if not ln.strip() else ln
            for ln in lines]
    return "".join(body), indent


def _quick_lines(func):
    """(lines, first) of a def from linecache and the code's own line
    positions, or None.  inspect.getsourcelines tokenizes from the def on
    (3-4 ms the first time in a process, for compiling tokenize's regular
    expressions): too slow for a cache hit.  Used only when the block parses
    to a def of the same name; anything else goes to inspect.  Lines after
    the last instruction (a trailing `pass`) may be left out: they change
    nothing."""
    code = getattr(func, "__code__", None)
    if code is None or code.co_name == "<lambda>":
        return None
    filename = code.co_filename
    linecache.checkcache(filename)
    lines = linecache.getlines(filename, func.__globals__)
    first, last = code.co_firstlineno, _last_line(code)
    if not lines or first < 1 or last < first or last > len(lines):
        return None
    if not lines[first - 1].lstrip().startswith(("def ", "async def ", "@")):
        return None
    block = lines[first - 1:last]
    try:
        tree = ast.parse(_dedent(block)[0])
    except (SyntaxError, ValueError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) \
            or tree.body[0].name != code.co_name:
        return None
    return block, first


def source_lines(func):
    """(lines, first line) of func's source, as inspect.getsourcelines."""
    return _quick_lines(func) or inspect.getsourcelines(func)


def function_source(func):
    made = getattr(func, "_jitprofile_source_tuple", None)
    if made is not None:        # an inner function of jit code (_closure.py)
        return made
    try:
        lines, first = source_lines(func)
        filename = inspect.getsourcefile(func) or func.__code__.co_filename
    except (OSError, TypeError) as exc:
        raise _fail(func, exc) from None
    first = max(first, 1)
    text, indent = _dedent(lines)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        # a lambda inside a larger expression: parse the line as an expression statement
        try:
            tree = ast.parse("(" + text.strip() + ")")
        except SyntaxError as exc:
            raise _fail(func, f"cannot parse it: {exc}") from None
    fdef = _as_function(tree, func)
    closure = {}
    if func.__closure__:
        for name, cell in zip(func.__code__.co_freevars, func.__closure__):
            try:
                closure[name] = cell.cell_contents
            except ValueError:
                pass
    return (fdef, filename, first, list(lines), indent, func.__globals__, closure)
