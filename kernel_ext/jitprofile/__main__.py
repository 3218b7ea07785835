"""python -m jitprofile SUBCOMMAND ...

Subcommands register themselves in SUBCOMMANDS: name -> (help, main(argv)).
"""
from __future__ import annotations

import sys

from .record_cli import main as _record_main


def _advise_main(argv: list[str]) -> int:
    from .advise_cli import main
    return main(argv)


SUBCOMMANDS = {
    "record": ("run a script or module under the sampling profiler", _record_main),
    "advise": ("profile a script and recommend @jit/@vectorize, with measured speedups",
               _advise_main),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m jitprofile SUBCOMMAND [options]\n\nsubcommands:")
        for name, (help_, _fn) in SUBCOMMANDS.items():
            print(f"  {name:<10} {help_}")
        return 0 if argv else 2
    entry = SUBCOMMANDS.get(argv[0])
    if entry is None:
        print(f"jitprofile: error: unknown subcommand {argv[0]!r} "
              f"(choose from {', '.join(SUBCOMMANDS)})", file=sys.stderr)
        return 2
    return entry[1](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
