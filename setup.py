"""Build step: compile the engine's hot modules with mypyc (pure Python stays the reference).

The modules below carry the event loop and every per-threat step.  Compiled, a run is
about a third faster with bit-identical results (tests/test_compiled.py checks this on every
CI run).  Set DEFSIM_PURE=1 to install without compiling, e.g. for an editable development
install, where a compiled module would shadow edits to its .py file.
"""

import os

from setuptools import setup

HOT = [
    "defsim/engine/clock.py",
    "defsim/engine/site.py",
    "defsim/engine/recorder.py",
    "defsim/engine/simulation.py",
    "defsim/engine/supply.py",
]

ext_modules = []
if os.environ.get("DEFSIM_PURE", "") != "1":
    from mypyc.build import mypycify

    # only the compiled modules must type-check; what they import is followed silently
    ext_modules = mypycify(["--follow-imports=silent", "--ignore-missing-imports", *HOT], opt_level="3")

setup(ext_modules=ext_modules)
