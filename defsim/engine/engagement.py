"""The named records of a site's hot path: engagements, waiting threats, counts held by reference.

Each is a final class with ``__slots__``: compiled by mypyc, a C struct whose fields are read
and written directly.
"""

from __future__ import annotations

from typing import Final, final

# waiting-entry states
WAITING: Final = 0
SERVED: Final = 1
EXPIRED: Final = 2


@final
class Tally:
    """A count held by reference: adding to it allocates nothing (an int item of a list is
    replaced by a new object at each change once it passes 256)."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


@final
class Engagement:
    """One threat engaged by one fire channel, from its first shot to the channel's release.

    A site reuses the record of an ended engagement for its next one (see ``Site._engage``)."""

    __slots__ = ("dead", "left", "newly", "tid", "tt")

    def __init__(self, tid: int, tt: int, left: int) -> None:
        self.tid = tid
        self.tt = tt
        self.dead = False  # killed (the site may not know it yet)
        self.left = left  # engagement opportunities after the current one
        self.newly = False  # killed in the current cycle: counted when the cycle ends


@final
class Waiting:
    """A threat waiting at the site for a fire channel or a round, until its window closes."""

    __slots__ = ("order", "state", "tid", "tt")

    def __init__(self, tid: int, tt: int, order: int) -> None:
        self.tid = tid
        self.tt = tt
        self.state = WAITING  # then SERVED or EXPIRED
        self.order = order  # arrival order among the site's waiting threats
