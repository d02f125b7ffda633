"""The scenario layer: YAML with lines, the schema with units, cross references, overrides.

Nothing past this layer sees pydantic: :mod:`defsim.plan` compiles a :class:`Scenario`'s
``spec`` into plain typed data.

Its names are imported when first used (see ``__getattr__``); ``__init__.pyi`` lists them.
"""

from .. import _lazy

#: the names of ``__init__.pyi`` (where type checkers read them), each imported when first
#: used (a command that needs none of them pays nothing): errors, loading, overrides, the
#: schema, the scenario object
__getattr__, __all__ = _lazy.from_stub(__name__, __file__, globals())
