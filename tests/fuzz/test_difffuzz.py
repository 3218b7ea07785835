"""The differential fuzzer's CI budget: a fixed number of generated programs
from fixed seeds (deterministic), each compiled by the JIT and compared with
CPython + NumPy under the documented rules (see difffuzz.py).  About a
minute on two cores.  Run longer by hand:
    python tests/fuzz/difffuzz.py --seed 11 --budget 1800 -v
"""
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import difffuzz  # noqa: E402

# (seed, programs): the CI budget; JP_FUZZ_PROGRAMS scales it (e.g. 0.1 for a quick look)
CI_BUDGET = [(1, 1000), (2, 1000)]
SCALE = float(os.environ.get("JP_FUZZ_SCALE", "1"))


@pytest.mark.parametrize("seed, programs", CI_BUDGET)
def test_jit_agrees_with_cpython_on_generated_programs(seed, programs, capsys):
    stats, found = difffuzz.run(seed=seed, programs=max(1, int(programs * SCALE)),
                                stop_after=5)
    with capsys.disabled():
        print("\ndifffuzz seed %d: %d programs, %d calls, %d exceptions agreed, "
              "%d disagreements, %d rejected, %.1f s"
              % (seed, stats["programs"], stats["calls"], stats["exceptions_agreed"],
                 stats["disagreements"], stats["rejected"], stats["seconds"]))
    assert not found, "\n\n".join(
        "%s seed %d program %d: %s\n%s\nargs %r" % (f["kind"], f["seed"], f["index"], f["why"],
                                                   f["jit"], f["args"]) for f in found)


def test_programs_are_deterministic():
    a = difffuzz.make_program(5, 17, difffuzz.ALL_CONSTRUCTS)
    b = difffuzz.make_program(5, 17, difffuzz.ALL_CONSTRUCTS)
    assert a[1] == b[1] and a[2] == b[2] and repr(a[4]) == repr(b[4])


def test_comparator_rules():
    # floats bit for bit, NaN with NaN, signed zeros apart, types apart
    assert difffuzz.same_value(math.nan, float("nan"))[0]
    assert not difffuzz.same_value(0.0, -0.0)[0]
    assert not difffuzz.same_value(1, 1.0)[0]
    assert not difffuzz.same_value(True, 1)[0]
    # the documented int64 wraparound and the float ** rule
    assert difffuzz._w(2**63) == -2**63
    with pytest.raises(ValueError):
        difffuzz._fpow(-8.0, 1.0 / 3.0)
    with pytest.raises(OverflowError):
        difffuzz._fi(math.floor(1e300))


def test_known_bugs_are_named():
    # every construct kept out of the CI budget names the bug it avoids
    for construct, why in difffuzz.KNOWN_BUGS.items():
        assert construct in difffuzz.ALL_CONSTRUCTS
        assert "issue" in why
