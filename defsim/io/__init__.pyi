from .files import OutputError, OutputExistsError, result_folder
from .save import plot_comparison, save_comparison, save_ensemble, save_run, scenario_yaml

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
