"""most_rounds: the site holding the most rounds (ready and in its magazine) it may fire at the
threat (ties: the site listed first)."""

from __future__ import annotations

from collections.abc import Sequence

from ...vocab import Share
from .base import LayerSite, register


@register(Share.MOST_ROUNDS)
class MostRounds:
    def choose(self, sites: Sequence[LayerSite], tt: int) -> LayerSite:
        best = sites[0]
        top = -1
        for s in sites:
            score = 0
            for c in s.choices[tt]:
                score += s.ready[c[0]] + s.magazine[c[0]]
            if score > top:
                best, top = s, score
        return best
