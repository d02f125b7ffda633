from .errors import InputError, KeyPath, Problem, ScenarioError
from .loader import from_dict, load, load_bytes, loads, validate_data, variants
from .overrides import apply_override, parse_vary, set_value, split_values
from .schema import ScenarioSpec, json_schema
from .source import Scenario, ScenarioSource

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
