"""A singly linked list of jitclass nodes (deferred_type, optional next pointer)."""
from _backend import numba
from numba import njit, optional, deferred_type, int64
from numba.experimental import jitclass

node_type = deferred_type()


@jitclass([("value", int64), ("next", optional(node_type))])
class Node:
    def __init__(self, value, next):
        self.value = value
        self.next = next


node_type.define(Node.class_type.instance_type)


@njit
def build(n):
    head = None
    for i in range(n):
        head = Node(i * i, head)
    return head


@njit
def total(head):
    s = 0
    node = head
    while node is not None:
        s += node.value
        node = node.next
    return s


def main():
    return {"total": total(build(100))}
