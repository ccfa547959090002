"""Builds the compiled core, fastit._core, from csrc/.

Threads come from the core's own std::thread pool (csrc/parallel.hpp), so no OpenMP
flags are needed on any compiler.

Environment switches:
  FASTIT_DEBUG=1    build with -O0 -g instead of -O3.
  FASTIT_NATIVE=1   add -march=native (not for wheels you ship to other machines).
  FASTIT_SANITIZE=1 build with AddressSanitizer and UndefinedBehaviorSanitizer (GCC or
                    Clang), -O1 -g, for tests only: undefined behaviour (float-to-integer
                    overflow included) aborts the process, and the standard library checks
                    its preconditions (_GLIBCXX_ASSERTIONS). Python must load the ASan
                    runtime first: LD_PRELOAD=$(g++ -print-file-name=libasan.so), with
                    ASAN_OPTIONS=detect_leaks=0 (the interpreter leaks at exit); .ci/run
                    shows the whole recipe.
"""

import os
from glob import glob

from pybind11.setup_helpers import Pybind11Extension, build_ext
from setuptools import setup


def switch(name: str) -> bool:
    return os.environ.get(name, "0") == "1"


SANITIZERS = "-fsanitize=address,undefined,float-cast-overflow"
compile_args = ["-O0", "-g"] if switch("FASTIT_DEBUG") else ["-O3"]
link_args = ["-pthread"]
if switch("FASTIT_SANITIZE"):
    compile_args = ["-O1", "-g", "-fno-omit-frame-pointer", SANITIZERS]
    compile_args += ["-fno-sanitize-recover=all", "-D_GLIBCXX_ASSERTIONS"]
    link_args.append(SANITIZERS)
if switch("FASTIT_NATIVE"):
    compile_args.append("-march=native")

ext = Pybind11Extension(
    "fastit._core",
    sorted(glob("csrc/*.cpp")),
    include_dirs=["csrc"],
    cxx_std=17,
    extra_compile_args=compile_args,
    extra_link_args=link_args,
)
setup(ext_modules=[ext], cmdclass={"build_ext": build_ext})
