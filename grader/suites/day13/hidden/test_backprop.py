"""backprop.py, hidden cases: other shapes, and tensors large enough to be checked along random directions.

A large check costs hundreds of forward calls, so each runs in one dtype only.
"""

import numpy as np
import pytest

from grader.suites.day13.test_backprop import (
    dense_backward_case,
    dense_forward_case,
    tanh_backward_case,
    tanh_forward_case,
    two_layer_loss_grads_case,
    two_layer_loss_value_case,
)

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
WIDE = {"n": 3, "d": 7, "h": 11}  # more units than rows: a sum over the wrong axis has the wrong shape


@pytest.mark.covers("tanh_forward")
@DTYPES
def test_tanh_forward_3d(student, rng, seed, dtype):
    tanh_forward_case(student, rng, seed, dtype, (2, 3, 4))


@pytest.mark.covers("tanh_backward")
@DTYPES
def test_tanh_backward_3d(student, rng, seed, dtype):
    tanh_backward_case(student, rng, seed, dtype, (2, 3, 4))


@pytest.mark.covers("tanh_backward")
def test_tanh_backward_large_float32(student, rng, seed):
    tanh_backward_case(student, rng, seed, np.float32, (45, 46))  # 2,070 entries: sampled check


@pytest.mark.covers("dense_forward")
@DTYPES
def test_dense_forward_wide(student, rng, seed, dtype):
    dense_forward_case(student, rng, seed, dtype, **WIDE)


@pytest.mark.covers("dense_backward")
@DTYPES
def test_dense_backward_wide(student, rng, seed, dtype):
    dense_backward_case(student, rng, seed, dtype, **WIDE)


@pytest.mark.covers("dense_backward")
def test_dense_backward_large_batch_float64(student, rng, seed):
    dense_backward_case(student, rng, seed, np.float64, n=60, d=35, h=3)  # X has 2,100 entries: sampled


@pytest.mark.covers("two_layer_loss")
@DTYPES
def test_two_layer_loss_value_one_feature(student, rng, seed, dtype):
    two_layer_loss_value_case(student, rng, seed, dtype, n=9, d=1, h=12)


@pytest.mark.covers("two_layer_loss")
@DTYPES
def test_two_layer_loss_grads_one_feature(student, rng, seed, dtype):
    two_layer_loss_grads_case(student, rng, seed, dtype, n=9, d=1, h=12)
