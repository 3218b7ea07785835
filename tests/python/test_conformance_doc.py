"""docs/conformance.md: every row marked supported (or differs, which is
supported with a stated difference) names a test, and every test it names
exists: the file in tests/python/, and each `file.py::function` (or a
following `::function`, of the same file; `*` matches any characters) a
function defined in that file.  Rows of the NumPy sections must name a test
function, not only a file."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "conformance.md"
TESTS = ROOT / "tests" / "python"

REF = re.compile(r"(test_\w+\.py)?::([\w*]+)|(test_\w+\.py)")


def rows():
    """(section, line number, feature, status, test cell) of every table row."""
    section = ""
    for no, line in enumerate(DOC.read_text().splitlines(), 1):
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if not line.startswith("|") or line.startswith("| ---") or line.startswith("| feature"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        yield section, no, cells[0], cells[1], cells[-1]


def references(cell):
    """[(file, function or None)] named in a test cell."""
    out, current = [], None
    for m in REF.finditer(cell):
        if m.group(3):
            current = m.group(3)
            out.append((current, None))
        else:
            current = m.group(1) or current
            out.append((current, m.group(2)))
    return out


def defined(path, pattern):
    text = path.read_text()
    rx = re.compile(r"^def " + re.escape(pattern).replace(r"\*", r"\w*") + r"\(", re.M)
    return rx.search(text) is not None


def test_the_doc_has_numpy_sections():
    sections = {s for s, *_ in rows()}
    assert 'NumPy: the "Supported NumPy features" page' in sections
    assert "NumPy: sorting and statistics" in sections
    assert "NumPy: indexing" in sections


def test_every_supported_row_names_an_existing_test():
    problems = []
    for section, no, feature, status, cell in rows():
        supported = status.startswith("supported") or status.startswith("differs")
        refs = references(cell)
        for file, func in refs:
            if file is None:
                problems.append(f"line {no}: '::{func}' without a file before it")
                continue
            path = TESTS / file
            if not path.exists():
                problems.append(f"line {no}: {file} does not exist")
            elif func and not defined(path, func):
                problems.append(f"line {no}: {file} has no function {func}")
        if not supported:
            continue
        if not refs:
            problems.append(f"line {no}: supported row '{feature[:60]}' names no test")
        elif section.startswith("NumPy") and not any(func for _, func in refs):
            problems.append(f"line {no}: supported NumPy row '{feature[:60]}' names a file but no test function")
    assert not problems, "\n".join(problems)


def test_references_are_parsed():
    assert references("`test_a.py::test_x`, `::test_y`, test_b.py") == [
        ("test_a.py", "test_x"), ("test_a.py", "test_y"), ("test_b.py", None)]
