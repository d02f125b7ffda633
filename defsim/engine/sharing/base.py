"""What a layer-sharing rule sees of the sites of a layer, and the registry of rules by name.

A sharing rule decides which site of a layer meets a threat aimed at an asset (the layer's
first site when it has one only: no rule is asked then).  It is one class with
:meth:`ShareRule.choose`, and optionally ``hand_over(sites, tid, tt)`` for a threat passed on
from the layer above, when it can engage it more cheaply than choosing and then entering.  A
rule whose ``in_turn`` is true offers such a threat to each site in turn, the first able one
engaging it at once, else the first site enters it (first_able): sites do that themselves, on
the compiled hot path, without calling the rule.  ``@register("name")`` makes the class the rule a scenario's
asset names with ``share: name``: the schema accepts the name, and ``defsim schema`` and the
generated reference list it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ...vocab import add_share_rule
from ..registry import Registry


class LayerSite(Protocol):
    """What an asset and the sharing rules ask of a site in one of its layers."""

    index: int
    free: int  # fire channels free now
    n_waiting: int  # threats waiting for one
    ready: list[int]  # rounds on launchers, by slot
    magazine: list[int]  # rounds in the magazine, by slot
    choices: list[list[tuple[int, float, int]]]  # per threat type: (slot, pk, reserve), preferred first

    def pick(self, tt: int) -> tuple[int, float, int] | None: ...

    def offer(self, tid: int, tt: int) -> bool: ...

    def arrive(self, tid: int, tt: int) -> None: ...

    def enter(self, tid: int, tt: int) -> None: ...

    def passed_of(self, a: int) -> list[list[int]]: ...

    def in_flight(self, out: list[list[int]], twice: list[int]) -> None: ...


class ShareRule(Protocol):
    """How the sites of one layer share the threats aimed at an asset."""

    def choose(self, sites: Sequence[LayerSite], tt: int) -> LayerSite:
        """The site of ``sites`` (two or more, in the file's order) that meets a threat of type ``tt``."""


#: a threat ``(tid, tt)`` passed on from the layer above meets one of ``sites``
HandOver = Callable[[Sequence[LayerSite], int, int], None]

#: the sharing rules by the name a scenario gives them (``assets: NAME: share:``)
SHARING: Registry[ShareRule] = Registry("sharing rule", add_share_rule)
#: class decorator: make the class the layer-sharing rule called ``name``
register = SHARING.register
#: the sharing rule an asset names
share_rule = SHARING.make


def hand_over_of(rule: ShareRule) -> HandOver | None:
    """How a threat passed on from above meets a layer of two or more sites under ``rule``:
    None if the rule offers it in turn (sites do that), else the rule's own ``hand_over`` if it
    has one, else the site it chooses enters it."""
    if getattr(rule, "in_turn", False):
        return None
    own: HandOver | None = getattr(rule, "hand_over", None)
    if own is not None:
        return own

    def hand_over(sites: Sequence[LayerSite], tid: int, tt: int) -> None:
        rule.choose(sites, tt).enter(tid, tt)

    return hand_over
