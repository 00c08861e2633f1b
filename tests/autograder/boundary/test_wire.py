"""The wire format: plain data round trips exactly, and malformed frames are refused."""

import io
import json
import struct

import numpy as np
import pandas as pd
import pytest

from autograder.boundary import wire


def _round_trip(value):
    encoder = wire.Encoder(lambda obj: pytest.fail(f"{obj!r} should be plain data"))
    node = encoder.encode(value)
    stream = io.BytesIO()
    wire.write_frame(stream, {"value": node}, encoder.buffers)
    stream.seek(0)
    header, buffers = wire.read_frame(stream)
    return wire.Decoder(buffers, lambda node: pytest.fail(f"unexpected {node}")).decode(
        header["value"])


@pytest.mark.parametrize("value", [
    None, True, 0, -7, 2 ** 80, "día", 0.1, float("inf"), [1, [2, "x"]], (1, 2.5),
    {"a": 1, 2: [3], (1, 2): None}, slice(1, None, 2), Ellipsis,
])
def test_plain_values_round_trip(value):
    assert _round_trip(value) == value


def test_nan_survives():
    assert np.isnan(_round_trip(float("nan")))


@pytest.mark.parametrize("array", [
    np.arange(12.0).reshape(3, 4), np.arange(6, dtype=np.int32), np.zeros((0, 3), np.float32),
    np.array([True, False]), np.arange(6.0).reshape(2, 3).T,  # not C-contiguous
])
def test_arrays_round_trip_with_dtype_and_shape(array):
    back = _round_trip(array)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)


def test_scalars_frames_and_generators_round_trip():
    assert _round_trip(np.float32(1.5)) == np.float32(1.5)
    assert type(_round_trip(np.float32(1.5))) is np.float32
    frame = pd.DataFrame({"loss": [1.0, 0.5], "epoch": [1, 2]})
    pd.testing.assert_frame_equal(_round_trip(frame), frame)
    generator = np.random.default_rng(3)
    copy = _round_trip(generator)
    assert copy.normal() == np.random.default_rng(3).normal()


def test_objects_cross_as_references():
    class Thing:
        pass
    thing = Thing()
    encoder = wire.Encoder(lambda obj: {"ref": 7} if obj is thing else None)
    assert encoder.encode([thing]) == {"list": [{"ref": 7}]}


def _frame(header_bytes, body=b"", total=None):
    total = len(header_bytes) + len(body) if total is None else total
    return io.BytesIO(struct.pack("<QI", total, len(header_bytes)) + header_bytes + body)


@pytest.mark.parametrize("stream", [
    _frame(b"not json"),
    _frame(json.dumps({"value": 1}).encode()),  # no _sizes
    _frame(json.dumps({"_sizes": [5]}).encode(), b"123"),  # sizes do not add up
    _frame(b"{}", total=wire.MAX_FRAME + 1),
], ids=["not json", "no sizes", "sizes", "too large"])
def test_malformed_frames_are_refused(stream):
    with pytest.raises(wire.WireError):
        wire.read_frame(stream)


def test_a_closed_channel_is_eof():
    with pytest.raises(EOFError):
        wire.read_frame(io.BytesIO(b"\x01\x00"))


@pytest.mark.parametrize("node", [
    {"array": 0, "dtype": "object", "shape": [1]},
    {"array": 0, "dtype": "float64", "shape": [2]},  # the buffer holds one float
    {"array": 5, "dtype": "float64", "shape": [1]},
    {"array": 0, "dtype": "float64", "shape": [-1]},
    {"generator": {"bit_generator": "os.system"}},
    {"slice": [{"float": "1.5"}, None, None]},
    {"dict": [[{"list": []}, 1]]},  # an unhashable key
    [1, 2],
], ids=["dtype", "length", "buffer", "shape", "bit generator", "slice", "key", "bare list"])
def test_malformed_nodes_are_refused(node):
    decoder = wire.Decoder([np.float64(1).tobytes()], lambda node: pytest.fail("no reference"))
    with pytest.raises(wire.WireError):
        decoder.decode(node)


def test_an_unknown_node_is_left_to_the_sides_reference_hook():
    seen = []
    wire.Decoder([], seen.append).decode({"pickle": "gASVAAAAAAAAAAA="})
    assert seen == [{"pickle": "gASVAAAAAAAAAAA="}]


def test_shared_arrays_send_only_what_changed():
    array = np.zeros(3)
    shared = wire.SharedArrays("g")
    token = shared.token(array)
    assert shared.token(array) == token == "g1"
    encoder = wire.Encoder(None)
    assert shared.changed(encoder) == []
    array[1] = 5.0
    assert [node["shared"] for node in shared.changed(encoder)] == ["g1"]
    assert shared.changed(encoder) == []


def test_what_the_other_side_sends_lands_in_the_same_array():
    array = np.zeros(3)
    shared = wire.SharedArrays("s")
    token = shared.token(array)
    received = shared.receive(token, np.ones(3))
    assert received is array and np.array_equal(array, np.ones(3))
    assert shared.changed(wire.Encoder(None)) == []  # the other side has it already
    other = shared.receive("g7", np.arange(2.0))
    assert shared.token(other) == "g7"  # sent back, it crosses as the same array


def test_arrays_nothing_holds_are_dropped_and_held_ones_kept():
    shared = wire.SharedArrays("g")
    held = np.zeros(3)
    shared.token(held)
    shared.token(np.zeros(3))
    shared.changed(wire.Encoder(None))
    assert [entry[0] for entry in shared.entries.values()] == [held]
    view = held[1:]  # a view holds its base
    del held
    shared.changed(wire.Encoder(None))
    assert len(shared.entries) == 1 and view.base is not None
