"""The narrow data channel between the grader and a student process.

Messages are length-prefixed frames on a pipe: a JSON header followed by the raw bytes of the
arrays it mentions. Only plain data crosses: None, booleans, integers, floats, strings, lists,
tuples, dicts, NumPy arrays and scalars of numeric dtypes, slices and Ellipsis. Anything else
crosses as a *reference*, a node that names an object the other side keeps. Decoding is strict:
a node that is not exactly one of these, an unknown dtype, or a buffer of the wrong length is
a WireError, never an object built on trust (no pickle).

This module is copied into the student's sandbox, so it imports nothing of the grader's.
"""

import json
import sys
import struct

import numpy as np

DTYPES = frozenset(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                    "uint64", "float16", "float32", "float64", "complex64", "complex128"])
REFERENCE_KEYS = frozenset(["ref", "shared", "callback", "callback_class", "callback_ref",
                            "numpy"])
BIT_GENERATORS = frozenset(["PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937"])
#: The operators a test may apply to a student's object, by their dunder names without the
#: underscores: a Value + a number, -x, a @ b run the student's own methods on their side.
OPERATORS = frozenset(["add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "pow",
                       "rpow", "matmul", "rmatmul", "neg"])
MAX_FRAME = 1 << 30  # 1 GiB: larger than any array a course test exchanges
_PREFIX = struct.Struct("<QI")  # frame length, header length


class WireError(ValueError):
    """A message that is not well formed: the peer is broken or hostile."""


def write_frame(stream, header, buffers=()):
    """Write one message: a JSON-able header and a list of byte buffers."""
    blob = json.dumps({**header, "_sizes": [len(b) for b in buffers]}).encode()
    total = len(blob) + sum(len(b) for b in buffers)
    stream.write(_PREFIX.pack(total, len(blob)))
    stream.write(blob)
    for buffer in buffers:
        stream.write(buffer)
    stream.flush()


def _read_exactly(stream, size):
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the peer closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    """Read one message; return (header, buffers). Raises EOFError when the peer is gone."""
    total, header_size = _PREFIX.unpack(_read_exactly(stream, _PREFIX.size))
    if total > MAX_FRAME or header_size > total:
        raise WireError(f"frame of {total} bytes is too large or malformed")
    body = _read_exactly(stream, total)
    try:
        header = json.loads(body[:header_size])
        sizes = header.pop("_sizes")
    except (ValueError, KeyError, AttributeError) as error:
        raise WireError(f"bad frame header: {error}") from None
    if not isinstance(sizes, list) or sum(sizes) != total - header_size:
        raise WireError("frame buffer sizes do not add up")
    buffers, start = [], header_size
    for size in sizes:
        buffers.append(body[start:start + size])
        start += size
    return header, buffers


class Encoder:
    """Turns values into JSON nodes plus buffers. `reference(value)` handles everything that
    is not plain data: it returns a node naming the object, or raises WireError. With
    `arrays_by_reference`, arrays go to `reference` too (to be shared rather than copied).
    `generators` lists the Generators encoded, in order."""

    def __init__(self, reference, arrays_by_reference=False):
        self.reference = reference
        self.arrays_by_reference = arrays_by_reference
        self.buffers = []
        self.generators = []

    def array(self, array):
        array = np.asarray(array)
        if not array.flags.c_contiguous:
            array = array.copy(order="C")
        self.buffers.append(array.tobytes())
        return {"array": len(self.buffers) - 1, "dtype": array.dtype.name,
                "shape": list(array.shape)}

    def frame(self, value):
        """A pandas DataFrame or Series of numeric columns, by value; None if it has others."""
        columns = value if value.ndim == 2 else {value.name: value}
        arrays = [np.asarray(columns[name]) for name in columns]
        index = np.asarray(value.index)
        if any(a.dtype.name not in DTYPES for a in [*arrays, index]):
            return None
        if not all(type(name) in (str, int) or name is None for name in columns):
            return None
        return {"frame" if value.ndim == 2 else "series": {
            "columns": list(columns), "data": [self.array(a) for a in arrays],
            "index": self.array(index)}}

    def encode(self, value):
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value
        if kind is float:
            return {"float": repr(value)}  # exact, and nan/inf survive
        if kind in (list, tuple):
            return {kind.__name__: [self.encode(item) for item in value]}
        if kind is dict:
            return {"dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if kind is np.ndarray and value.dtype.name in DTYPES:
            return self.reference(value) if self.arrays_by_reference else self.array(value)
        if isinstance(value, np.generic) and value.dtype.name in DTYPES:
            return {"scalar": self.array(np.asarray(value))}
        if value is Ellipsis:
            return {"ellipsis": True}
        if kind is np.random.Generator:
            # by value: the other side draws from a copy of this generator's state
            self.generators.append(value)
            return {"generator": value.bit_generator.state}
        if kind.__module__.startswith("pandas") and kind.__name__ in ("DataFrame", "Series"):
            node = self.frame(value)
            if node is not None:
                return node
        if kind is slice:
            return {"slice": [self.encode(value.start), self.encode(value.stop),
                              self.encode(value.step)]}
        return self.reference(value)


class Decoder:
    """Turns nodes back into values. `reference(node)` turns a reference node into the object
    it names (or raises WireError). `generators` lists the Generators decoded, in order."""

    def __init__(self, buffers, reference):
        self.buffers = buffers
        self.reference = reference
        self.generators = []

    def array(self, node):
        dtype, shape, index = node.get("dtype"), node.get("shape"), node.get("array")
        if dtype not in DTYPES or not isinstance(shape, list) or type(index) is not int:
            raise WireError(f"bad array node {node!r:.200}")
        if not all(type(n) is int and n >= 0 for n in shape) or not 0 <= index < len(self.buffers):
            raise WireError(f"bad array shape or buffer in {node!r:.200}")
        buffer = self.buffers[index]
        dtype = np.dtype(dtype)
        if len(buffer) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise WireError("array buffer has the wrong length")
        return np.frombuffer(buffer, dtype=dtype).reshape(shape).copy()

    def generator(self, state):
        name = state.get("bit_generator") if type(state) is dict else None
        if name not in BIT_GENERATORS:
            raise WireError(f"unknown bit generator {name!r:.50}")
        bit_generator = getattr(np.random, name)()
        try:
            bit_generator.state = state
        except (TypeError, ValueError, KeyError) as error:
            raise WireError(f"bad generator state: {error}") from None
        generator = np.random.Generator(bit_generator)
        self.generators.append(generator)
        return generator

    def frame(self, node):
        import pandas as pd

        body = node.get("frame", node.get("series"))
        if type(body) is not dict or type(body.get("columns")) is not list:
            raise WireError("bad frame node")
        columns, data = body["columns"], [self.array(a) for a in body.get("data", [])]
        if len(columns) != len(data) or not all(type(c) in (str, int) or c is None
                                                for c in columns):
            raise WireError("bad frame columns")
        index = self.array(body.get("index", {}))
        if "series" in node:
            return pd.Series(data[0], index=index, name=columns[0])
        return pd.DataFrame(dict(zip(columns, data)), index=index)

    def decode(self, node):
        if node is None or type(node) in (bool, int, str):
            return node
        if type(node) is not dict or len(node) < 1:
            raise WireError(f"unexpected node {node!r:.200}")
        if not REFERENCE_KEYS.isdisjoint(node):
            return self.reference(node)
        if "float" in node:
            return float(node["float"])
        if "list" in node or "tuple" in node:
            items = node.get("list", node.get("tuple"))
            if type(items) is not list:
                raise WireError("bad sequence node")
            values = [self.decode(item) for item in items]
            return values if "list" in node else tuple(values)
        if "dict" in node:
            if type(node["dict"]) is not list:
                raise WireError("bad dict node")
            result = {}
            for pair in node["dict"]:
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("bad dict item")
                key = self.decode(pair[0])
                if type(key) not in (str, int, bool, tuple, float, type(None)):
                    raise WireError(f"unhashable dict key of type {type(key).__name__}")
                result[key] = self.decode(pair[1])
            return result
        if "array" in node:
            return self.array(node)
        if "scalar" in node:
            value = self.array(node["scalar"])
            if value.shape != ():
                raise WireError("a scalar must have shape ()")
            return value[()]
        if "ellipsis" in node:
            return Ellipsis
        if "generator" in node:
            return self.generator(node["generator"])
        if "frame" in node or "series" in node:
            return self.frame(node)
        if "slice" in node:
            parts = node["slice"]
            if type(parts) is not list or len(parts) != 3:
                raise WireError("bad slice node")
            start, stop, step = (self.decode(p) for p in parts)
            if not all(p is None or type(p) is int for p in (start, stop, step)):
                raise WireError("slice bounds must be integers")
            return slice(start, stop, step)
        return self.reference(node)


class SharedArrays:
    """The arrays both sides hold a copy of, by token: the table each side keeps.

    An array that crosses by reference gets a token (with this side's `prefix`, so the two
    sides' tokens never collide); whichever side changes its copy sends the new contents with
    its next message, and the other side writes them into its own copy in place.
    """

    def __init__(self, prefix):
        self.prefix = prefix
        self.entries = {}  # token -> [array, checksum of what the other side has]
        self.tokens = {}  # id(array) -> token
        self.count = 0  # tokens made so far (tokens are never reused)

    def token(self, array):
        """The token of an array this side is sending now (a new one the first time)."""
        token = self.tokens.get(id(array))
        if token is None or self.entries.get(token, [None])[0] is not array:
            self.count += 1
            token = self.tokens[id(array)] = f"{self.prefix}{self.count}"
        self.entries[token] = [array, checksum(array)]
        return token

    def receive(self, token, value):
        """The other side sent `value` for `token`: this side's array of that token, updated in
        place (where it has one of the same shape and dtype), or `value` itself."""
        entry = self.entries.get(token)
        if entry and entry[0].shape == value.shape and entry[0].dtype == value.dtype:
            entry[0][...] = value
            value = entry[0]
        self.entries[token] = [value, checksum(value)]
        self.tokens[id(value)] = token  # sent back, it crosses as the same array
        return value

    def changed(self, encoder):
        """The arrays changed here since the other side last saw them: a list of nodes
        {"shared": token, ...}, encoded with `encoder`. Drops the arrays nothing else holds
        once their last change is on its way."""
        nodes = []
        for token, entry in list(self.entries.items()):
            current = checksum(entry[0])
            if current != entry[1]:
                entry[1] = current
                nodes.append({"shared": token, **encoder.array(entry[0])})
            # nothing but this table holds it: no code on this side can see it change or
            # change it. Without this, every request would check every array a test ever
            # shared, and a long test would slow down quadratically.
            if _references(entry[0]) <= TABLE_ONLY:
                del self.entries[token]
        return nodes

    def clear(self):
        self.entries.clear()
        self.tokens.clear()


def _references(array):
    return sys.getrefcount(array)


def _table_only():
    """What `_references(entry[0])` reads for an array that only a table entry holds. It is
    measured, in the very call SharedArrays.changed makes, since how CPython counts a call's
    own references is not promised from one version to the next."""
    entry = [np.zeros(1)]
    return _references(entry[0])


TABLE_ONLY = _table_only()


def checksum(array):
    """A fingerprint of an array's contents, shape and dtype: to see whether it changed."""
    return (array.shape, array.dtype.str, hash(np.asarray(array).tobytes()))
