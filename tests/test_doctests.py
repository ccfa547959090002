"""The examples in the public docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = [
    "fastit.estimators",
    "fastit.discrete",
    "fastit.distributions",
    "fastit.compat.sklearn",
    "fastit.compat.scipy",
    "fastit.stats",
    "fastit.selection",
    "fastit.pairwise",
    "fastit.channel",
    "fastit.torch.functional",
    "fastit.torch.distributions",
    "fastit.torch.stats",
    "fastit.torch.monitor",
    "fastit.torch.fisher",
    "fastit.torch.capacity",
    "fastit.torch.bottleneck",
    "fastit.torch.vae",
    "fastit.torch.bayesian",
    "fastit.torch.neural_mi",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name.startswith("fastit.torch"):
        pytest.importorskip("torch")
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
