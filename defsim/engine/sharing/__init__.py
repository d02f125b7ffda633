"""Layer-sharing rules: how the sites of one layer of an asset share the threats aimed at it.

A new rule is one class in one file: give it ``choose(sites, tt)`` and decorate it with
``@register("name")`` (see base.py; tests/test_layers_share.py registers one defined in the
test and runs it from YAML).  A rule shipped with defsim also gets its word as a member of
``defsim.vocab.Share``, and its module is imported below.
"""

from __future__ import annotations

# the built-in rules register themselves on import
from .base import SHARING, HandOver, LayerSite, ShareRule, hand_over_of, register, share_rule
from .first_able import FirstAble
from .least_loaded import LeastLoaded
from .most_rounds import MostRounds

__all__ = [
    "SHARING",
    "FirstAble",
    "HandOver",
    "LayerSite",
    "LeastLoaded",
    "MostRounds",
    "ShareRule",
    "hand_over_of",
    "register",
    "share_rule",
]
