"""The io layer: results folders written atomically, CSV tables, plots.

It reads analysis results and scenario sources; nothing here changes a number.

Its names are imported when first used (see ``__getattr__``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from .files import OutputError, OutputExistsError, result_folder
    from .save import plot_comparison, save_comparison, save_ensemble, save_run, scenario_yaml

#: where each name is defined: imported on first use, so that a command that needs none
#: of them (``defsim --version``, ``defsim list``) never pays for their imports
__getattr__ = _lazy.getter(
    __name__,
    globals(),
    {
        ".files": "OutputError OutputExistsError result_folder",
        ".save": "plot_comparison save_comparison save_ensemble save_run scenario_yaml",
    },
)

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
