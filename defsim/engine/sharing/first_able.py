"""first_able: the first site, in the file's order, with a free fire channel and a round it may
fire at the threat; else the first site (where the threat waits or leaks)."""

from __future__ import annotations

from collections.abc import Sequence

from ...vocab import Share
from .base import LayerSite, register


@register(Share.FIRST_ABLE)
class FirstAble:
    #: a threat passed on from the layer above is offered to each site in turn (an able one
    #: engages it at once, picking its round once), else the first site enters it: sites do
    #: this themselves (see base.py)
    in_turn = True

    def choose(self, sites: Sequence[LayerSite], tt: int) -> LayerSite:
        for s in sites:
            if s.free and s.pick(tt) is not None:
                return s
        return sites[0]
