"""Profile results: folded stacks, speedscope, dict round trip, merge."""
import json

import jitprofile
from jitprofile import _core


def work():
    return sum(i * i for i in range(300_000))


def test_collapsed_speedscope_dict_roundtrip(tmp_path):
    with jitprofile.Profile() as prof:
        for _ in range(5):
            work()
    folded = prof.to_collapsed(str(tmp_path / "p.folded"))
    assert (tmp_path / "p.folded").read_text() == folded
    lines = folded.splitlines()
    assert lines and all(line.rsplit(" ", 1)[1].isdigit() for line in lines)
    assert any(";work;" in line or line.split(" ")[0].endswith(";work") for line in lines)
    assert len(set(line.rsplit(" ", 1)[0] for line in lines)) == len(lines)

    doc = prof.to_speedscope(str(tmp_path / "p.speedscope.json"))
    loaded = json.loads((tmp_path / "p.speedscope.json").read_text())
    assert loaded == json.loads(json.dumps(doc))
    frames = loaded["shared"]["frames"]
    assert any(f["name"] == "work" for f in frames)
    p0 = loaded["profiles"][0]
    assert p0["type"] == "sampled" and len(p0["samples"]) == len(p0["weights"])
    assert all(0 <= i < len(frames) for s in p0["samples"] for i in s)

    d = prof.to_dict()
    again = jitprofile.Profile.from_dict(json.loads(json.dumps(d)))
    assert again.to_collapsed() == folded
    assert [r[:6] for r in again.top(10)] == [r[:6] for r in prof.top(10)]


def test_merge_tags_by_pid():
    a = _core.ProfileData()
    f = a.intern_func("child_work", "c.py", "c", 1, "python")
    node = a.intern_node(0, a.intern_frame(f, 2))
    a.add_sample(a.add_thread(4242, 4242, "MainThread"), node, 1, 5)
    with jitprofile.Profile() as prof:
        work()
    prof.data.merge(a)
    procs = {p["pid"]: p for p in prof.by_process()}
    assert procs[4242]["samples"] == 5
    assert [r for r in prof.top(50, pid=4242)][0].name == "child_work"


def test_bad_tables_are_rejected():
    d = _core.ProfileData()
    import pytest
    with pytest.raises(ValueError):
        d.intern_func("f", "x", "m", 1, "fortran")
    with pytest.raises(ValueError):
        d.intern_frame(99, 1)
    with pytest.raises(ValueError):
        d.add_sample(0, 0, 1)
    with pytest.raises(ValueError):
        d.merge(d)
    with pytest.raises(ValueError):
        jitprofile.Profile.from_dict({"version": 99})
