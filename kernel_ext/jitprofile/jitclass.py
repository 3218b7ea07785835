"""@jitclass: classes whose instances hold typed fields in native memory,
with methods and properties compiled by the JIT (jit/jitclass.c,
jit/lower_class.c).  Numba's spelling:

    @jitclass([("x", float64[:]), ("n", int64)])
    class Points:
        def __init__(self, n): ...

The spec may also be a dict, or omitted in favour of class annotations.
"""
import inspect
import linecache
from types import SimpleNamespace

from . import _core
from .types import _DEFERRED

_JIT_OPTIONS = {}


def _spec_items(cls, spec):
    if spec is None:
        spec = getattr(cls, "__annotations__", {})
    items = list(spec.items()) if isinstance(spec, dict) else list(spec)
    names, types, deferred = [], [], []
    for entry in items:
        if not (isinstance(entry, tuple) and len(entry) == 2):
            raise TypeError(f"jitclass spec entries are (name, type) pairs, not {entry!r}")
        name, t = entry
        if isinstance(t, str):
            t = _core.Type(t)
        elif hasattr(t, "_jp_type"):
            t = t._jp_type
        elif hasattr(t, "instance_type"):
            t = t.instance_type
        if not isinstance(t, _core.Type):
            raise TypeError(f"jitclass field {name!r}: {t!r} is not a jitprofile type")
        names.append(name)
        types.append(t)
        deferred.extend(d for d in _DEFERRED if str(t) in (str(d._jp_type), f"Optional({d._jp_type})"))
    return tuple(names), tuple(types), deferred


def _constructor(name, init, cls):
    """A jitted function `__jp_new__(args)` that builds an instance in native
    code (so __init__ runs compiled), given a source the frontend can read."""
    if init is None:
        params = ""
    else:
        sig = inspect.signature(init)
        ps = list(sig.parameters.values())[1:]
        for p in ps:
            if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                raise TypeError(f"{name}.__init__: only positional parameters are supported")
        params = ", ".join(p.name if p.default is p.empty else f"{p.name}={p.default!r}" for p in ps)
    call_args = "" if init is None else ", ".join(
        p for p in list(inspect.signature(init).parameters)[1:])
    filename = f"<jitclass {name} constructor>"
    # named after the class: argument errors read "Points() argument ..."
    source = f"def {name}({params}):\n    return __jp_cls__({call_args})\n"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__jp_cls__": cls}
    exec(compile(source, filename, "exec"), namespace)
    return _core.Dispatcher(namespace[name], _JIT_OPTIONS)


def _method(disp):
    def method(self, *args, **kwargs):
        return disp(self, *args, **kwargs)
    method.__name__ = disp.__name__
    method.__doc__ = disp.__doc__
    return method


def _build(cls, spec):
    names, types, deferred = _spec_items(cls, spec)
    methods, props, setters, namespace = {}, {}, {}, {}
    for attr, value in cls.__dict__.items():
        if attr in ("__dict__", "__weakref__", "__module__", "__qualname__", "__annotations__"):
            continue
        if isinstance(value, property):
            props[attr] = _core.Dispatcher(value.fget, _JIT_OPTIONS)
            fset = None
            if value.fset is not None:      # compiled too (jit/class_setter.c)
                setters[attr] = _core.Dispatcher(value.fset, _JIT_OPTIONS)
                fset = lambda self, v, d=setters[attr]: d(self, v)  # noqa: E731
            namespace[attr] = property(lambda self, d=props[attr]: d(self), fset, doc=value.__doc__)
        elif isinstance(value, (staticmethod, classmethod)):
            raise TypeError(f"jitclass {cls.__name__}.{attr}: static and class methods are not supported yet")
        elif inspect.isfunction(value):
            methods[attr] = _core.Dispatcher(value, _JIT_OPTIONS)
            if attr != "__init__":
                namespace[attr] = _method(methods[attr])
        elif attr == "__doc__":
            namespace[attr] = value
        elif not attr.startswith("__"):
            raise TypeError(f"jitclass {cls.__name__}: class attribute {attr!r} is not supported "
                            "(declare fields in the spec)")
    new = type(cls.__name__, (_core.JitClassBase,), namespace)
    new.__qualname__ = cls.__qualname__
    new.__module__ = cls.__module__
    new._jp_methods = methods
    new._jp_props = props
    new._jp_setters = setters
    new._jp_type = _core.jitclass_type(cls.__name__, names, types, new)
    new._jp_fields = dict(zip(names, types))
    for d in set(deferred):         # optional(node_type): patched when node_type.define(...) runs
        d._used_by(new)
    ctor = _constructor(cls.__name__, cls.__dict__.get("__init__"), new)
    new.__new__ = staticmethod(lambda klass, *args, **kwargs: ctor(*args, **kwargs))
    # Numba's spelling for the instance type, e.g. in another class's spec
    new.class_type = SimpleNamespace(instance_type=new._jp_type, class_name=cls.__name__)
    return new


def jitclass(cls_or_spec=None, spec=None):
    """Compile a class: typed fields, __init__, methods and properties.
    With config.DISABLE_JIT set the class is returned unchanged (as Numba)."""
    from . import config
    if isinstance(cls_or_spec, type):
        return cls_or_spec if config.DISABLE_JIT else _build(cls_or_spec, spec)

    def wrap(cls):
        if config.DISABLE_JIT:
            return cls
        return _build(cls, cls_or_spec if spec is None else spec)

    return wrap
