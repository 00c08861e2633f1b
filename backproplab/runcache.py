"""The run cache: finished training runs stored on disk as small JSON files, keyed by the
arguments of the run and by the fingerprint of the code that trained it.

Reopening a notebook redraws its figures without training again, and an edit to any function or
class a run uses gives new keys, so old results are never shown as new.
"""

import hashlib
import inspect
import json
import os
import tempfile
from functools import wraps
from pathlib import Path

import numpy as np

from backproplab.fingerprint import fingerprint

__all__ = ["RunCache"]

# Arguments a stored file shows as they are; any other by the name of its type.
_SHOWN = (bool, int, float, str, type(None))


def _canonical(value, memo):
    """A JSON-able description of an argument, identical for equal arguments.

    Arrays are described by a hash of their bytes, functions and classes by their fingerprint
    (both computed once per object: `memo` maps id -> (object, hash)); floats by repr, so that
    1, 1.0 and True stay apart.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return [type(value).__name__, value]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, np.generic):
        return _canonical(value.item(), memo)
    if isinstance(value, np.ndarray):
        if id(value) not in memo:
            data = np.ascontiguousarray(value)
            memo[id(value)] = (value, hashlib.sha256(data.view(np.uint8)).hexdigest())
        return ["array", str(value.dtype), list(value.shape), memo[id(value)][1]]
    if isinstance(value, dict):
        items = [[_canonical(k, memo), _canonical(v, memo)] for k, v in value.items()]
        return ["dict", sorted(items, key=json.dumps)]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [_canonical(v, memo) for v in value]]
    if inspect.isfunction(value) or inspect.isclass(value):
        if id(value) not in memo:
            memo[id(value)] = (value, fingerprint(value))
        return ["code", value.__qualname__, memo[id(value)][1]]
    raise TypeError(f"the cache cannot key a run on an argument of type {type(value).__name__}; "
                    "use numbers, strings, booleans, None, arrays, lists, tuples, dicts, "
                    "functions and classes")


def _jsonable(value):
    """What json.dumps calls for a value it cannot write: NumPy numbers become Python ones."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"a run's row must hold numbers, strings, booleans or None to be cached; "
                    f"got {type(value).__name__}")


def _readable(value):
    """An argument as a stored file shows it, for people reading the file: not part of the key."""
    return value if isinstance(value, _SHOWN) else type(value).__name__


class RunCache:
    """Finished runs on disk, so that a study is trained once and then only read.

    Each run is one JSON file in `folder`, named by a hash of
    - the run function's fingerprint: its code and all the notebook code it uses (see
      `fingerprint`), taken when the function is wrapped;
    - every argument of the call: numbers and strings as they are, arrays by a hash of their
      bytes, functions and classes (a loss class, say) by their fingerprint.

    So a change to the code or the data gives new keys and new runs, never stale results. The
    folder is created on demand; delete it (or call `clear`) to start over. Two people whose
    code is identical share entries, which is harmless: their runs would give the same rows.

    Usage:
        cached_run = RunCache(".cache/heart").wrap(run_experiment)
        row = cached_run("lr", 0.1, 0, baseline=baseline, data=data)   # trains, stores
        row = cached_run("lr", 0.1, 0, baseline=baseline, data=data)   # reads the file
    """

    def __init__(self, folder):
        """folder: str or Path, relative to the working directory (the notebook's folder)."""
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0

    def wrap(self, run):
        """A function that calls `run` once per distinct call and then reads its result.

        Inputs:
        - run: a function returning a dict of JSON-able values (a row of a study table).

        Returns:
        - cached_run: same arguments and result as `run`; results come back as stored in
          JSON (NumPy numbers become Python numbers). Wrap again after editing code: the
          fingerprint is taken now.
        """
        code = fingerprint(run)
        memo = {}  # id -> (object, hash): each array and class is hashed once per wrapper

        @wraps(run)
        def cached_run(*args, **kwargs):
            description = {"run": run.__qualname__, "code": code,
                           "args": _canonical(list(args), memo),
                           "kwargs": _canonical(kwargs, memo)}
            key = hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()
            path = self.folder / f"{key}.json"
            if path.is_file():
                try:
                    row = json.loads(path.read_text())["row"]
                except (ValueError, KeyError):  # an unreadable file: run again
                    pass
                else:
                    self.hits += 1
                    return row
            row = run(*args, **kwargs)
            text = json.dumps({"run": run.__qualname__, "code": code,
                               "call": [_readable(a) for a in args], "row": row},
                              default=_jsonable, indent=1)
            self._write(path, text)
            self.misses += 1
            return json.loads(text)["row"]

        return cached_run

    def _write(self, path, text):
        # write to a temporary file and rename it, so a file is never seen half written
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, path)

    def __len__(self):
        """The number of runs stored."""
        return len(list(self.folder.glob("*.json"))) if self.folder.is_dir() else 0

    def clear(self):
        """Delete every stored run."""
        for path in self.folder.glob("*.json") if self.folder.is_dir() else ():
            path.unlink()

    def __repr__(self):
        return (f"RunCache({str(self.folder)!r}: {len(self)} runs stored; "
                f"{self.hits} read, {self.misses} trained since it was made)")
