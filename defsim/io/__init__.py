"""The io layer: results folders written atomically, CSV tables, plots.

It reads analysis results and scenario sources; nothing here changes a number.

Its names are imported when first used (see ``_WHERE``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _lazy

if TYPE_CHECKING:
    from .files import OutputError, OutputExistsError, result_folder
    from .save import plot_comparison, save_comparison, save_ensemble, save_run, scenario_yaml

#: where each name is defined: imported on first use, so that a command that needs none
#: of them (``defsim --version``, ``defsim list``) never pays for their imports
_WHERE = {
    "OutputError": ".files",
    "OutputExistsError": ".files",
    "result_folder": ".files",
    "plot_comparison": ".save",
    "save_comparison": ".save",
    "save_ensemble": ".save",
    "save_run": ".save",
    "scenario_yaml": ".save",
}


def __getattr__(name: str) -> Any:
    return _lazy.attribute(__name__, _WHERE, globals(), name)


__all__ = [
    "OutputError",
    "OutputExistsError",
    "plot_comparison",
    "result_folder",
    "save_comparison",
    "save_ensemble",
    "save_run",
    "scenario_yaml",
]
