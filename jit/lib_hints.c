/* jit/lib_hints.c - what to write instead, for the Python builtins jit
 * code does not have: the frontend turns a use of one into an
 * UnsupportedError carrying this hint (file:line:col, the line, a caret). */
#include "jit/resolve.h"

#include <string.h>

static const struct { const char *name, *hint; } hints[] = {
    {"map", "use a list comprehension: [f(x) for x in xs]"},
    {"filter", "use a list comprehension: [x for x in xs if cond(x)]"},
    {"frozenset", "use a set (jit code has no frozen sets)"},
    {"tuple", "write the tuple out, (a, b, c), or index a list"},
    {"iter", "loop with `for x in ...` (ranges, lists, tuples, arrays, zip, enumerate)"},
    {"next", "loop with `for x in ...` (ranges, lists, tuples, arrays, zip, enumerate)"},
    {"type", "use isinstance(x, int) (decided at compile time)"},
    {"getattr", "write the attribute: obj.name"},
    {"setattr", "write the assignment: obj.name = value"},
    {"hasattr", "attributes are known at compile time in jit code"},
    {"callable", "functions are known at compile time in jit code"},
    {"id", "objects have no identity in jit code"},
    {"open", "do the I/O in Python, outside the jitted function"},
    {"input", "do the I/O in Python, outside the jitted function"},
    {"slice", "write the slice in the subscript: a[lo:hi:step]"},
    {"object", "use a @jitclass"},
    {"bytes", "use an array of uint8"},
    {"bytearray", "use an array of uint8"},
    {"memoryview", "use an array"},
    {"vars", "locals and globals are not reachable from jit code"},
    {"globals", "locals and globals are not reachable from jit code"},
    {"locals", "locals and globals are not reachable from jit code"},
    {"super", "jitclass methods call each other as self.method()"},
    {"issubclass", "use isinstance(x, ...) on values"},
    {"exec", "jit code cannot run Python source"},
    {"eval", "jit code cannot run Python source"},
    {"compile", "jit code cannot run Python source"},
    {"sorted", NULL},
};

const char *
jp_builtin_hint(const char *name)
{
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (hints[i].hint && strcmp(hints[i].name, name) == 0)
            return hints[i].hint;
    return NULL;
}
