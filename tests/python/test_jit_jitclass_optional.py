"""jitclass (issue 11): property setters, deferred_type for self-referential
classes (a linked list and a binary tree built and walked in jit code, the
same functions run by CPython on the same classes), optional(T) fields (None
until set) and `is None` on them.  No leaked blocks (nrt_stats)."""
from collections import OrderedDict

import numpy as np
import pytest

import jitprofile as numba
from jitprofile import _core, njit, int64, intp, float64, optional, deferred_type
from jitprofile.experimental import jitclass


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


# ---- Numba's linked-list example (docs: examples/linkedlist.py) --------------------

node_type = deferred_type()

spec = OrderedDict()
spec["data"] = intp
spec["next"] = optional(node_type)


@jitclass(spec)
class LinkedNode(object):
    def __init__(self, data, next):
        self.data = data
        self.next = next

    def prepend(self, data):
        return LinkedNode(data, self)


node_type.define(LinkedNode.class_type.instance_type)


@njit
def make_linked_node(data):
    return LinkedNode(data, None)


@njit
def fill_array(arr):
    head = make_linked_node(0)
    for i in range(1, arr.size):
        head = head.prepend(i)
    c = 0
    while head is not None:
        arr[c] = head.data
        head = head.next
        c += 1


@njit
def build(n):
    head = None
    for i in range(n):
        head = LinkedNode(i, head)
    return head


@njit
def total(head):
    s = 0
    node = head
    while node is not None:
        s += node.data
        node = node.next
    return s


@njit
def reverse(head):
    prev = None
    node = head
    while node is not None:
        nxt = node.next
        node.next = prev
        prev = node
        node = nxt
    return prev


def to_list(head):
    out = []
    while head is not None:
        out.append(head.data)
        head = head.next
    return out


def test_deferred_type_resolves_to_the_class():
    assert numba.types.deferred_type is deferred_type
    assert node_type.get() is LinkedNode.class_type.instance_type
    assert repr(node_type) == "DeferredType(instance.jitclass.LinkedNode)"
    assert str(LinkedNode._jp_type) == "instance.jitclass.LinkedNode"
    assert str(LinkedNode._jp_fields["next"]) == "Optional(instance.jitclass.LinkedNode)"
    t = numba.typeof(make_linked_node(1))
    assert t is LinkedNode.class_type.instance_type
    assert str(optional(t)) == "Optional(instance.jitclass.LinkedNode)"


def test_linked_list_docs_example(no_leak):
    a1, a2 = np.zeros(10, dtype=np.intp), np.zeros(10, dtype=np.intp)
    fill_array(a1)
    fill_array.py_func(a2)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(a1, np.arange(9, -1, -1))


def test_linked_list_built_in_jit_walked_in_python(no_leak):
    head = build(6)
    assert isinstance(head, LinkedNode)
    assert to_list(head) == [5, 4, 3, 2, 1, 0]
    assert total(head) == total.py_func(head) == 15
    assert build(0) is None
    assert total.py_func(None) == 0
    del head


def test_linked_list_mutated_in_jit(no_leak):
    head = build(4)
    r = reverse(head)
    assert to_list(r) == [0, 1, 2, 3]
    assert head.next is None            # the old head is now the tail
    r2 = reverse.py_func(r)             # CPython on the same objects
    assert to_list(r2) == [3, 2, 1, 0]
    del head, r, r2


def test_optional_field_set_from_python(no_leak):
    a = LinkedNode(1, None)
    b = LinkedNode(2, a)
    assert a.next is None
    assert b.next.data == 1
    b.next = None
    assert b.next is None
    a.next = b
    assert total(a) == 3
    a.next = None
    with pytest.raises(TypeError):
        a.next = 3.5
    del a, b


# ---- a binary search tree -------------------------------------------------------------

tree_type = deferred_type()


@jitclass([("key", int64), ("left", optional(tree_type)), ("right", optional(tree_type))])
class TreeNode:
    def __init__(self, key):
        self.key = key
        self.left = None
        self.right = None


tree_type.define(TreeNode.class_type.instance_type)


@njit
def insert(root, key):
    new = TreeNode(key)
    if root is None:
        return new
    node = root
    while True:
        if key < node.key:
            if node.left is None:
                node.left = new
                break
            node = node.left
        else:
            if node.right is None:
                node.right = new
                break
            node = node.right
    return root


@njit
def tree_sum(node):
    if node is None:
        return 0
    return node.key + tree_sum(node.left) + tree_sum(node.right)


@njit
def depth(node):
    if node is None:
        return 0
    return 1 + max(depth(node.left), depth(node.right))


@njit
def inorder(node, out):
    if node is None:
        return
    inorder(node.left, out)
    out.append(node.key)
    inorder(node.right, out)


@njit
def build_tree(keys):
    root = None
    for k in keys:
        root = insert(root, k)
    return root


def test_tree_built_and_walked_in_jit(no_leak):
    keys = np.array([50, 30, 70, 20, 40, 60, 80, 35])
    root = build_tree(keys)
    ref = build_tree.py_func(keys)      # CPython, same classes
    assert tree_sum(root) == tree_sum.py_func(ref) == int(keys.sum())
    assert depth(root) == depth.py_func(ref) == 4
    out1, out2 = [-1], [-1]             # (an empty list argument has no item type)
    inorder(root, out1)
    inorder.py_func(ref, out2)
    assert out1 == out2 == [-1] + sorted(keys.tolist())
    assert root.left.left.left is None
    assert root.left.right.left.key == 35
    del root, ref


# ---- optional number fields ------------------------------------------------------------

@jitclass([("value", optional(float64)), ("count", int64)])
class Cell:
    def __init__(self):
        self.value = None
        self.count = 0

    def put(self, v):
        self.value = v
        self.count += 1

    def get_or(self, default):
        if self.value is None:
            return default
        return self.value


@njit
def use_cell(v):
    c = Cell()
    a = c.get_or(-1.0)
    c.put(v)
    return a, c.get_or(-1.0), c.value is None


def test_optional_number_field_none_until_set():
    assert use_cell(2.5) == (-1.0, 2.5, False)
    c = Cell()
    assert c.value is None
    c.put(1.0)
    assert c.value == 1.0
    c.value = None
    assert c.get_or(7.0) == 7.0


# ---- property setters ------------------------------------------------------------------

@jitclass([("_celsius", float64)])
class Temperature:
    def __init__(self, c):
        self._celsius = c

    @property
    def fahrenheit(self):
        return self._celsius * 9 / 5 + 32

    @fahrenheit.setter
    def fahrenheit(self, f):
        self._celsius = (f - 32) * 5 / 9

    @property
    def celsius(self):
        return self._celsius


@njit
def warm(t, f):
    t.fahrenheit = f
    t.fahrenheit += 18.0
    return t.celsius


def test_property_setter_in_jit_and_python():
    t = Temperature(0.0)
    assert warm(t, 212.0) == pytest.approx(110.0)
    t.fahrenheit = 32.0                 # from Python: the compiled setter
    assert t.celsius == 0.0
    assert t.fahrenheit == 32.0
    with pytest.raises(AttributeError):
        t.celsius = 3.0                 # no setter: read-only, as in Python


@njit
def set_readonly(t):
    t.celsius = 1.0


def test_property_without_setter_is_a_typing_error():
    with pytest.raises(numba.TypingError, match="settable property 'celsius'"):
        set_readonly(Temperature(0.0))
