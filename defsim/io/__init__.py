"""The io layer: results folders written atomically, CSV tables, plots.

It reads analysis results and scenario sources; nothing here changes a number.

Its names are imported when first used (see ``__getattr__``); ``__init__.pyi`` lists them.
"""

from .. import _lazy

#: the names of ``__init__.pyi`` (where type checkers read them), each imported when first
#: used, so that a command that needs none of them (``defsim --version``, ``defsim list``)
#: never pays for their imports
__getattr__, __all__ = _lazy.from_stub(__name__, __file__, globals())
