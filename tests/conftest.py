"""Shared fixtures: the torch devices every torch kernel test runs on.

``device`` is "cpu" always and "cuda" when a GPU is present; CUDA cases carry the ``cuda``
marker, so ``pytest -m cuda`` runs exactly the GPU checks (benchmarks/gpu_check.sh).
Without a GPU they are deselected (one line in the report, not one skip per case).
"""

from __future__ import annotations

import importlib.util

import pytest


def _cuda_available() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.cuda)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _cuda_available():
        return
    gpu = [item for item in items if item.get_closest_marker("cuda") is not None]
    if gpu:
        config.hook.pytest_deselected(items=gpu)
        items[:] = [item for item in items if item.get_closest_marker("cuda") is None]


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    """A torch device name: every test that takes it runs on the CPU and, if present, a GPU."""
    return str(request.param)


@pytest.fixture
def one_torch_thread():  # type: ignore[no-untyped-def]
    """Small networks train fastest, and predictably, on one intra-op thread: torch's
    threads only add overhead for them, and on a busy machine a lot of it."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
