"""Build step: compile the engine's hot modules with mypyc (pure Python stays the reference).

The modules below carry the event loop and every per-threat step.  Compiled, a run is
about a third faster with bit-identical results (tests/test_compiled.py checks this on every
CI run).  Set DEFSIM_PURE=1 to install without compiling, e.g. for an editable development
install, where a compiled module would shadow edits to its .py file.

Compiling is an optimisation, never a requirement: without a working C compiler (or Python's
headers), without mypyc, or if compiling fails for any other reason, the build says so in one
line and installs the pure-Python engine.  pip shows that line only with -v;
``defsim --version`` always says which engine is installed.
"""

import os
import sys
import sysconfig
import tempfile

from setuptools import setup
from setuptools.command.build_ext import build_ext

HOT = [
    "defsim/engine/clock.py",
    "defsim/engine/site.py",
    "defsim/engine/recorder.py",
    "defsim/engine/simulation.py",
    "defsim/engine/supply.py",
    "defsim/engine/layers.py",
    "defsim/engine/state.py",
    "defsim/engine/network.py",
    "defsim/engine/rounds.py",
    "defsim/engine/engagement.py",
    "defsim/engine/sharing/base.py",
    "defsim/engine/sharing/first_able.py",
    "defsim/engine/sharing/least_loaded.py",
    "defsim/engine/sharing/most_rounds.py",
    "defsim/engine/allocation/base.py",
    "defsim/engine/allocation/lowest_stock_first.py",
    "defsim/engine/allocation/priority.py",
    "defsim/engine/allocation/proportional_to_use.py",
]
PURE = "installing the pure-Python engine (same results, about a third slower)"
# the commands that build extension modules; pip also runs setup.py for metadata only
# (egg_info, dist_info), where compiling would be wasted and the message would repeat
BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install", "bdist"}


def say(message: str) -> None:
    print(f"defsim: {message}", file=sys.stderr, flush=True)


def compiler_problem() -> str | None:
    """None if a C file that includes Python.h compiles, else why not (CC is honoured)."""
    from distutils.ccompiler import new_compiler
    from distutils.sysconfig import customize_compiler

    try:
        cc = new_compiler()
        customize_compiler(cc)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "probe.c")
            with open(src, "w") as f:
                f.write("#include <Python.h>\nint defsim_probe(void) { return 0; }\n")
            cc.compile([src], output_dir=tmp, include_dirs=[sysconfig.get_paths()["include"]])
    except Exception:
        return "no working C compiler found (or no Python headers)"
    return None


def mypyc_extensions() -> list:
    """The compiled engine's extension modules, or [] (and one line saying why)."""
    if not BUILDS.intersection(sys.argv[1:]):
        return []
    if os.environ.get("DEFSIM_PURE", "") == "1":
        say(f"DEFSIM_PURE=1; {PURE}")
        return []
    problem = compiler_problem()
    if problem:
        say(f"{problem}; {PURE}")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        say(f"mypyc (part of mypy) is not installed; {PURE}")
        return []
    # mypyc type-checks with its own options, not the project's [tool.mypy] (whose strict engine
    # settings assume numpy and simpy are installed, which they are not in pip's build
    # environment); only the compiled modules must type-check, what they import is followed silently
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
        f.write("[mypy]\n")
    try:
        args = ["--config-file", f.name, "--follow-imports=silent", "--ignore-missing-imports", *HOT]
        return mypycify(args, opt_level="3")
    except (Exception, SystemExit) as exc:
        say(f"mypyc could not compile the engine ({type(exc).__name__}, see above); {PURE}")
        return []
    finally:
        os.unlink(f.name)


class OptionalBuildExt(build_ext):
    """Build the compiled engine if possible; on any failure drop it and install pure Python."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            for path in self.get_outputs():  # no half-compiled engine
                if os.path.exists(path):
                    os.remove(path)
            self.extensions = []
            self.distribution.ext_modules = []
            say(f"compiling the engine failed ({type(exc).__name__}, see above); {PURE}")


setup(ext_modules=mypyc_extensions(), cmdclass={"build_ext": OptionalBuildExt})
