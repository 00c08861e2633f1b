"""One progress bar for a study: `quiet_progress` hides the tqdm bars of the runs inside it."""

from contextlib import contextmanager

import tqdm.std

__all__ = ["quiet_progress"]


@contextmanager
def quiet_progress():
    """Silence every tqdm progress bar created inside the `with` block.

    A study trains hundreds of models, and `train` shows a bar for each. Create the study's
    own bar first, outside the block, and train inside it:

        for factor, value, seed in tqdm(runs):      # the one bar of the study
            with quiet_progress():
                row = run(factor, value, seed, ...)  # the bars of train stay hidden

    It works for any bar made with tqdm (tqdm.auto, tqdm.notebook, tqdm.std), whatever name
    the code that makes it uses, by setting disable=True for bars created in the block.
    """
    saved = vars(tqdm.std.tqdm)["__init__"]  # a partialmethod in recent tqdm: put back as is
    original = tqdm.std.tqdm.__init__

    def silent_init(self, *args, **kwargs):
        original(self, *args, **{**kwargs, "disable": True})

    tqdm.std.tqdm.__init__ = silent_init
    try:
        yield
    finally:  # blocks nest: each puts back what it found
        tqdm.std.tqdm.__init__ = saved
