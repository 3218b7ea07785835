"""Runs one corpus program and pickles what its main() returned.

    python _run.py NAME OUT.pickle [reference]

With "reference" the reference() of _ref_NAME.py runs when that file exists (plain
NumPy, for code whose plain-Python meaning is not the compiled one, e.g. a @stencil);
otherwise its main() runs as plain Python (NUMBA_DISABLE_JIT=1, Numba's own
switch, which jitprofile honours).  On an
exception the pickle holds {"__error__": (class name, message)} instead."""
import importlib
import os
import pickle
import sys
import traceback
from collections.abc import Mapping


def plain(value):
    """Containers the JIT returns (typed dicts, lists) as plain Python ones."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "List":
        items = [plain(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def main():
    name, out = sys.argv[1], sys.argv[2]
    reference = len(sys.argv) > 3 and sys.argv[3] == "reference"
    here = os.path.dirname(os.path.abspath(__file__))
    has_ref = os.path.exists(os.path.join(here, "_ref_" + name + ".py"))
    if reference and not has_ref:
        os.environ["NUMBA_DISABLE_JIT"] = "1"
    try:
        if reference and has_ref:
            result = plain(importlib.import_module("_ref_" + name).reference())
        else:
            result = plain(importlib.import_module(name).main())
    except Exception as exc:   # the test judges the error: clear class and message
        traceback.print_exc()
        result = {"__error__": (type(exc).__name__, str(exc))}
    with open(out, "wb") as f:
        pickle.dump(result, f)


if __name__ == "__main__":
    main()
