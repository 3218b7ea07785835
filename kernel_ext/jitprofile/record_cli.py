"""python -m jitprofile record [-r HZ] [--wall] [--no-native] [--memory [--memory-interval BYTES]]
[-o FILE] [--format text|collapsed|speedscope|json] [--lines [FUNC]] [--all] [--serve ENDPOINT [--serve-public]]
(script.py | -m module) [args...]

Runs the target under jitprofile.Profile and writes the profile.  With
--serve, the profile is also streamed live (jitprofile.stream, a ZeroMQ PUB
endpoint, loopback unless --serve-public) while the target runs.  A target
that raises still yields its profile, then its traceback, and its exit code
becomes ours.  Bad input (missing script, unknown format, rate out of range,
an -o path that cannot be written or that is the script itself) is one line
on stderr and exit code 2, before the target runs.

The output file is written whole or not at all (a temporary file in the
same directory, fsync, rename): a full disk leaves the previous file as it
was.  The target's exit code is always ours; when it exited 0 but the
profile could not be written, the exit code is 3 (WRITE_FAILED).  Only the
process that ran `record` writes the output: forked children that do not
exec leave a part file that it merges.  A target that execs has the profile
collected so far written just before the exec.
"""
from __future__ import annotations

import argparse
import json
import os
import importlib.util
import sys
import traceback
import types

FORMATS = ("text", "collapsed", "speedscope", "json")
WRITE_FAILED = 3        # the target exited 0, but its profile could not be written


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):           # one line, exit code 2
        raise _UsageError(message)


def _rate(text: str) -> int:
    try:
        hz = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"rate must be an integer, not {text!r}")
    if not 1 <= hz <= 10000:
        raise argparse.ArgumentTypeError(f"rate must be 1..10000 Hz, not {hz}")
    return hz


def _memory_interval(text: str) -> int:
    units = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    t = text.strip().lower().removesuffix("ib").removesuffix("b")
    mult = units.get(t[-1:], 1)
    try:
        v = int(float(t[:-1] if mult > 1 else t) * mult)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a byte count: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"the memory sampling interval must be >= 1 byte, "
                                         f"not {text!r}")
    return v


def _parser() -> _Parser:
    p = _Parser(prog="python -m jitprofile record", add_help=True,
                description="Profile a Python script or module (Python, native and JIT frames).")
    p.add_argument("-r", "--rate", type=_rate, default=1000, metavar="HZ",
                   help="samples per second per thread, 1..10000 (default 1000)")
    p.add_argument("--wall", action="store_true", help="sample wall time (blocked threads show)")
    p.add_argument("--no-native", action="store_true", help="Python frames only")
    p.add_argument("--no-children", action="store_true", help="do not follow forked children")
    p.add_argument("--memory", action="store_true",
                   help="sample what compiled code and NumPy arrays allocate (bytes, peak "
                   "live, count per line)")
    p.add_argument("--memory-interval", type=_memory_interval, default=256 * 1024,
                   metavar="BYTES", help="one allocation sample per BYTES allocated on "
                   "average (default 256k; e.g. 64k, 1M)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the profile here (default stdout)")
    p.add_argument("--format", default=None, metavar="FMT",
                   help="text, collapsed, speedscope or json (default text, or from -o's suffix)")
    p.add_argument("--serve", metavar="ENDPOINT",
                   help="stream the profile live on tcp://127.0.0.1:PORT or ipc://PATH")
    p.add_argument("--serve-public", action="store_true",
                   help="allow --serve on a non-loopback address (read-only stream)")
    p.add_argument("--lines", nargs="?", const="", default=None, metavar="FUNC",
                   help="text format: annotated source of the top functions (or of FUNC), "
                        "time per line, hottest lines marked")
    p.add_argument("--all", dest="all_frames", action="store_true",
                   help="text format: every function, native ones included (default: your "
                        "code, with library and native time folded into it)")
    p.add_argument("-m", dest="module", metavar="MODULE", help="run a library module as a script")
    p.add_argument("target", nargs=argparse.REMAINDER, help="script.py [args...]")
    return p


# record's options that take a value (the next word, or after "=")
_VALUE_OPTS = {"-r", "--rate", "-o", "--output", "--format", "--serve", "--memory-interval"}
# ... and those whose value is optional: --lines [FUNC] takes the next word
# unless it is the script (an existing file, or a name ending in .py)
_OPTIONAL_VALUE_OPTS = {"--lines"}


def _split_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """(record's own words, the target's words), as python -m cProfile
    splits them: everything after the script, after -m MODULE or after
    "--" belongs to the target (record -m compileall -q -j 2 DIR)."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            return argv[:i], argv[i + 1:]
        if a == "-m":
            return argv[:i + 2], argv[i + 2:]
        if a.startswith("-m") and not a.startswith("--"):
            return argv[:i + 1], argv[i + 1:]       # -mMODULE
        if not a.startswith("-") or a == "-":
            return argv[:i], argv[i:]
        if a in _VALUE_OPTS:
            i += 2
            continue
        if a in _OPTIONAL_VALUE_OPTS and i + 1 < len(argv):
            nxt = argv[i + 1]
            if not nxt.startswith("-") and not nxt.endswith(".py") and not os.path.isfile(nxt):
                i += 2
                continue
        i += 1
    return argv, []


def _format_for(args) -> str:
    fmt = args.format
    if fmt is None and args.output:
        ext = os.path.splitext(args.output)[1].lower()
        fmt = {".collapsed": "collapsed", ".folded": "collapsed",
               ".speedscope": "speedscope", ".json": "json"}.get(ext, "text")
    fmt = fmt or "text"
    if fmt not in FORMATS:
        raise _UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return fmt


def _render(prof, fmt: str, lines: str | None = None, all_frames: bool = False) -> str:
    if fmt == "text" and lines is not None:
        return prof.text(all=all_frames) + "\n" + prof.annotate(lines or None)
    if fmt == "text":
        return prof.text(all=all_frames)
    if fmt == "collapsed":
        return prof.to_collapsed()
    if fmt == "speedscope":
        return json.dumps(prof.to_speedscope())
    return json.dumps(prof.to_dict())


def _load_target(args):
    """(code, globals) of the script or module, to run as __main__."""
    main = types.ModuleType("__main__")
    if args.module is None:
        path = args.target[0]
        with open(path, "rb") as f:
            code = compile(f.read(), path, "exec")
        main.__file__ = path
    else:
        spec = importlib.util.find_spec(args.module)
        if spec is not None and spec.submodule_search_locations is not None:
            spec = importlib.util.find_spec(args.module + ".__main__")
        if spec is None or spec.loader is None or not hasattr(spec.loader, "get_code"):
            raise _UsageError(f"no module named {args.module!r}")
        code = spec.loader.get_code(spec.name)
        if code is None:
            raise _UsageError(f"module {args.module!r} has no code to run")
        main.__file__ = spec.origin
        main.__spec__ = spec
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    return code, main.__dict__


def _run_target(code, globals_) -> None:
    """The launcher frame: it and its callers are hidden from the profile."""
    exec(code, globals_)


def _check_output(path: str, protected: list[str]) -> None:
    """Refuse, before the run, an -o path that cannot be written or that is
    one of the files the run reads (the script)."""
    full = os.path.abspath(path)
    if os.path.isdir(full):
        raise _UsageError(f"output {path!r} is a directory")
    parent = os.path.dirname(full)
    if not os.path.isdir(parent):
        raise _UsageError(f"output directory {os.path.dirname(path) or '.'!r} does not exist")
    real = os.path.realpath(full)
    for p in protected:
        if p and os.path.exists(p) and (os.path.realpath(p) == real or
                                        (os.path.exists(real) and os.path.samefile(p, real))):
            raise _UsageError(f"output {path!r} is the script {p!r}: refusing to overwrite it")
    if os.path.exists(full) and not os.path.isfile(full):
        if not os.access(full, os.W_OK):        # a device or FIFO, written in place
            raise _UsageError(f"output {path!r} is not writable")
    elif not os.access(parent, os.W_OK | os.X_OK):
        raise _UsageError(f"output directory {os.path.dirname(path) or '.'!r} is not writable")


def _write_output(path: str, text: str) -> None:
    """All of text at path, or nothing changed there (OSError): a temporary
    file beside it, fsync'ed, renamed over it.  A device or FIFO (say
    /dev/stdout) is written in place."""
    full = os.path.abspath(path)
    if os.path.exists(full) and not os.path.isfile(full):
        with open(full, "w") as f:
            f.write(text)
        return
    import tempfile
    parent = os.path.dirname(full)
    try:
        mode = os.stat(full).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=parent, prefix="." + os.path.basename(full) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, full)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:                                    # the rename itself, durable
        dfd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def _user_traceback() -> str:
    """The current exception's traceback without the launcher's frames."""
    etype, value, tb = sys.exc_info()
    skip = {os.path.abspath(__file__)}
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) in skip:
        tb = tb.tb_next
    return "".join(traceback.format_exception(etype, value, tb))


def main(argv: list[str]) -> int:
    try:
        own, rest = _split_argv(list(argv))
        args = _parser().parse_args(own)
        args.target = list(args.target) + rest
        fmt = _format_for(args)
        if args.lines and not args.target and args.module is None and os.path.isfile(args.lines):
            args.target, args.lines = [args.lines], ""     # `--lines script.py`: no FUNC
        if args.module is None:
            if not args.target:
                raise _UsageError("no script given (record script.py [args] or record -m module)")
            script = args.target[0]
            if not os.path.isfile(script):
                raise _UsageError(f"cannot find script {script!r}")
        elif args.target and args.target[0] == "--":
            args.target = args.target[1:]
        if args.serve_public and not args.serve:
            raise _UsageError("--serve-public needs --serve ENDPOINT")
        if args.output:
            protected = [args.target[0]] if args.module is None else []
            if args.module is not None:
                spec = importlib.util.find_spec(args.module) if args.module else None
                if spec is not None and spec.origin:
                    protected.append(spec.origin)
            _check_output(args.output, protected)
            out_path = os.path.abspath(args.output)     # the target may chdir
    except (_UsageError, ImportError, ValueError) as e:
        print(f"jitprofile record: error: {e}", file=sys.stderr)
        return 2

    from .profile import Profile

    if args.module is not None:
        sys.argv = [args.module] + args.target
        sys.path.insert(0, os.getcwd())
    else:
        sys.argv = list(args.target)
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.target[0])))
    try:
        target, globals_ = _load_target(args)
    except (_UsageError, ImportError, SyntaxError, OSError, ValueError) as e:
        print(f"jitprofile record: error: {e}", file=sys.stderr)
        return 2
    publisher = None
    if args.serve:
        from .stream import Publisher
        try:
            publisher = Publisher(args.serve, allow_remote=args.serve_public)
        except (OSError, ValueError) as e:     # PermissionError: not loopback
            print(f"jitprofile record: error: {e}", file=sys.stderr)
            return 2
        print(f"jitprofile: streaming on {publisher.endpoint}", file=sys.stderr)
    server_pid = os.getpid()            # only this process closes the stream and writes
    prof = Profile(hz=args.rate, wall=args.wall, native=not args.no_native,
                   follow_children=not args.no_children, root=_run_target.__code__,
                   memory=args.memory_interval if args.memory else 0)
    rc = 0
    failure = None
    try:        # the target may close or replace sys.stdout
        out_stream = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    except (OSError, ValueError, AttributeError):
        out_stream = sys.__stdout__
    def emit(note: str = "") -> bool:
        """Write the profile (once more after a failed exec); False when it
        could not be written (said on stderr)."""
        for w in prof.warnings():
            print(f"jitprofile: warning: {w}", file=sys.stderr)
        try:
            out = _render(prof, fmt, args.lines, args.all_frames)
            if args.output:
                _write_output(out_path, out)
                print(f"jitprofile: profile written to {args.output} ({fmt}){note}",
                      file=sys.stderr)
            else:
                if sys.stdout is not None and not sys.stdout.closed:
                    sys.stdout.flush()
                out_stream.write(out)
                out_stream.flush()
        except (OSError, ValueError) as e:
            print(f"jitprofile record: error: the profile could not be written: {e}",
                  file=sys.stderr)
            return False
        return True

    def on_exec(_prof) -> None:         # the target replaces itself: save what we have
        if publisher is not None and not publisher.closed:
            publisher.push()
            publisher.close()
        emit(" (up to the target's exec)")

    prof.on_exec.append(on_exec)
    if publisher is not None:
        publisher.attach(prof)
    prof.start()
    try:
        _run_target(target, globals_)
    except SystemExit as e:
        if e.code is None:
            rc = 0
        elif isinstance(e.code, int):
            rc = e.code
        else:
            print(e.code, file=sys.stderr)
            rc = 1
    except BaseException:               # KeyboardInterrupt included
        failure = _user_traceback()
        rc = 1
    finally:
        if os.getpid() == server_pid:
            prof.stop()
            if publisher is not None and not publisher.closed:
                publisher.push()           # children merged, threads named: send, END
                publisher.close()
    if os.getpid() != server_pid:
        # a forked child that did not exec: its samples go to its part file,
        # which the parent merges; only the parent writes the output
        from . import profile as _profile
        child = _profile._active
        if child is not None and child._is_child:
            child._dump_child()
        if failure is not None:
            sys.stderr.write(failure)
        return rc
    ok = emit()
    if failure is not None:
        sys.stderr.write(failure)
    if not ok and rc == 0:
        rc = WRITE_FAILED
    return rc
