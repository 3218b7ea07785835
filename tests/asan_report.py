"""tests/asan_report.py - judge the AddressSanitizer/LeakSanitizer logs of a
test run (tests/run_asan.sh writes them with log_path=DIR/asan).

    python tests/asan_report.py DIR [--junit FILE]

Fails (exit 1) on any memory error (heap overflow, use after free, ...) and
on any leak whose allocation stack passes through our code (jit/, sampler/,
profiler/, viz_server/, gpu/, the _core module).  Leaks allocated entirely
inside CPython or NumPy (their one-time caches, interned strings, what
Py_Finalize does not free) are counted and ignored; leaks of LLVM or of
code owned by another change are suppressed by name in tests/lsan.supp,
each with its reason.  Prints one summary line last.
"""
import os
import re
import sys

OURS = re.compile(r" \.\./(jit|sampler|profiler|viz_server|gpu)/|[(/]_core\.cpython")
LEAK = re.compile(r"^(Direct|Indirect) leak of (\d+) byte")


def parse(text):
    """(memory_errors, leaks): leaks as (kind, bytes, frames)."""
    errors, leaks = [], []
    if "ERROR: AddressSanitizer" in text:
        errors.append(text)
    cur = None
    for line in text.splitlines():
        m = LEAK.match(line)
        if m:
            cur = (m.group(1), int(m.group(2)), [])
            leaks.append(cur)
        elif cur is not None and line.strip().startswith("#"):
            cur[2].append(line.strip())
        elif not line.strip():
            cur = None
    return errors, leaks


def junit_counts(path):
    """(tests, failures + errors) of a pytest --junitxml file."""
    import xml.etree.ElementTree as ET
    tests = bad = 0
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests += int(suite.get("tests", 0)) - int(suite.get("skipped", 0))
        bad += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    return tests, bad


def main(argv):
    d = argv[1]
    junit = argv[argv.index("--junit") + 1] if "--junit" in argv else None
    errors, ours, theirs = [], [], []
    files = sorted(os.listdir(d)) if os.path.isdir(d) else []
    for name in files:
        if not name.startswith("asan"):
            continue
        with open(os.path.join(d, name), errors="replace") as f:
            text = f.read()
        e, leaks = parse(text)
        errors += [(name, t) for t in e]
        for leak in leaks:
            (ours if any(OURS.search(fr) for fr in leak[2]) else theirs).append((name, leak))
    for name, text in errors:
        print("== memory error (%s):\n%s" % (name, text))
    for name, (kind, nbytes, frames) in ours:
        print("== %s leak of %d bytes through our code (%s):\n    %s"
              % (kind, nbytes, name, "\n    ".join(frames)))
    tests = bad = 0
    if junit is not None:
        try:
            tests, bad = junit_counts(junit)
        except (OSError, Exception) as e:   # no report: pytest died (a crash)
            print("== no pytest report (%s): the run crashed?" % e)
            bad = 1
        print("%d passed, %d failed under ASan+LSan" % (tests - bad, bad))
    print("asan report: %d memory errors, %d leaks through our code (%d bytes), "
          "%d leaks inside CPython/NumPy ignored (%d bytes), %d logs"
          % (len(errors), len(ours), sum(l[1] for _, l in ours), len(theirs),
             sum(l[1] for _, l in theirs), len(files)))
    return 1 if errors or ours or bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
