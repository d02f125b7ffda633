"""The scenario layer: YAML with lines, the schema with units, cross references, overrides.

Nothing past this layer sees pydantic: :mod:`defsim.plan` compiles a :class:`Scenario`'s
``spec`` into plain typed data.

Its names are imported when first used (see ``__getattr__``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from .errors import InputError, KeyPath, Problem, ScenarioError
    from .loader import from_dict, load, load_bytes, loads, validate_data, variants
    from .overrides import apply_override, parse_vary, set_value, split_values
    from .schema import ScenarioSpec, json_schema
    from .source import Scenario, ScenarioSource

#: where each name is defined, imported on first use (a command that needs none of them
#: pays nothing): errors, loading, overrides, the schema, the scenario object
__getattr__ = _lazy.getter(
    __name__,
    globals(),
    {
        ".errors": "InputError KeyPath Problem ScenarioError",
        ".loader": "from_dict load load_bytes loads validate_data variants",
        ".overrides": "apply_override parse_vary set_value split_values",
        ".schema": "ScenarioSpec json_schema",
        ".source": "Scenario ScenarioSource",
    },
)

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
