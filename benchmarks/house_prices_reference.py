"""Measure the reference house-price network: held-out R^2 and training time.

The figures the house_prices suite's R^2 threshold is set from. Split: a
fixed 80/20 split by np.random.default_rng(0).permutation; X and y are
standardized with the training rows' mean and std (ddof=0), the test rows
with the same numbers. Training uses the defaults of
train_house_price_model (hidden=16, lr=0.05, epochs=500, seed=0).

    .venv/bin/python benchmarks/house_prices_reference.py [--repeat N]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions" / "day13"
sys.path.insert(0, str(SOLUTIONS))

from house_prices import (  # noqa: E402  (needs the solutions folder on the path)
    load_house_prices,
    predict,
    standardize,
    train_house_price_model,
)


def r_squared(y_true, y_pred):
    return 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed training runs (the median is reported)")
    args = parser.parse_args()

    X, y, names = load_house_prices()
    order = np.random.default_rng(0).permutation(len(y))
    n_train = int(0.8 * len(y))
    train, test = order[:n_train], order[n_train:]
    X_train, x_mean, x_std = standardize(X[train])
    y_train, y_mean, y_std = standardize(y[train])
    X_test, y_test = (X[test] - x_mean) / x_std, (y[test] - y_mean) / y_std

    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        params, losses = train_house_price_model(X_train, y_train)
        seconds.append(time.perf_counter() - start)

    design = np.column_stack([X_train, np.ones(len(X_train))])
    coef, *_ = np.linalg.lstsq(design, y_train, rcond=None)
    linear_test = np.column_stack([X_test, np.ones(len(X_test))]) @ coef

    print(f"rows: {n_train} train, {len(test)} test; features: {X.shape[1]}")
    print(f"training loss (standardized MSE): first {losses[0]:.4f}, last {losses[-1]:.4f}")
    print(f"test R^2, reference network (defaults): {r_squared(y_test, predict(params, X_test)):.4f}")
    print(f"train R^2, reference network:           {r_squared(y_train, predict(params, X_train)):.4f}")
    print(f"test R^2, least-squares linear baseline: {r_squared(y_test, linear_test):.4f}")
    print(f"training time, median of {args.repeat}: {1000 * np.median(seconds):.1f} ms "
          f"(min {1000 * min(seconds):.1f}, max {1000 * max(seconds):.1f})")


if __name__ == "__main__":
    main()
