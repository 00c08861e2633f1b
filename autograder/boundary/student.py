"""The student side of the boundary: runs a submission's code and answers the grader.

It runs inside the sandbox, as its own process, with the submission's cells and nothing of the
grader's: no test code, no gradebook, no masters. It executes the cells it is sent in one
namespace, as a notebook would, then serves requests on a pipe: get a name, an attribute or an
item, set one, call something. Results cross as plain data (see wire.py); objects stay here and
cross as references.

Arrays that cross *by reference* (an argument the grader passes in, an attribute the grader
reads) are shared: each side keeps a copy, and after every request the side that changed one
sends the new contents, so an in-place update (`p -= lr * grad`, or a student's function that
modifies its input) is seen on both sides, as it would be in one process.

This module is copied into the sandbox and imports only wire.py from the grader.
"""

import contextlib
import linecache
import os
import signal
import sys
import time
import traceback

import numpy as np

import wire

CELL = "<cell {}>"


class GraderError(Exception):
    """A test's function, called by student code, raised."""


class GraderProxy:
    """Stands for a grader-side object that student code was given: a test's function, or a
    test's stand-in object. Calls and attribute reads go back to the grader."""

    def __init__(self, server, id_, name):
        object.__setattr__(self, "_server", server)
        object.__setattr__(self, "_id", id_)
        object.__setattr__(self, "_name", name)

    def __call__(self, *args, **kwargs):
        return self._server.callback(self._id, "call", args=list(args), kwargs=dict(kwargs))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._server.callback(self._id, "getattr", name=name)

    def __getitem__(self, key):
        return self._server.callback(self._id, "getitem", key=key)

    def __len__(self):
        return self._server.callback(self._id, "len")

    def __iter__(self):
        return iter(self._server.callback(self._id, "list"))

    def __repr__(self):
        return f"<test object {self._name}>"


class CellTimeout(BaseException):
    """Raised in a cell that ran past its time limit (a BaseException, so `except Exception`
    in student code does not swallow it)."""


def _on_alarm(signum, frame):
    raise CellTimeout()


@contextlib.contextmanager
def _alarm(seconds):
    """A time limit of `seconds` for the block. Blocks nest (student code called back from a
    test that student code called): the inner limit never extends the outer one, and the
    outer one goes on ticking afterwards."""
    outer = signal.alarm(0)
    started = time.monotonic()
    signal.alarm(min(seconds, outer) if seconds and outer else seconds or outer)
    try:
        yield
    finally:
        signal.alarm(0)
        if outer:
            signal.alarm(max(1, outer - int(time.monotonic() - started)))


@contextlib.contextmanager
def _paused_alarm():
    """Stop the clock for the block, and start it again with the time it had left."""
    left = signal.alarm(0)
    try:
        yield
    finally:
        if left:
            signal.alarm(left)


class Server:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.namespace = {"__name__": "__main__"}
        self.fixtures = {}  # names defined by the master's read-only cells, as they ran
        self.lent_classes = {}  # callback id -> the stand-in class made for a lent class
        self.rebound = {}  # name -> the notebook's own value, while a test's binding replaces it
        self.objects = {}  # reference id -> object
        self.ids = {}  # id(object) -> reference id, so one object keeps one reference
        self.shared = wire.SharedArrays("s")
        self.next_id = 0

    # -- encoding ---------------------------------------------------------------------------

    def _ref(self, value):
        key = id(value)
        if key not in self.ids:
            self.next_id += 1
            self.ids[key] = self.next_id
            self.objects[self.next_id] = value
        kind = type(value)
        is_class = isinstance(value, type)
        return {"ref": self.ids[key], "type": kind.__name__,
                "name": value.__name__ if is_class else None,
                "class": None if is_class else self._ref(kind),
                "is_class": is_class, "callable": callable(value)}

    def encode(self, value, live):
        """live: arrays cross shared (by reference) and containers as references, as for
        attributes and items; otherwise arrays and containers cross as copies, as for the
        results of calls."""
        encoder = self._encoder(arrays_by_reference=live)
        if live and type(value) in (list, dict, np.ndarray):
            node = encoder.reference(value)
        else:
            node = encoder.encode(value)
        return node, encoder.buffers

    def _encoder(self, arrays_by_reference):
        """An Encoder whose arrays cross shared and whose objects cross as references."""
        def reference(obj):
            if type(obj) is np.ndarray and obj.dtype.name in wire.DTYPES:
                return {"shared": self.shared.token(obj), **encoder.array(obj)}
            if type(obj) is GraderProxy:
                return {"callback_ref": obj._id}
            return self._ref(obj)

        encoder = wire.Encoder(reference, arrays_by_reference)
        return encoder

    def decode(self, node, buffers):
        def reference(node):
            if "ref" in node:
                if node["ref"] not in self.objects:
                    raise wire.WireError(f"unknown reference {node['ref']!r}")
                return self.objects[node["ref"]]
            if "shared" in node:
                return self.shared.receive(node["shared"], decoder.array(node))
            if "callback_class" in node:
                return self._lent_class(node)
            if "callback" in node:
                return GraderProxy(self, node["callback"], str(node.get("name", "")))
            if "numpy" in node:
                function = getattr(np, str(node["numpy"]), None)
                if not callable(function):
                    raise wire.WireError(f"unknown NumPy function {node['numpy']!r:.50}")
                return function
            raise wire.WireError(f"unknown node {node!r:.200}")

        decoder = wire.Decoder(buffers, reference)
        return decoder.decode(node)

    def _lent_class(self, node):
        """A class that stands for a test's (or the course's trusted) class: student code can
        make objects of it and subclass it; its methods run on the grader's side, on the
        student's object, and its code never comes here."""
        key, name, methods = node["callback_class"], node.get("name"), node.get("methods")
        if key not in self.lent_classes:
            if type(name) is not str or type(methods) is not list or \
                    not all(type(m) is str for m in methods):
                raise wire.WireError("bad lent class")
            self.lent_classes[key] = type(name, (), {
                method: _calling_back(self, key, method) for method in methods})
        return self.lent_classes[key]

    def _changed_shared(self):
        """Shared arrays changed here since they were last sent: (nodes, buffers)."""
        encoder = wire.Encoder(lambda obj: None)
        return self.shared.changed(encoder), encoder.buffers

    # -- requests ---------------------------------------------------------------------------

    def serve(self):
        """Answer the grader's requests until it closes the channel."""
        try:
            while True:
                self._answer(*self._receive())
        except EOFError:
            return

    def _receive(self):
        header, buffers = wire.read_frame(self.reader)
        for update in header.get("sync", []):
            self.decode(update, buffers)
        return header, buffers

    def _send(self, message, buffers):
        sync, sync_buffers = self._changed_shared()
        for update in sync:
            update["array"] += len(buffers)
        message["sync"] = sync
        wire.write_frame(self.writer, message, buffers + sync_buffers)

    def _answer(self, header, buffers):
        if "op" not in header:
            raise wire.WireError("expected a request from the grader")
        try:
            self._rebind(header.get("bind", {}), buffers)
            node, out = getattr(self, "op_" + header["op"])(header, buffers)
            reply = {"value": node}
        except CellTimeout:
            reply, out = {"error": {"type": "TimeoutError", "message": "time limit"}}, []
        except BaseException as error:  # whatever the student's code raises is reported
            reply, out = {"error": self._describe(error)}, []
        _leave_if_forked()
        self._send(reply, out)

    def callback(self, target, action, **fields):
        """Ask the grader to act on one of its objects that student code was given (a test's
        function or stand-in): call it, or read an attribute or an item. While waiting, keep
        answering the grader's own requests (its function may call student code)."""
        with _paused_alarm():  # the grader's time is not the student's
            return self._callback(target, action, fields)

    def _callback(self, target, action, fields):
        encoder = self._encoder(arrays_by_reference=True)
        message = {"callback": target, "action": action}
        for key, value in fields.items():
            message[key] = encoder.encode(value) if key in ("args", "kwargs", "key") else value
        self._send(message, encoder.buffers)
        while True:
            header, buffers = self._receive()
            if "op" in header:
                self._answer(header, buffers)
                continue
            if "error" in header:
                error = header["error"]
                raise GraderError(f"{error.get('type')}: {error.get('message')}")
            _advance(encoder.generators, header.get("generators", []))
            return self.decode(header.get("value"), buffers)

    def _describe(self, error):
        where = None
        for frame, line in traceback.walk_tb(error.__traceback__):
            name = frame.f_code.co_filename
            if name.startswith("<cell "):
                text = linecache.getline(name, line).strip()
                where = f"in {frame.f_code.co_qualname}, line {line} of {name[1:-1]}: {text}"
        return {"type": type(error).__name__, "message": str(error)[:2000], "where": where}

    def target(self, header, buffers):
        return self.decode(header["target"], buffers)

    def args(self, header, buffers):
        return (self.decode(header.get("args", {"list": []}), buffers),
                self.decode(header.get("kwargs", {"dict": []}), buffers))

    def op_run(self, header, buffers):
        """Run cells in order; a failing cell does not stop the next. Returns one status each."""
        statuses = []
        for cell in header["cells"]:
            before = dict(self.namespace)
            statuses.append(self._run_cell(cell["label"], cell["source"], header["timeout"]))
            if cell.get("fixture"):
                self.fixtures.update({name: value for name, value in self.namespace.items()
                                      if before.get(name, self) is not value})
        return self.encode(statuses, live=False)

    def _run_cell(self, label, source, timeout):
        from IPython.core.inputtransformer2 import TransformerManager

        filename = CELL.format(label)
        try:
            code = TransformerManager().transform_cell(source)
            linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
            compiled = compile(code, filename, "exec")
        except SyntaxError as error:
            return {"label": label, "status": "error", "error": f"SyntaxError: {error}"}
        try:
            with _alarm(timeout):
                exec(compiled, self.namespace)
            return {"label": label, "status": "ok"}
        except CellTimeout:
            return {"label": label, "status": "timeout", "error": f"ran past {timeout} s"}
        except BaseException as error:
            return {"label": label, "status": "error",
                    "error": f"{type(error).__name__}: {str(error)[:500]}"}
        finally:
            _leave_if_forked()

    def op_forget(self, header, buffers):
        """Drop the shared arrays: the grader starts a new test cell."""
        self.shared.clear()
        return None, []

    def op_names(self, header, buffers):
        names = {name: ("class" if isinstance(value, type) else
                        "function" if callable(value) else "value")
                 for name, value in self.namespace.items()
                 if not name.startswith("_") and type(value).__name__ != "module"}
        return self.encode(names, live=False)

    def op_get(self, header, buffers):
        return self.encode(self.namespace[header["name"]], live=True)

    def op_get_fixture(self, header, buffers):
        return self.encode(self.fixtures[header["name"]], live=True)

    def op_callables(self, header, buffers):
        """References to every class and function the notebook defines, by name."""
        found = {name: value for name, value in self.namespace.items()
                 if not name.startswith("_") and callable(value)
                 and type(value).__name__ != "module"}
        return self.encode(found, live=False)

    def _rebind(self, bindings, buffers):
        """Tests rebound some of the notebook's names (to the course's versions, say): bind
        them here before the request they came with is answered."""
        for name, node in bindings.items():
            self.rebound.setdefault(name, self.namespace.get(name, _ABSENT))
            self.namespace[name] = self.decode(node, buffers)

    def op_unbind(self, header, buffers):
        """Put back the notebook's own values of the names tests rebound; return those names."""
        for name, value in self.rebound.items():
            if value is _ABSENT:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = value
        names = list(self.rebound)
        self.rebound.clear()
        return self.encode(names, live=False)

    def op_copy(self, header, buffers):
        """A copy (deep, if asked) of one of the student's objects, by reference."""
        import copy

        target = self.target(header, buffers)
        value = copy.deepcopy(target) if header.get("deep") else copy.copy(target)
        return self._ref(value), []

    def op_getattr(self, header, buffers):
        return self.encode(getattr(self.target(header, buffers), header["name"]), live=True)

    def op_setattr(self, header, buffers):
        value = self.decode(header["value"], buffers)
        setattr(self.target(header, buffers), header["name"], value)
        return None, []

    def op_getitem(self, header, buffers):
        target, key = self.target(header, buffers), self.decode(header["key"], buffers)
        return self.encode(target[key], live=True)

    def op_setitem(self, header, buffers):
        target, key = self.target(header, buffers), self.decode(header["key"], buffers)
        target[key] = self.decode(header["value"], buffers)
        return None, []

    def op_call(self, header, buffers):
        function = self.target(header, buffers)
        args, kwargs = self.args(header, buffers)
        with _alarm(header.get("timeout", 0)):
            result = function(*args, **kwargs)
        return self.encode(result, live=header.get("live", False))

    def op_operator(self, header, buffers):
        """One of the student's arithmetic operators on their object: target + other, ..."""
        name = header.get("name")
        if name not in wire.OPERATORS:
            raise wire.WireError("bad operator")
        target = self.target(header, buffers)
        args, _ = self.args(header, buffers)
        with _alarm(header.get("timeout", 0)):
            result = getattr(target, f"__{name}__")(*args)
        if result is NotImplemented:
            raise TypeError(f"{type(target).__name__}.__{name}__ does not support this operand")
        return self.encode(result, live=True)

    def op_len(self, header, buffers):
        return len(self.target(header, buffers)), []

    def op_list(self, header, buffers):
        """The items of an iterable (the keys of a dict), each crossing as for attributes."""
        items = list(self.target(header, buffers))
        nodes, out = [], []
        for item in items:
            node, more = self.encode(item, live=True)
            nodes.append(_shift(node, len(out)))
            out += more
        return {"list": nodes}, out

    def op_contains(self, header, buffers):
        return self.decode(header["item"], buffers) in self.target(header, buffers), []

    def op_text(self, header, buffers):
        target = self.target(header, buffers)
        text = repr(target) if header.get("repr") else str(target)
        return text[:2000], []

    def op_bool(self, header, buffers):
        return bool(self.target(header, buffers)), []


SERVER_PID = os.getpid()
_ABSENT = object()  # a name the notebook had not defined


def _leave_if_forked():
    """A process the student's code forked must not answer the grader too: it ends here."""
    if os.getpid() != SERVER_PID:
        os._exit(0)


def _calling_back(server, key, name):
    """A method of a lent class: the grader runs it on this object."""
    def method(self, *args, **kwargs):
        return server.callback(key, "method", name=name, args=[self, *args], kwargs=kwargs)
    method.__name__ = name
    return method


def _advance(generators, states):
    """Give the student's generators the states that the grader's draws from their copies
    left (a test's function called with the student's rng uses it up, as in one process)."""
    if type(states) is not list or len(states) != len(generators):
        raise wire.WireError("bad generator states")
    for generator, state in zip(generators, states):
        copy = wire.Decoder([], None).generator(state)
        try:
            generator.bit_generator.state = copy.bit_generator.state
        except (TypeError, ValueError) as error:
            raise wire.WireError(f"bad generator state: {error}") from None


def _shift(node, offset):
    """Renumber the buffers of an encoded node by `offset` (to concatenate encodings)."""
    if isinstance(node, dict):
        return {key: (value + offset if key == "array" and type(value) is int else
                      _shift(value, offset)) for key, value in node.items()}
    if isinstance(node, list):
        return [_shift(item, offset) for item in node]
    return node


def main():
    reader = os.fdopen(int(sys.argv[1]), "rb")
    writer = os.fdopen(int(sys.argv[2]), "wb")
    signal.signal(signal.SIGALRM, _on_alarm)
    Server(reader, writer).serve()


if __name__ == "__main__":
    main()
