"""Code-object churn under the sampler (issue 16): compile(), exec and
eval create and free code objects by the thousand.  The deallocation hook
must stay O(1) - no drain for a code object no pending sample names - and a
freed code object must never be read: every sampled Python frame keeps its
own name and file even though pymalloc hands the same addresses to new code
objects at once."""
import re
import threading

import jitprofile
from jitprofile import _core


def churn(rounds, n, tag):
    calls = 0
    for r in range(rounds):
        ns = {}
        for i in range(n):
            src = (f"def {tag}_{i}(x):\n"
                   f"    s = 0\n"
                   f"    for k in range(x):\n"
                   f"        s += k * {i}\n"
                   f"    return s\n")
            exec(compile(src, f"<{tag} {r} {i}>", "exec"), ns)
            if i % 3 == 0:          # some are run (and sampled), then freed
                ns[f"{tag}_{i}"](300)
                calls += 1
        ns.clear()
    return calls


def check_names(prof, tag):
    """Every generated function's frame names its own file: a frame read
    from a freed (and reused) code object would not."""
    seen = 0
    for name, file, _module, _line, _cat in prof.data.functions():
        m = re.fullmatch(rf"{tag}_(\d+)", name)
        fm = re.fullmatch(rf"<{tag} (\d+) (\d+)>", file)
        if m is None and fm is None:
            continue
        if name == "<module>" and fm is not None:      # exec of the def itself
            continue
        assert m is not None and fm is not None, (name, file)
        assert m.group(1) == fm.group(2), (name, file)
        seen += 1
    return seen


def test_churning_code_objects_while_sampling_keeps_names_and_needs_few_drains():
    with jitprofile.Profile(hz=2000, args=None) as prof:
        churn(4, 1500, "gen")
    st = _core.sampler_stats()
    assert check_names(prof, "gen") > 0
    # 6000 code objects (and their module code) died; the hook drained only
    # for the few a pending sample could name (at most one per sample)
    assert st["hook_drains"] <= st["samples"]
    assert st["hook_drains"] < 1000, st
    names = {f[0] for f in prof.data.functions()}
    assert "<freed code>" not in names or st["unresolved_code"] < st["samples"]


def test_churn_on_several_threads_at_once():
    errors = []

    def run(tag):
        try:
            churn(2, 800, tag)
        except Exception as e:          # noqa: BLE001
            errors.append(e)

    with jitprofile.Profile(hz=2000, wall=True, args=None) as prof:
        ts = [threading.Thread(target=run, args=(f"t{k}",)) for k in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    assert not errors
    assert sum(check_names(prof, f"t{k}") for k in range(3)) > 0
