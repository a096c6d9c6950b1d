"""house_prices.py, hidden cases: the real data's columns, larger batches, a tiny training run on 4 features."""

from types import SimpleNamespace

import numpy as np
import pytest

from grader import expect
from grader.data import load_house_prices
from grader.suites.day13 import _nets
from grader.suites.day13.test_house_prices import (
    columns,
    feature_sensitivity_case,
    houses,  # noqa: F401  (a fixture)
    predict_case,
    standardize_case,
    train,
)

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


@pytest.mark.covers("standardize")
@DTYPES
def test_standardize_house_data_rows(student, rng, seed, dtype):
    X, _, _ = load_house_prices()  # lot sizes in the thousands next to 0/1 columns
    rows = rng.choice(len(X), size=40, replace=False)
    while np.any(X[rows].std(axis=0) == 0):  # a rare yes/no column may come out all "no": redraw
        rows = rng.choice(len(X), size=40, replace=False)
    standardize_case(student, seed, X[rows].astype(dtype), dtype)


@pytest.mark.covers("standardize")
@DTYPES
def test_standardize_few_rows_many_columns(student, rng, seed, dtype):
    standardize_case(student, seed, columns(rng, dtype, 3, 7), dtype)


@pytest.mark.covers("predict")
@DTYPES
def test_predict_large_batch(student, rng, seed, dtype):
    predict_case(student, rng, seed, dtype, n=300, d=11, h=16)


@pytest.mark.covers("feature_sensitivity")
@DTYPES
def test_feature_sensitivity_eleven_features(student, rng, seed, dtype):
    feature_sensitivity_case(student, rng, seed, dtype, n=12, d=11, h=16)


@pytest.mark.covers("train_house_price_model")
def test_training_for_one_epoch_with_three_units(student, houses, rng, seed):  # noqa: F811
    # The first 4 of the 11 columns: D comes from X, not from the data set. train() checks every shape.
    # A step of lr = 1e-7 moves the loss far less than float32 rounding, so losses[0], the loss before
    # the update, is the loss of the returned params: a real loss, not made up.
    few = SimpleNamespace(X_train=np.ascontiguousarray(houses.X_train[:, :4]), y_train=houses.y_train)
    params, losses, what = train(student, few, epochs=1, seed=int(rng.integers(1000)), hidden=3, lr=1e-7)
    expect.values(losses[0], _nets.mse_loss(params, few.X_train, few.y_train), dtype=np.float32, seed=seed,
                  what=f"{what} on 4 features: losses[0], the loss before the one update of 1e-7 x the gradient, "
                       f"against the loss of the returned params")
