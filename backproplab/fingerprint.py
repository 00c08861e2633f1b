"""Fingerprints of code: a hash of functions and classes and of all the notebook code they use,
which changes with any edit to that code (the run cache keys runs on it).
"""

import hashlib
import inspect
import sys

from backproplab.codenames import global_names

__all__ = ["fingerprint"]

# Plain values whose repr may enter a fingerprint when code refers to them by a global name.
_PLAIN = (bool, int, float, str, bytes, type(None))


def _is_user_code(obj):
    """Functions and classes defined in a notebook (module __main__) or in code run with exec
    (a module that was never imported): the code a study's results depend on. Library code,
    imported from installed modules, is not followed."""
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    module = getattr(obj, "__module__", None)
    return module == "__main__" or (module is not None and module not in sys.modules)


def _code_digest(code):
    """The compiled code itself, for functions whose source text is not available (code run
    with exec). Line numbers are left out: moving a function does not change what it does."""
    consts = [_code_digest(c) if inspect.iscode(c) else repr(c) for c in code.co_consts]
    return repr((code.co_name, code.co_code.hex(), consts, code.co_names, code.co_varnames,
                 code.co_freevars))


def _plain(value):
    """Whether a global's value is a small constant worth including in a fingerprint: a number,
    string or tuple of them. Lists and dicts are left out, since code may fill them as it runs
    (a list of calls, say), which would change the fingerprint from one call to the next."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (tuple, frozenset)):
        return len(value) <= 100 and all(_plain(v) for v in value)
    return False


def _function_text(function, found):
    """Source (or compiled code) of a function, and the user code and constants it refers to,
    added to `found`."""
    try:
        text = inspect.getsource(function)
    except (OSError, TypeError):
        text = _code_digest(function.__code__)
    namespace = function.__globals__
    for name in sorted(global_names(function.__code__)):
        if name not in namespace:
            continue
        value = namespace[name]
        if _is_user_code(value):
            _collect(value, found)
        elif _plain(value) and not name.startswith("__"):
            found.setdefault(("constant", function.__module__, name), f"{name} = {value!r}")
    for cell in function.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if _is_user_code(value):
            _collect(value, found)
    return text


def _members(cls):
    """The functions held by a class: methods, static and class methods, property accessors."""
    for name, member in sorted(vars(cls).items()):
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if isinstance(member, property):
            for accessor in (member.fget, member.fset, member.fdel):
                if inspect.isfunction(accessor):
                    yield f"{name}.{accessor.__name__}", accessor
        elif inspect.isfunction(member):
            yield name, member
        elif _plain(member) and not name.startswith("__"):
            yield name, member


def _collect(obj, found):
    """Add obj (a function or class) and the user code it reaches to `found`: key -> text."""
    key = ("code", getattr(obj, "__module__", ""), getattr(obj, "__qualname__", repr(obj)),
           id(obj))
    if key in found:
        return
    found[key] = None  # placed first, so that recursive references stop here
    if inspect.isclass(obj):
        lines = [f"class {obj.__qualname__}({', '.join(b.__qualname__ for b in obj.__bases__)})"]
        for base in obj.__bases__:
            if _is_user_code(base):
                _collect(base, found)
        for name, member in _members(obj):
            body = _function_text(member, found) if inspect.isfunction(member) else repr(member)
            lines.append(f"  {name}: {body}")
        found[key] = "\n".join(lines)
    else:
        found[key] = _function_text(obj, found)


def fingerprint(*objects):
    """A hash of the code of functions and classes, and of all the code they use.

    Starting from `objects`, it follows every global name their code looks up to the functions
    and classes defined in the notebook (or run with exec), and to small constants (numbers,
    strings, tuples of them; not lists or dicts, which code may fill as it runs). Source text
    is hashed where Python has it; for code whose source is unavailable (run with exec), the
    compiled code is hashed instead. Library code (NumPy, pandas, backproplab) is not included.

    Inputs:
    - objects: functions and classes.

    Returns:
    - str: 64 hexadecimal digits; any edit to the code reached changes it.
    """
    found = {}
    for obj in objects:
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            raise TypeError(f"fingerprint takes functions and classes, got {type(obj).__name__}")
        _collect(obj, found)
    roots = [f"{getattr(o, '__qualname__', '')}" for o in objects]
    texts = sorted(f"{key[0]} {key[2]}\n{text}" for key, text in found.items())
    return hashlib.sha256("\n\n".join(roots + texts).encode()).hexdigest()
