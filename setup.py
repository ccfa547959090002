"""Builds the compiled core, fastit._core, from csrc/.

Threads come from the core's own std::thread pool (csrc/parallel.hpp), so no OpenMP
flags are needed on any compiler.

Environment switches:
  FASTIT_DEBUG=1    build with -O0 -g instead of -O3.
  FASTIT_NATIVE=1   add -march=native (not for wheels you ship to other machines).
"""

import os
from glob import glob

from pybind11.setup_helpers import Pybind11Extension, build_ext
from setuptools import setup

debug = os.environ.get("FASTIT_DEBUG", "0") == "1"
compile_args = ["-O0", "-g"] if debug else ["-O3"]
if os.environ.get("FASTIT_NATIVE", "0") == "1":
    compile_args.append("-march=native")

ext = Pybind11Extension(
    "fastit._core",
    sorted(glob("csrc/*.cpp")),
    include_dirs=["csrc"],
    cxx_std=17,
    extra_compile_args=compile_args,
    extra_link_args=["-pthread"],
)
setup(ext_modules=[ext], cmdclass={"build_ext": build_ext})
