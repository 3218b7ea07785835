"""Following multiprocessing's spawn and forkserver children (issue 16).

Forked children are followed by the at-fork hook in profile.py.  Spawned
children (and the forkserver's server, whose children are forks of it) are
new interpreters: multiprocessing starts them with
``python -c "from multiprocessing.spawn import spawn_main; ..."`` (or
``...forkserver import main; ...``) through ``multiprocessing.util.spawnv_passfds``.
While a session that follows children runs, that call is wrapped: the
program gets a prologue that starts a child session writing its part file
into the parent's directory, which the parent merges as it does for forks.
The prologue never stops the child from running: if jitprofile cannot be
imported there, the child runs unprofiled.
"""
from __future__ import annotations

import sys

_PROGRAMS = ("from multiprocessing.spawn import", "from multiprocessing.forkserver import")
_installed = False


def _prologue(cfg: dict) -> str:
    return ("try:\n"
            "    import jitprofile._mp_child as _jp_mp\n"
            f"    _jp_mp.begin({cfg!r})\n"
            "    del _jp_mp\n"
            "except Exception:\n"
            "    pass\n")


def _wrap(real):
    def spawnv_passfds(path, args, passfds):
        from . import profile as _profile
        prof = _profile._active
        if prof is not None and prof.follow_children and prof._child_dir is not None:
            args = list(args)
            for i in range(len(args) - 1):
                if args[i] == "-c" and isinstance(args[i + 1], str) \
                        and args[i + 1].startswith(_PROGRAMS):
                    cfg = {"dir": prof._child_dir, "hz": prof.hz, "wall": prof.wall,
                           "native": prof.native}
                    args[i + 1] = _prologue(cfg) + args[i + 1]
                    break
        return real(path, args, passfds)
    spawnv_passfds.__wrapped__ = real
    spawnv_passfds.__doc__ = real.__doc__
    return spawnv_passfds


def install() -> None:
    """Wrap multiprocessing.util.spawnv_passfds (once; it passes through
    unchanged while no following session runs)."""
    global _installed
    if _installed:
        return
    import multiprocessing.util as mp_util
    mp_util.spawnv_passfds = _wrap(mp_util.spawnv_passfds)
    _installed = True


def begin(cfg: dict) -> None:
    """In a spawned child or a forkserver: profile this process into the
    parent's directory (its own forks follow through the at-fork hook)."""
    import atexit
    import signal
    from . import profile as _profile

    if _profile._active is not None:
        return
    child = _profile.Profile(hz=int(cfg["hz"]), wall=bool(cfg["wall"]),
                             native=bool(cfg["native"]), follow_children=True)
    child._child_dir = cfg["dir"]
    child._is_child = True
    child.start()
    atexit.register(child._dump_child)
    if "multiprocessing.forkserver" not in sys.modules:
        # a spawned worker ended by Pool.terminate() (SIGTERM): save first
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _profile._dump_and_die)
