"""The plain-NumPy answer for linkedlist.py (its compiled meaning has no plain-Python twin)."""


def reference():
    return {"total": sum(i * i for i in range(100))}
