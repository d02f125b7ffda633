"""The scenario layer: YAML with lines, the schema with units, cross references, overrides.

Nothing past this layer sees pydantic: :mod:`defsim.plan` compiles a :class:`Scenario`'s
``spec`` into plain typed data.

Its names are imported when first used (see ``_WHERE``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _lazy

if TYPE_CHECKING:
    from .errors import InputError, KeyPath, Problem, ScenarioError
    from .loader import from_dict, load, load_bytes, loads, validate_data, variants
    from .overrides import apply_override, parse_vary, set_value, split_values
    from .schema import ScenarioSpec, json_schema
    from .source import Scenario, ScenarioSource

#: where each name is defined: imported on first use, so that a command that needs none
#: of them (``defsim --version``, ``defsim list``) never pays for their imports
_WHERE = {
    "InputError": ".errors",
    "KeyPath": ".errors",
    "Problem": ".errors",
    "ScenarioError": ".errors",
    "from_dict": ".loader",
    "load": ".loader",
    "load_bytes": ".loader",
    "loads": ".loader",
    "validate_data": ".loader",
    "variants": ".loader",
    "apply_override": ".overrides",
    "parse_vary": ".overrides",
    "set_value": ".overrides",
    "split_values": ".overrides",
    "ScenarioSpec": ".schema",
    "json_schema": ".schema",
    "Scenario": ".source",
    "ScenarioSource": ".source",
}


def __getattr__(name: str) -> Any:
    return _lazy.attribute(__name__, _WHERE, globals(), name)


__all__ = [
    "InputError",
    "KeyPath",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioSource",
    "ScenarioSpec",
    "apply_override",
    "from_dict",
    "json_schema",
    "load",
    "load_bytes",
    "loads",
    "parse_vary",
    "set_value",
    "split_values",
    "validate_data",
    "variants",
]
