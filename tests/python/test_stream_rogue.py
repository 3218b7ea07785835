"""The stream against a rogue publisher (issue 13 item 20), over real ZeroMQ
on loopback, the rogue frames sent through the project's own publisher
(_send_raw sends bytes verbatim as one frame):
- a frame over the 16 MiB wire limit is rejected and counted ("oversize"),
  and the subscription keeps working (it used to be silently dropped by
  ZeroMQ's max message size, which never reconnects after such an error);
- a frame so large that ZeroMQ itself drops the connection is counted
  ("reconnects") and the subscriber connects again;
- forged sequence numbers (a jump far ahead, far back) are counted as
  "bad_sequence" and never as lost (lost reached 1.2e19); the subscription
  resynchronises from the next snapshot;
- ports outside 1..65535 raise ValueError (a port above 65535 wrapped).
"""
import struct
import time

import pytest

from jitprofile import _core
from jitprofile.stream import Publisher, Subscriber

MIB = 1 << 20


def header(stream_id, seq, mtype, body, major=1, flags=0, minor=0):
    return b"JPST" + struct.pack("<BBBBQQI", major, minor, mtype, flags, stream_id, seq,
                                 len(body)) + body


def newer(stream_id, seq):
    """A message of a newer minor version (type unknown here): well formed,
    skipped, but its sequence number counts."""
    return header(stream_id, seq, 99, b"", minor=1)


def wait_for(pred, sub, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, sub.stats()
        sub.poll(0.05)


def add_samples(data, n, weight=1):
    f = data.intern_func("hot", "/src/hot.py", "hot", 1, "python")
    node = data.intern_node(0, data.intern_frame(f, 3))
    t = data.add_thread(100, 101, "main")
    now = time.monotonic_ns()
    for i in range(n):
        data.add_sample(t, node, now + i * 1000, weight)
    return n * weight


def connected_pair(**pub_kw):
    pub = Publisher("tcp://127.0.0.1:*", snapshot_ms=100, queue_kb=256 * 1024, **pub_kw)
    sub = Subscriber(pub.endpoint)
    data = _core.ProfileData()
    pub.attach(data)
    wait_for(lambda: sub.stats()["received"] > 0, sub)
    return pub, sub, data


@pytest.mark.parametrize("size", [16 * MIB + 28 + 1, 17 * MIB, 40 * MIB])   # header + body over the limit
def test_oversize_frame_is_counted_and_the_subscription_survives(size):
    pub, sub, data = connected_pair()
    try:
        total = add_samples(data, 100)
        pub.push()
        wait_for(lambda: sub.stats()["total_weight"] == total, sub)
        pub._c._send_raw(header(pub.stream_id, 10**6, 7, b"\0" * (size - 28)))
        wait_for(lambda: sub.stats()["oversize"] + sub.stats()["reconnects"] >= 1, sub)
        # what the publisher sends next still arrives and is applied
        total += add_samples(data, 50, weight=2)
        pub.push()
        wait_for(lambda: sub.stats()["total_weight"] == total and sub.synced, sub)
        st = sub.stats()
        assert st["oversize"] == 1, st
        assert st["lost"] < 10**6, st
    finally:
        pub.close()
        sub.close()


def test_frame_beyond_zeromq_limit_drops_the_connection_and_it_is_made_again():
    pub, sub, data = connected_pair()
    try:
        total = add_samples(data, 10)
        pub.push()
        wait_for(lambda: sub.stats()["total_weight"] == total, sub)
        pub._c._send_raw(b"\0" * (_core.STREAM_MAX_FRAME + 1))
        wait_for(lambda: sub.stats()["reconnects"] >= 1, sub)
        total += add_samples(data, 20, weight=3)
        pub.push()
        wait_for(lambda: sub.stats()["total_weight"] == total and sub.synced, sub)
    finally:
        pub.close()
        sub.close()


@pytest.mark.parametrize("forged", [2**63, 2**64 - 1, 10**12])
def test_forged_sequence_numbers_are_bad_sequence_not_lost(forged):
    pub, sub, data = connected_pair()
    try:
        total = add_samples(data, 100)
        pub.push()
        wait_for(lambda: sub.stats()["total_weight"] == total and sub.synced, sub)
        pub._c._send_raw(newer(pub.stream_id, forged))
        total += add_samples(data, 30, weight=2)
        pub.push()
        wait_for(lambda: sub.stats()["total_weight"] == total and sub.synced, sub)
        st = sub.stats()
        assert st["bad_sequence"] >= 1, st
        assert st["lost"] < 1000, st
    finally:
        pub.close()
        sub.close()


def test_parser_counts_bad_sequences():
    sub = Subscriber(None)
    sid = 77
    assert sub.feed(newer(sid, 1)) == "skipped"
    assert sub.feed(newer(sid, 2)) == "skipped"
    assert sub.feed(newer(sid, 5)) == "skipped"         # 2 lost: a real gap
    assert sub.stats()["lost"] == 2
    sub.feed(newer(sid, 10**12))                        # a jump far ahead: followed...
    sub.feed(newer(sid, 6))                             # ...and far back again: a reset
    st = sub.stats()
    assert st["lost"] == 2 and st["bad_sequence"] == 2, st
    assert sub.feed(newer(sid, 2**64 - 1)) == "rejected"   # never reached: not followed
    assert sub.feed(newer(sid, 2**63 + 5)) == "rejected"
    assert sub.stats()["bad_sequence"] == 4
    assert sub.feed(newer(sid, 7)) == "skipped"
    assert sub.feed(newer(sid, 7)) == "rejected"        # a replay stays a replay
    assert sub.feed(newer(sid, 3)) == "rejected"
    st = sub.stats()
    assert st["lost"] == 2 and st["bad_sequence"] == 4, st


@pytest.mark.parametrize("port", ["65536", "70000", "99999", "123456", "-1", "0x10"])
def test_ports_outside_the_range_raise_value_error(port):
    with pytest.raises(ValueError):
        Publisher(f"tcp://127.0.0.1:{port}")
    with pytest.raises(ValueError):
        Subscriber(f"tcp://127.0.0.1:{port}")


def test_port_zero_binds_any_port_but_cannot_be_connected_to():
    pub = Publisher("tcp://127.0.0.1:0")     # as "*": ZeroMQ picks a free port
    try:
        assert 1 <= int(pub.endpoint.rsplit(":", 1)[1]) <= 65535
    finally:
        pub.close()
    with pytest.raises(ValueError):
        Subscriber("tcp://127.0.0.1:0")


def test_valid_ports_still_work():
    pub = Publisher("tcp://127.0.0.1:*")
    port = int(pub.endpoint.rsplit(":", 1)[1])
    assert 1 <= port <= 65535
    sub = Subscriber(f"tcp://127.0.0.1:{port}")
    sub.close()
    pub.close()
