"""Which global names a piece of compiled code looks up."""

import dis
import inspect

# LOAD_FROM_DICT_OR_GLOBALS: a name read in a class body (Python 3.12 and later)
GLOBAL_LOADS = ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_FROM_DICT_OR_GLOBALS")


def global_names(code):
    """Every global name a code object (and the code nested in it) looks up. Not co_names:
    it holds attribute names too, so `self.lr` would count as a lookup of a global `lr`."""
    names = {instruction.argval for instruction in dis.get_instructions(code)
             if instruction.opname in GLOBAL_LOADS}
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= global_names(const)
    return names
