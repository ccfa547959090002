#!/usr/bin/env bash
# The GPU checks of fastit.torch in one run (issue 6), sized for a few minutes on one
# H200: build the core, run every CUDA-marked test, then the torch benchmark table.
#
#   bash benchmarks/gpu_check.sh            # from the repository root, on the GPU machine
#
# Needs a Python whose torch sees the GPU, with numpy, scipy, numba, pybind11, pytest,
# hypothesis and scikit-learn (the GPU image has them). Writes its logs to $OUT when set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${OUT:-/tmp/fastit-gpu}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1
python3 -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, torch.cuda.get_device_name())"
# The compiled core in place (no install, nothing fetched).
python3 setup.py -q build_ext --inplace 2>&1 | tail -2
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
status=0
timeout 240 python3 -m pytest tests/test_torch_*.py -m cuda -q -p no:cacheprovider 2>&1 | tee "$out/cuda_tests.log" || status=$?
timeout 300 python3 benchmarks/bench_torch.py --device cuda 2>&1 | tee "$out/bench_torch.log" || status=$?
exit "$status"
