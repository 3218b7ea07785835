"""Parsing numbers out of text lines: split, strip, float(), and an f-string summary."""
from _backend import numba


@numba.njit
def parse(lines):
    total = 0.0
    rows = 0
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for field in line.split(","):
            total += float(field.strip())
        rows += 1
    return total, rows


@numba.njit
def summary(total, rows):
    return f"{rows} rows, total {total}"


def main():
    lines = ["# header", "1.5, 2.5, 3", "", "  4,5,6  ", "7.25,8,-9"]
    total, rows = parse(lines)
    return {"total": total, "rows": rows, "summary": summary(total, rows)}
