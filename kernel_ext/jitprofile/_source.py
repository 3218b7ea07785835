"""Find a function's source and parse it for the C frontend (jit/frontend.c).

Returns (FunctionDef node, filename, first line, source lines, indent,
globals, closure) - the tuple jp_frontend_build() reads.
"""
import ast
import inspect

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


def function_source(func):
    try:
        lines, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or func.__code__.co_filename
    except (OSError, TypeError) as exc:
        raise _fail(func, exc) from None
    first = max(first, 1)
    head = lines[0]
    indent = len(head) - len(head.lstrip())
    prefix = head[:indent]
    body = [ln[indent:] if ln.startswith(prefix) else ln.lstrip() if not ln.strip() else ln
            for ln in lines]
    text = "".join(body)
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
