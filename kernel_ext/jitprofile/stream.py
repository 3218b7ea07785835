"""jitprofile.stream: the live profile stream over ZeroMQ (viz_server/).

Thin glue over the C publisher and subscriber/aggregator; the wire format is
documented in viz_server/PROTOCOL.md.

    pub = Publisher("tcp://127.0.0.1:*")          # loopback unless allow_remote
    with jitprofile.Profile() as prof:
        pub.attach(prof)                          # every sampler drain streams
        work()
    pub.close()                                   # last snapshot + END

    sub = Subscriber(pub.endpoint)
    while not sub.finished:
        sub.poll(0.1)                             # seconds
    prof2 = sub.to_profile()                      # a jitprofile.Profile
"""
from __future__ import annotations

import json
import socket
import sys

from . import _core

__all__ = ["Publisher", "Subscriber", "DEFAULT_ENDPOINT"]

DEFAULT_ENDPOINT = "tcp://127.0.0.1:*"


class Publisher:
    """A read-only PUB endpoint streaming one profile as versioned deltas.

    endpoint: tcp://127.0.0.1:PORT (PORT may be *), ipc://PATH or
    inproc://NAME.  Any other address (another interface, a wildcard) is
    refused with PermissionError unless allow_remote=True.  Nothing is ever
    read from the network.  sndhwm: messages queued per subscriber before
    ZeroMQ drops for it; queue_kb: each of the two staging buffers between
    the profiler and the publisher thread (full: samples dropped, counted).
    """

    def __init__(self, endpoint: str = DEFAULT_ENDPOINT, *, allow_remote: bool = False,
                 sndhwm: int = 1000, queue_kb: int = 4096, interval_ms: int = 100,
                 snapshot_ms: int = 500, linger_ms: int = 500, grace_ms: int = 20):
        self._c = _core.StreamPublisher(endpoint, allow_remote=allow_remote, sndhwm=sndhwm,
                                        queue_kb=queue_kb, interval_ms=interval_ms,
                                        snapshot_ms=snapshot_ms, linger_ms=linger_ms,
                                        grace_ms=grace_ms)
        self.endpoint: str = self._c.endpoint
        self.stream_id: int = self._c.stream_id

    def attach(self, profile) -> "Publisher":
        """Stream this Profile (or ProfileData): each sampler drain copies
        what is new; call push() after changes made outside the sampler."""
        data = getattr(profile, "data", profile)
        info = {"python": sys.version.split()[0], "argv": json.dumps(sys.argv),
                "hostname": socket.gethostname(), "jitprofile": "0.1.0"}
        for key in ("hz", "wall", "native"):
            if hasattr(profile, key):
                info[key] = str(int(getattr(profile, key)))
        self._c.set_info(info)
        self._c.attach(data)
        return self

    def push(self, wait: bool = True) -> None:
        """Copy what is new in the attached profile now (e.g. after a merge).
        wait=False does what each sampler drain does: when the publisher
        thread holds the queue, skip and copy it all next time."""
        self._c.push(wait)

    def recommend(self, doc) -> None:
        """Publish the current recommendations (a JSON-able object or JSON text)."""
        self._c.recommend(doc if isinstance(doc, str) else json.dumps(doc))

    def stats(self) -> dict:
        return self._c.stats()

    def close(self) -> None:
        """Send what is left, a last snapshot and END, then stop."""
        self._c.close()

    @property
    def closed(self) -> bool:
        return self._c.closed

    def __enter__(self) -> "Publisher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Subscriber:
    """Connects to a stream and rebuilds the profile (C parser and
    aggregator); malformed messages are rejected and counted.

    poll(timeout) takes what has arrived; profile() gives the same dict as
    Profile.to_dict() (one sample per 100 ms interval, thread and stack, its
    weight the sum); stats() gives received/applied/rejected/lost counts and
    the publisher's own counters (drops) under "publisher".
    """

    def __init__(self, endpoint: str | None, *, rcvhwm: int = 100000):
        self.endpoint = endpoint
        self._c = _core.StreamSubscriber(endpoint, rcvhwm=rcvhwm)

    def poll(self, timeout: float = 0.0) -> int:
        """Wait up to timeout seconds for data, apply all that arrived;
        returns the number of messages taken."""
        return self._c.poll(int(timeout * 1000))

    def feed(self, message: bytes) -> str:
        """Apply one raw message: 'applied', 'skipped' or 'rejected'."""
        return ("applied", "skipped", "rejected")[self._c.feed(message)]

    def stats(self) -> dict:
        return self._c.stats()

    @property
    def finished(self) -> bool:
        """The publisher closed (END received)."""
        return bool(self._c.stats()["finished"])

    @property
    def synced(self) -> bool:
        return bool(self._c.stats()["synced"])

    def process(self) -> dict | None:
        """The publisher's pid, sample period and info (argv, python, ...)."""
        return self._c.process()

    def recommendations(self):
        """The latest recommendations document (parsed JSON), or None."""
        text = self._c.recommendations()
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def profile(self) -> dict:
        """The rebuilt profile in Profile.to_dict()'s shape."""
        d = self._c.tables()
        info = (self._c.process() or {}).get("info", {})
        hz = int(info.get("hz") or round(1.0 / d["interval"]))
        return {"version": 1, "hz": hz, "wall": info.get("wall") == "1",
                "native": info.get("native", "1") == "1", "interval": d["interval"],
                "functions": d["functions"], "frames": d["frames"], "nodes": d["nodes"],
                "threads": d["threads"], "samples": d["samples"]}

    def to_profile(self):
        """The rebuilt profile as a jitprofile.Profile (text(), top(), ...)."""
        from .profile import Profile
        return Profile.from_dict(self.profile())

    def wait(self, timeout: float = 10.0) -> bool:
        """Poll until the publisher finished (END) or timeout seconds passed."""
        import time
        deadline = time.monotonic() + timeout
        while not self.finished:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.poll(min(left, 0.1))
        return True

    def close(self) -> None:
        self._c.close()

    def __enter__(self) -> "Subscriber":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
