"""The grader's side of the boundary: a connection to a student process, and proxies.

The grader never imports or runs student code. Names the student's notebook defines appear in
the grader's test namespace as proxies: calling a proxied class or function, reading an
attribute or an item, sends a request over the wire and returns plain data (arrays, numbers,
strings) or another proxy. Test code stays ordinary Python: `layer = Linear(4, 3, rng=0);
out = layer.forward(x)` reads the same whether `Linear` is the student's class in their kernel
or a proxy here.
"""

import builtins
import os
import select
import subprocess
import time
import types

import numpy as np

from autograder.boundary import wire
from autograder.processes import kill_tree

# Exceptions raised in student code are re-raised here as a subclass of the builtin of the
# same name (so `except ValueError` in a test works) mixed with StudentError.
_BUILTIN_ERRORS = {name: getattr(builtins, name)
                   for name in ("ValueError", "TypeError", "KeyError", "IndexError",
                                "AttributeError", "NameError", "NotImplementedError",
                                "ZeroDivisionError", "ArithmeticError", "RuntimeError",
                                "AssertionError", "LookupError", "OverflowError",
                                "FloatingPointError", "MemoryError", "RecursionError",
                                "TimeoutError", "StopIteration", "UnboundLocalError")}


# Lent functions can only be called: their attributes (__globals__, say) stay on this side.
_CALL_ONLY = (types.FunctionType, types.BuiltinFunctionType, types.MethodType)


class StudentError(Exception):
    """An exception raised by the student's code, as reported across the boundary."""

    where = None


class StudentTimeout(StudentError):
    """The student's code did not answer within its time limit; its process was stopped."""


class StudentDied(StudentError):
    """The student's process ended (it exited, crashed, or was killed for a limit)."""


_error_classes = {}


def _error(kind, message, where):
    base = _BUILTIN_ERRORS.get(kind) or RuntimeError
    if (kind, base) not in _error_classes:
        _error_classes[kind, base] = type(kind, (StudentError, base), {})
    error = _error_classes[kind, base](message)
    error.where = where
    return error


class RemoteMeta(type):
    """Metaclass of class proxies: calling one constructs the object in the student process,
    and the objects it makes are instances of the proxy, so isinstance() works."""

    def __call__(cls, *args, **kwargs):
        return cls._cls_student.call(cls, args, kwargs, label=f"{cls.__name__}()")

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return cls._cls_student.request("getattr", target=cls, name=name,
                                        label=f"{cls.__name__}.{name}")

    def __repr__(cls):
        return f"<student class {cls.__name__}>"


class RemoteObject:
    """A proxy for an object that lives in the student process."""

    __slots__ = ("_student", "_ref", "_type", "_generation")

    def __init__(self, student, ref, type_name):
        object.__setattr__(self, "_student", student)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_generation", student.generation)

    def _label(self, name):
        return f"{self._type}.{name}"

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._student.request("getattr", target=self, name=name,
                                      label=self._label(name))
        if isinstance(value, RemoteObject) and value._type in ("method", "function"):
            object.__setattr__(value, "_type", self._label(name))  # "Linear.backward"
        return value

    def __setattr__(self, name, value):
        self._student.request("setattr", target=self, name=name, value=value,
                              label=self._label(name))

    def __call__(self, *args, **kwargs):
        label = self._type if "." in self._type else f"{self._type}()"
        return self._student.call(self, args, kwargs, label=label)

    def __getitem__(self, key):
        return self._student.request("getitem", target=self, key=key,
                                     label=f"{self._type}[...]")

    def __setitem__(self, key, value):
        self._student.request("setitem", target=self, key=key, value=value,
                              label=f"{self._type}[...]")

    def __len__(self):
        return self._student.request("len", target=self, label=f"len({self._type})")

    def __iter__(self):
        return iter(self._student.request("list", target=self, label=f"iter({self._type})"))

    def __contains__(self, item):
        return self._student.request("contains", target=self, item=item,
                                     label=f"{self._type}.__contains__")

    def __bool__(self):
        return self._student.request("bool", target=self, label=f"bool({self._type})")

    def keys(self):
        return list(self)

    def items(self):
        return [(key, self[key]) for key in self]

    def values(self):
        return [self[key] for key in self]

    def __copy__(self):
        return self._student.request("copy", target=self, label=f"copy({self._type})")

    def __deepcopy__(self, memo):
        return self._student.request("copy", target=self, deep=True,
                                     label=f"deepcopy({self._type})")

    def __repr__(self):
        return self._student.request("text", target=self, repr=True,
                                     label=f"repr({self._type})")

    def __str__(self):
        return self._student.request("text", target=self, label=f"str({self._type})")


def _operator(name):
    """The method `__<name>__` of a proxy: the student's own operator, run on their side."""

    def apply(self, *other):
        return self._student.request("operator", target=self, name=name, args=list(other),
                                     label=f"{self._type}.__{name}__",
                                     timeout=self._student.call_timeout)

    apply.__name__ = f"__{name}__"
    return apply


# Tests compute with a student's objects as the notebook does: `a * b + 1` for Values.
for _name in sorted(wire.OPERATORS):
    setattr(RemoteObject, f"__{_name}__", _operator(_name))


class Student:
    """A connection to one student process: requests, proxies and shared arrays."""

    def __init__(self, command, *, env=None, cwd=None, call_timeout=10, log=None):
        self.command, self.env, self.cwd, self.log = command, env, cwd, log
        self.call_timeout = call_timeout
        self.proxies = {}  # reference id -> proxy
        self.classes = {}  # reference id of a class -> proxy class
        self.shared = wire.SharedArrays("g")
        self.bindings = None  # hook: the rebindings of student names a request carries along
        self.lendable = None  # hook: whether student code may call back a grader-side object
        self.lent = {}  # callback id -> grader-side object lent to student code
        self.process = None
        self.generation = 0  # how many times the process was started; proxies remember theirs

    # -- process ----------------------------------------------------------------------------

    def start(self):
        student_reads, grader_writes = os.pipe()
        grader_reads, student_writes = os.pipe()
        self.process = subprocess.Popen(
            [*self.command, str(student_reads), str(student_writes)],
            pass_fds=(student_reads, student_writes), env=self.env, cwd=self.cwd,
            stdin=subprocess.DEVNULL, stdout=self.log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT, start_new_session=True)
        os.close(student_reads)
        os.close(student_writes)
        self.writer = os.fdopen(grader_writes, "wb")
        self.reader = os.fdopen(grader_reads, "rb")
        self.generation += 1
        self.proxies.clear()
        self.classes.clear()
        self.forget_shared()

    def stop(self):
        """Stop the student's process and everything in its sandbox, and wait until all of
        it is gone."""
        if self.process and self.process.poll() is None:
            kill_tree(self.process.pid)
        if self.process:
            self.process.wait()
            for stream in (self.writer, self.reader):
                try:
                    stream.close()
                except OSError:
                    pass

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None

    def _exit_reason(self):
        code = self.process.wait()
        killed_by = -code if code < 0 else code - 128 if code > 128 else 0  # bwrap: 128 + n
        if killed_by:
            return {9: "killed (a limit: memory, processes or time)",
                    11: "crashed (segmentation fault)"}.get(killed_by,
                                                            f"killed by signal {killed_by}")
        return f"exited with code {code}"

    # -- encoding ---------------------------------------------------------------------------

    def forget_shared(self):
        self.shared.clear()

    def _encode(self, value, encoder):
        def reference(obj):
            if isinstance(obj, (RemoteMeta, RemoteObject)):
                if self._generation_of(obj) != self.generation:
                    raise TypeError(f"{obj._type if isinstance(obj, RemoteObject) else obj.__name__}"
                                    " belongs to the student's process before it restarted")
            if isinstance(obj, RemoteMeta):
                return {"ref": obj._cls_ref}
            if isinstance(obj, RemoteObject):
                return {"ref": obj._ref}
            if type(obj) is np.ndarray and obj.dtype.name in wire.DTYPES:
                return {"shared": self.shared.token(obj), **encoder.array(obj)}
            if isinstance(obj, np.ufunc) or getattr(np, getattr(obj, "__name__", ""), None) is obj:
                return {"numpy": obj.__name__}
            if self.lendable and self.lendable(obj):
                key = id(obj)
                self.lent[key] = obj
                if isinstance(obj, type):  # a class student code can subclass
                    return {"callback_class": key, "name": obj.__name__,
                            "methods": _methods(obj)}
                return {"callback": key, "name": getattr(obj, "__name__", type(obj).__name__)}
            raise TypeError(f"a {type(obj).__name__} cannot be passed to the student's code: "
                            "only data and the student's own objects cross the boundary")
        encoder.reference = reference
        return encoder.encode(value)

    def _decode(self, node, buffers, generators=None):
        """Decode a node; the Generators it held are appended to `generators`."""
        def reference(node):
            if "shared" in node:
                return self.shared.receive(node["shared"], decoder.array(node))
            if "ref" in node and type(node["ref"]) is int:
                return self._proxy(node)
            if "callback_ref" in node and node["callback_ref"] in self.lent:
                return self.lent[node["callback_ref"]]
            raise wire.WireError(f"unexpected node from the student: {node!r:.200}")
        decoder = wire.Decoder(buffers, reference)
        value = decoder.decode(node)
        if generators is not None:
            generators += decoder.generators
        return value

    def _proxy(self, node):
        ref = node["ref"]
        if ref in self.proxies:
            return self.proxies[ref]
        name = str(node.get("type", "object"))[:100]
        if node.get("is_class"):
            proxy = RemoteMeta(str(node.get("name") or name)[:100], (RemoteObject,),
                               {"_cls_student": self, "_cls_ref": ref, "__slots__": (),
                                "_cls_generation": self.generation})
            self.classes[ref] = proxy
        else:
            cls = self._proxy(node["class"]) if type(node.get("class")) is dict else None
            cls = cls if isinstance(cls, RemoteMeta) else RemoteObject
            proxy = cls.__new__(cls)
            RemoteObject.__init__(proxy, self, ref, cls.__name__ if cls is not RemoteObject else name)
        self.proxies[ref] = proxy
        return proxy

    @staticmethod
    def _generation_of(proxy):
        if isinstance(proxy, RemoteMeta):
            return proxy._cls_generation
        return proxy._generation

    # -- requests ---------------------------------------------------------------------------

    def call(self, target, args, kwargs, *, label):
        return self.request("call", target=target, args=list(args), kwargs=dict(kwargs),
                            label=label, timeout=self.call_timeout)

    def request(self, op, *, label, wait=None, **fields):
        """Send one request and return its decoded value; raise the student's errors.

        Inputs:
        - op: the request; label: what it is in the student's terms ("Linear.backward"),
          for messages; wait: seconds to wait for the answer (default: the call timeout).
        """
        if not self.alive:
            raise StudentDied(f"the student's process is not running ({label})")
        encoder = wire.Encoder(None, arrays_by_reference=True)
        header = {"op": op, "bind": self._encode_bindings(encoder)}
        for key, value in fields.items():
            header[key] = (self._encode(value, encoder)
                           if key in ("target", "args", "kwargs", "key", "value", "item")
                           else value)
        header["sync"] = self.shared.changed(encoder)
        wire.write_frame(self.writer, header, encoder.buffers)
        reply, buffers = self._read(label, wait or fields.get("timeout", self.call_timeout))
        for update in reply.get("sync", []):
            self._decode(update, buffers)
        if "error" in reply:
            error = reply["error"]
            raise _error(str(error.get("type")), str(error.get("message")), error.get("where"))
        return self._decode(reply.get("value"), buffers)

    def _encode_bindings(self, encoder):
        """The student names to rebind before the request is answered, encoded: those of the
        `bindings` hook whose values can cross (a test's own object, a Generator say, stays
        on this side)."""
        encoded = {}
        for name, value in (self.bindings() if self.bindings else {}).items():
            try:
                encoded[name] = self._encode(value, encoder)
            except TypeError:
                continue
        return encoded

    def _read(self, label, timeout):
        """Wait for the answer to a request, serving the student's callbacks meanwhile."""
        deadline = time.monotonic() + timeout + 5  # the student's own alarm fires first
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.reader], [], [], max(left, 0))
            if not ready:
                self.stop()
                raise StudentTimeout(f"timeout after {timeout} s in {label}")
            try:
                header, buffers = wire.read_frame(self.reader)
            except EOFError:
                raise StudentDied(f"the student's process {self._exit_reason()} in {label}") from None
            if "callback" not in header:
                return header, buffers
            started = time.monotonic()
            self._serve_callback(header, buffers)
            deadline += time.monotonic() - started  # time spent here is not the student's

    def _serve_callback(self, header, buffers):
        """Student code used a grader-side object it was lent: do what it asked, if allowed,
        and answer with plain data (or other lendable objects)."""
        for update in header.get("sync", []):
            self._decode(update, buffers)
        encoder = wire.Encoder(None, arrays_by_reference=True)
        try:
            target = self.lent.get(header.get("callback"))
            if target is None:
                raise wire.WireError("unknown callback")
            action, generators = header.get("action"), []
            if action in ("call", "method"):
                args = self._decode(header.get("args", {"list": []}), buffers, generators)
                kwargs = self._decode(header.get("kwargs", {"dict": []}), buffers, generators)
                if type(args) is not list or type(kwargs) is not dict:
                    raise wire.WireError("bad callback arguments")
                if action == "method":  # a method of a lent class, on a student's object
                    if not isinstance(target, type) or header.get("name") not in _methods(target):
                        raise wire.WireError("unknown method")
                    target = getattr(target, header["name"])
                value = target(*args, **kwargs)
            elif action == "getattr":
                name = header.get("name")
                if type(name) is not str or name.startswith("_") or isinstance(target, _CALL_ONLY):
                    raise AttributeError(f"{name!r:.50} cannot be read from a test's function")
                value = getattr(target, name)
            elif action == "getitem":
                value = target[self._decode(header.get("key"), buffers)]
            elif action == "len":
                value = len(target)
            elif action == "list":
                value = list(target)
            else:
                raise wire.WireError(f"unknown callback action {action!r:.50}")
            # the student's generators advance by the draws made here from their copies
            reply = {"value": self._encode(value, encoder),
                     "generators": [g.bit_generator.state for g in generators]}
        except Exception as error:  # reported to the student's code as an exception
            reply, encoder.buffers = {"error": {"type": type(error).__name__,
                                                "message": str(error)[:500]}}, []
        reply["sync"] = self.shared.changed(encoder)
        wire.write_frame(self.writer, reply, encoder.buffers)


def _methods(cls):
    """The methods of a lent class that student code may call on its own objects of it (or of
    a subclass): the public ones, the constructor and __call__."""
    return sorted(name for name in dir(cls)
                  if (not name.startswith("_") or name in ("__init__", "__call__"))
                  and isinstance(getattr(cls, name, None), types.FunctionType))
