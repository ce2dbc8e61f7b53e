"""Each axis lays out its ticks once per measuring or drawing pass.

matplotlib recomputes an axis' ticks (locator, formatter, every tick's position and
label) whenever anything asks for a size: measuring one Axes for ``tight_layout`` does it
four or five times for the y axis (its own box, its label's position, the title's
position, each spine's extent), and drawing does it again as often. Within one pass the
Axes neither move nor change their limits, so every call gives the same ticks; here the
first call's result is kept for the length of the pass (``with ticks_once(fig.axes):``).
Between passes (``tight_layout`` moves the Axes, and the locator may then choose other
ticks for the new length) nothing is kept.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator


@contextlib.contextmanager
def ticks_once(axes: Iterable) -> Iterator[None]:
    patched = []
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            update = getattr(axis, "_update_ticks", None)
            if update is None or "_update_ticks" in vars(axis):
                continue  # another matplotlib, or already inside a pass
            axis._update_ticks = _kept(update)
            patched.append(axis)
    try:
        yield
    finally:
        for axis in patched:
            del axis._update_ticks


def _kept(update):
    kept: list = []

    def update_ticks(*args, **kwargs):
        if args or kwargs:  # not the call this was written for: leave it alone
            return update(*args, **kwargs)
        if not kept:
            kept.append(update())
        return kept[0]
    return update_ticks
