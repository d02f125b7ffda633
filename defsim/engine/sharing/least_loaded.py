"""least_loaded: the site with the most free fire channels less waiting threats (ties: the
site listed first)."""

from __future__ import annotations

from collections.abc import Sequence

from ...vocab import Share
from .base import LayerSite, register


@register(Share.LEAST_LOADED)
class LeastLoaded:
    def choose(self, sites: Sequence[LayerSite], tt: int) -> LayerSite:
        best = sites[0]
        top = best.free - best.n_waiting
        for s in sites:
            score = s.free - s.n_waiting
            if score > top:
                best, top = s, score
        return best
