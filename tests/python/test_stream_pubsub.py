"""jitprofile.stream (issue 6): publisher -> subscriber over real ZeroMQ on
loopback: the rebuilt profile equals the local one, late joiners catch up
from snapshots, malformed messages are rejected and counted, non-loopback
binds need an explicit flag, a slow subscriber never blocks the publisher
(drops are counted), recommendations travel."""
import json
import os
import random
import struct
import threading
import time

import pytest

from jitprofile import _core
from jitprofile.profile import Profile
from jitprofile.stream import Publisher, Subscriber

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def collapsed(d):
    """Sorted folded stacks of a Profile.to_dict()-shaped dict."""
    return sorted(Profile.from_dict(d).data.collapsed().splitlines())


def data_dict(data):
    return {"version": 1, "hz": 1000, "wall": False, "native": True,
            "interval": data.interval,
            "functions": [list(f) for f in data.functions()],
            "frames": [list(f) for f in data.frames()],
            "nodes": [list(n) for n in data.nodes()],
            "threads": [list(t) for t in data.threads()],
            "samples": [list(s) for s in data.samples()]}


def synthetic(data, n_stacks=50, n_threads=3, n_samples=5000, t0=None, seed=1):
    """Fill a ProfileData with n_stacks random stacks and samples spread
    over a second (timestamps from t0, default now)."""
    rng = random.Random(seed)
    funcs = [data.intern_func(f"f{i}", f"/src/m{i % 5}.py", f"m{i % 5}", i, "python")
             for i in range(20)]
    nodes = []
    for _ in range(n_stacks):
        node = 0
        for _ in range(rng.randint(1, 8)):
            node = data.intern_node(node, data.intern_frame(rng.choice(funcs), rng.randint(1, 9)))
        nodes.append(node)
    threads = [data.add_thread(100, 100 + i, f"t{i}") for i in range(n_threads)]
    t0 = time.monotonic_ns() if t0 is None else t0
    for i in range(n_samples):
        data.add_sample(rng.choice(threads), rng.choice(nodes), t0 + i * 1_000_000_000 // n_samples,
                        rng.randint(1, 3))
    return sum(s[3] for s in data.samples())


def wait_for(pred, sub, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, sub.stats()
        sub.poll(0.05)


def test_rebuilt_profile_equals_local_profile_with_real_sampler():
    pub = Publisher("tcp://127.0.0.1:*")
    sub = Subscriber(pub.endpoint)
    stop = threading.Event()

    def spin():
        x = 0
        while not stop.is_set():
            x += sum(i * i for i in range(2000))

    prof = Profile(hz=2000, follow_children=False)
    pub.attach(prof)
    with prof:
        t = threading.Thread(target=spin, name="spinner")
        t.start()
        end = time.monotonic() + 0.6
        while time.monotonic() < end:
            sum(i * i for i in range(5000))
            sub.poll(0)                  # a live subscriber in the same process
        stop.set()
        t.join()
    pub.push()
    pub.close()
    assert sub.wait(20), sub.stats()
    local, remote = prof.to_dict(), sub.profile()
    st = sub.stats()
    assert st["rejected"] == 0 and st["synced"] == 1 and st["finished"] == 1
    assert st["total_weight"] == st["end_total"] == sum(s[3] for s in local["samples"]) > 0
    assert collapsed(remote) == collapsed(local)
    assert sorted(remote["threads"]) == sorted(local["threads"])
    assert {"spinner", "MainThread"} <= {t[2] for t in remote["threads"]}
    assert remote["functions"] == local["functions"] and remote["nodes"] == local["nodes"]
    rp, lp = Profile.from_dict(remote), prof
    assert [(r.name, r.self_samples, r.total_samples) for r in rp.top(10)] == \
        [(r.name, r.self_samples, r.total_samples) for r in lp.top(10)]
    # per 100 ms interval: the sample timestamps fall in their interval
    ts = {s[2] for s in remote["samples"]}
    assert all(t % 100_000_000 == 0 for t in ts) and len(ts) >= 2
    info = sub.process()
    assert info["pid"] == os.getpid() and info["info"]["hz"] == "2000"
    assert remote["hz"] == 2000 and st["publisher"]["sampler_samples"] > 0


def test_late_joiner_catches_up_from_a_snapshot():
    data = _core.ProfileData()
    first = synthetic(data, seed=2)
    pub = Publisher("tcp://127.0.0.1:*", snapshot_ms=100)
    pub.attach(data)
    # everything already sent before anyone listens
    deadline = time.monotonic() + 20
    while pub.stats()["snapshots"] < 2:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    late = Subscriber(pub.endpoint)
    wait_for(lambda: late.synced and late.stats()["total_weight"] == first, late)
    assert late.stats()["resyncs"] >= 1
    assert collapsed(late.profile()) == collapsed(data_dict(data))
    # then it follows the deltas
    t = data.add_thread(100, 999, "later")
    data.add_sample(t, len(data.nodes()) - 1, time.monotonic_ns(), 5)
    pub.push()
    wait_for(lambda: late.stats()["total_weight"] == first + 5, late)
    pub.close()
    assert late.wait(20)
    assert collapsed(late.profile()) == collapsed(data_dict(data))
    assert late.stats()["rejected"] == 0


def header(stream_id, seq, mtype, body, major=1, flags=0):
    return b"JPST" + struct.pack("<BBBBQQI", major, 0, mtype, flags, stream_id, seq,
                                 len(body)) + body


def test_malformed_messages_over_zmq_are_rejected_and_counted():
    data = _core.ProfileData()
    total = synthetic(data, seed=3)
    pub = Publisher("tcp://127.0.0.1:*", snapshot_ms=100)
    sub = Subscriber(pub.endpoint)
    # the subscription must reach the publisher before the garbage is sent
    wait_for(lambda: sub.stats()["received"] > 0, sub)
    sid = pub.stream_id
    garbage = [
        os.urandom(50),                                     # no magic
        b"JPST",                                            # short header
        header(sid, 10**6, 7, b"\x01\x01\x00\x01\x01", major=2),   # unknown major version
        header(sid, 10**6, 7, b"\x01\x01\x00\x01\x01")[:-2],       # truncated
        header(sid, 10**6, 2, b"\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),  # bad varint
        header(sid, 10**6, 2, b"\x00\x01\x05ab"),           # string longer than the body
        header(sid, 10**6, 99, b""),                        # unknown type, same minor
    ]
    for g in garbage:
        pub._c._send_raw(g)
    pub.attach(data)
    for g in garbage:
        pub._c._send_raw(g)
    pub.close()
    assert sub.wait(20), sub.stats()
    st = sub.stats()
    assert st["rejected"] == 2 * len(garbage) and st["rejected_version"] == 2
    assert st["total_weight"] == total and st["synced"] == 1
    assert collapsed(sub.profile()) == collapsed(data_dict(data))


def test_parser_alone_rejects_garbage_without_crashing():
    sub = Subscriber(None)
    rng = random.Random(7)
    results = set()
    for i in range(3000):
        blob = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 80)))
        if i % 2:
            blob = header(5, i + 1, rng.randint(0, 15), blob[:40])
        results.add(sub.feed(blob))
    st = sub.stats()
    assert st["received"] == 3000 and st["rejected"] >= 1500
    assert st["received"] == st["applied"] + st["skipped"] + st["rejected"]
    assert "rejected" in results
    sub.profile()               # whatever got in is consistent enough to export
    assert sub.feed(header(6, 1, 13, b"\x00")) == "applied"     # a new stream, END
    assert sub.stats()["finished"] == 1 and sub.stats()["streams"] >= 2


@pytest.mark.parametrize("endpoint", ["tcp://0.0.0.0:*", "tcp://*:*", "tcp://10.1.2.3:5555",
                                      "tcp://[::]:*", "udp://127.0.0.1:5555"])
def test_non_loopback_bind_needs_the_explicit_flag(endpoint):
    with pytest.raises((PermissionError, ValueError)) as e:
        Publisher(endpoint)
    assert "refusing" in str(e.value) or "only tcp" in str(e.value)


def test_explicit_remote_bind_is_allowed():
    pub = Publisher("tcp://0.0.0.0:*", allow_remote=True)
    assert pub.endpoint.startswith("tcp://0.0.0.0:")
    pub.close()


def test_publisher_never_reads_from_the_network():
    # the publishing side has a PUB socket only and no receive call at all
    for name in ("publisher.c", "pub_object.c", "stage.c"):
        with open(os.path.join(ROOT, "viz_server", name)) as f:
            src = f.read()
        for word in ("zmq_recv", "zmq_msg_recv", "ZMQ_SUB", "ZMQ_REP", "ZMQ_ROUTER",
                     "ZMQ_PULL", "ZMQ_XPUB"):
            assert word not in src, (name, word)
    with open(os.path.join(ROOT, "viz_server", "publisher.c")) as f:
        assert "zmq_socket(p->ctx, ZMQ_PUB)" in f.read()


def test_slow_subscriber_never_blocks_the_publisher_and_drops_are_counted():
    pub = Publisher("tcp://127.0.0.1:*", sndhwm=4, snapshot_ms=60000)
    slow = Subscriber(pub.endpoint, rcvhwm=4)
    wait_for(lambda: slow.stats()["received"] > 0, slow)   # subscribed; now it stops reading
    sent0 = pub.stats()["messages"]
    n = 40
    for i in range(n):                  # 40 x 500 kB: far beyond every buffer
        pub.recommend(json.dumps({"i": i, "pad": "x" * 500_000}))
        deadline = time.monotonic() + 20
        while pub.stats()["messages"] <= sent0 + i:     # sent although nobody reads
            assert time.monotonic() < deadline, pub.stats()
            time.sleep(0.001)
    assert pub.stats()["send_failed"] == 0
    end = time.monotonic() + 1.5      # now read what was kept for it, and newer
    while time.monotonic() < end:       # messages (statistics every 100 ms)
        slow.poll(0.05)
    st = slow.stats()
    assert st["lost"] > 0, st           # ZeroMQ dropped for it: the gap is counted
    assert st["rejected"] == 0
    last = slow.recommendations()
    assert last is None or last["i"] < n
    pub.close()


def test_full_staging_queue_drops_samples_not_definitions():
    data = _core.ProfileData()
    total = synthetic(data, n_samples=60000, seed=4, t0=0)
    pub = Publisher("tcp://127.0.0.1:*", queue_kb=64)
    sub = Subscriber(pub.endpoint)
    wait_for(lambda: sub.stats()["received"] > 0, sub)
    pub.attach(data)                    # 60000 samples do not fit in 64 KiB
    pub.close()
    assert sub.wait(20)
    st = sub.stats()
    dropped = st["publisher"]["stage_dropped_weight"]
    assert st["publisher"]["stage_dropped"] > 0 and dropped > 0
    assert st["total_weight"] == total - dropped
    remote = sub.profile()
    assert len(remote["nodes"]) == len(data.nodes())   # every stack defined
    assert remote["functions"] == [list(f) for f in data.functions()]


def test_recommendations_travel_and_reach_late_joiners():
    pub = Publisher("ipc://" + os.path.join("/tmp", f"jp-test-{os.getpid()}.sock"),
                    snapshot_ms=100)
    sub = Subscriber(pub.endpoint)
    wait_for(lambda: sub.stats()["received"] > 0, sub)
    doc = [{"function": "mandel", "suggest": "@jit", "speedup": 97.5}]
    pub.recommend(doc)
    wait_for(lambda: sub.recommendations() == doc, sub)
    late = Subscriber(pub.endpoint)
    wait_for(lambda: late.recommendations() == doc, late)
    pub.recommend(json.dumps([]))
    wait_for(lambda: sub.recommendations() == [], sub)
    pub.close()
