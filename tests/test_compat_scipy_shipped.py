"""SciPy's own tests of entropy and differential_entropy pass with fastit's twins.

``scipy.stats.tests.test_entropy`` (shipped with SciPy) is run twice in a subprocess:
once with SciPy's originals, for the baseline, and once with ``scipy.stats.entropy`` and
``scipy.stats.differential_entropy`` replaced by :mod:`fastit.compat.scipy`'s twins. The
twins must pass every test the originals pass (49 with SciPy 1.17.1), and fail none.
"""

from __future__ import annotations

import textwrap

from _shipped import run_shipped

MODULE = "scipy.stats.tests.test_entropy"
NAMES = ("entropy", "differential_entropy")
ORIGINALS = {f"scipy.stats.{name}": f"scipy.stats._entropy.{name}" for name in NAMES}
TWINS = {f"scipy.stats.{name}": f"fastit.compat.scipy.{name}" for name in NAMES}
# With SciPy 1.17.1 and SCIPY_ARRAY_API unset (NumPy only).
DOCUMENTED_PASSED = 49

# SciPy's test module marks its tests with make_xp_test_case(stats.entropy), which looks
# the function up in SciPy's table of array-API capabilities; give the twins the entries
# of the originals they stand in for (a no-op on SciPy versions without the table).
_CAPABILITIES_PLUGIN = """
def pytest_configure(config):
    try:
        from scipy._lib._array_api import xp_capabilities_table
    except ImportError:
        return
    import scipy.stats._entropy as originals

    import fastit.compat.scipy as twins

    for name in {names!r}:
        original = getattr(originals, name)
        if original in xp_capabilities_table:
            xp_capabilities_table[getattr(twins, name)] = xp_capabilities_table[original]
"""


def _run(replace, tmp_path):
    tmp_path.mkdir()
    plugin = tmp_path / "fastit_scipy_capabilities.py"
    plugin.write_text(textwrap.dedent(_CAPABILITIES_PLUGIN.format(names=NAMES)))
    return run_shipped(MODULE, replace, tmp_path, extra_args=("-p", "fastit_scipy_capabilities"))


def test_scipy_entropy_tests_pass_with_the_twins(tmp_path, monkeypatch):
    # The twins compute with NumPy only: run SciPy's tests in its default (NumPy) mode.
    monkeypatch.delenv("SCIPY_ARRAY_API", raising=False)
    passed_scipy, failed_scipy, output_scipy = _run(ORIGINALS, tmp_path / "originals")
    assert failed_scipy == 0, output_scipy[-4000:]
    assert passed_scipy >= DOCUMENTED_PASSED, output_scipy[-4000:]

    passed, failed, output = _run(TWINS, tmp_path / "twins")
    assert failed == 0, output[-4000:]
    assert passed == passed_scipy, output[-4000:]
