"""Run a peer's own shipped test module with its functions replaced by fastit's twins.

The module is collected from the installed package (``pytest --pyargs``), so the peer's
conftest fixtures (``global_dtype``, ``xp``, ...) work as in its own CI.  A small plugin,
written to a temporary folder, swaps the functions in before the test module is
imported and, once collection is done, checks that the module's names really point at
the twins, so a test run against the originals cannot pass by accident.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

_PLUGIN = """
import importlib

import pytest

REPLACE = {replace!r}


def pytest_configure(config):
    for target, twin in REPLACE.items():
        owner, _, name = target.rpartition(".")
        module, _, attr = twin.rpartition(".")
        twin_function = getattr(importlib.import_module(module), attr)
        setattr(importlib.import_module(owner), name, twin_function)


def pytest_collection_finish(session):
    twins = {{}}
    for target, twin in REPLACE.items():
        owner, _, name = target.rpartition(".")
        module_name, _, attr = twin.rpartition(".")
        twins[name] = getattr(importlib.import_module(module_name), attr)
        if getattr(importlib.import_module(owner), name) is not twins[name]:
            raise pytest.UsageError(f"{{target}} is not the twin")
    references = 0
    for module in {{getattr(item, "module", None) for item in session.items}} - {{None}}:
        for name, twin in twins.items():
            if name in vars(module):
                if vars(module)[name] is not twin:
                    raise pytest.UsageError(f"{{module.__name__}}.{{name}} is not the twin")
                references += 1
    print(f"fastit-twins-checked: {{len(twins)}} targets, {{references}} imported by name")
"""


def run_shipped(
    test_module: str,
    replace: dict[str, str],
    tmp_path: Path,
    env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> tuple[int, int, str]:
    """Run ``test_module`` (dotted, e.g. ``"scipy.stats.tests.test_entropy"``) with every
    ``replace`` target (``"package.module.name"``) set to its twin (``"fastit...name"``).

    Returns (passed, failed + errors, output).  Runs in a subprocess from ``tmp_path``
    with only pytest's defaults and the peer's own conftest, not fastit's settings.
    """
    plugin = tmp_path / "fastit_twin_plugin.py"
    plugin.write_text(textwrap.dedent(_PLUGIN.format(replace=replace)))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        test_module,
        "-p",
        "fastit_twin_plugin",
        "-p",
        "no:cacheprovider",
        "-q",
        "-s",
        "--rootdir",
        str(tmp_path),
        *extra_args,
    ]
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path), *filter(None, [environment.get("PYTHONPATH")])]
    )
    done = subprocess.run(
        command, cwd=tmp_path, env=environment, capture_output=True, text=True, check=False
    )
    output = done.stdout + done.stderr

    def count(word: str) -> int:
        return sum(int(m) for m in re.findall(rf"(\d+) {word}", output.splitlines()[-1]))

    if "fastit-twins-checked" not in output:
        raise AssertionError(f"the twin plugin did not run:\n{output[-4000:]}")
    return count("passed"), count("failed") + count("error"), output
