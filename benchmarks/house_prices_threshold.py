"""The figures behind the house_prices suite's thresholds: held-out R^2 and loss drop over seeds.

Trains the reference (or another submission folder's) train_house_price_model on
the suite's own split, with the settings the outcome tests use and with the
contract's defaults, for every training seed in 0..N-1, and prints the worst,
1st percentile and median held-out R^2 (computed with the grader's forward)
and the worst last/first loss ratio, next to the thresholds the suite applies.

    .venv/bin/python benchmarks/house_prices_threshold.py [--seeds 1000] [--path solutions/day13]

--path may name a folder with house_prices.py alone: its other modules come from solutions/day13.
"""

import argparse
import importlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.suites.day13 import _nets
from grader.suites.day13.test_house_prices import (
    EPOCHS,
    HIDDEN,
    LOSS_DROP,
    LR,
    R2_THRESHOLD,
    SPLIT_SEED,
    TEST_ROWS,
)

SETTINGS = {
    f"the suite's (hidden={HIDDEN}, lr={LR}, epochs={EPOCHS})": {"hidden": HIDDEN, "lr": LR, "epochs": EPOCHS},
    # The contract's defaults: the suite trains with fewer, larger steps (a fifth of the student
    # code's time) and must judge correct code at least as safely as these would.
    "the defaults (hidden=16, lr=0.05, epochs=500)": {"hidden": 16, "lr": 0.05, "epochs": 500},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000, help="training seeds 0..N-1 (the tests draw from 0..999)")
    parser.add_argument("--path", default=str(ROOT / "solutions" / "day13"), help="folder with house_prices.py")
    args = parser.parse_args()
    # A folder holding only house_prices.py (tests/alternatives/...) imports backprop from the reference.
    sys.path[:0] = [str(Path(args.path).resolve()), str(ROOT / "solutions" / "day13")]
    train = importlib.import_module("house_prices").train_house_price_model
    data = _nets.house_split(SPLIT_SEED, TEST_ROWS)

    print(f"split seed {SPLIT_SEED}, {len(data.y_test)} test rows; thresholds: R^2 >= {R2_THRESHOLD}, "
          f"last/first loss <= {LOSS_DROP}")
    for label, settings in SETTINGS.items():
        r2, ratio = [], []
        for seed in range(args.seeds):
            params, losses = train(data.X_train, data.y_train, seed=seed, **settings)
            params = _nets.as_dtype(params, np.float64)
            r2.append(_nets.r_squared(data.y_test, _nets.predict(params, data.X_test)))
            ratio.append(float(losses[-1] / losses[0]))
        r2 = np.array(r2)
        print(f"{label}: R^2 worst {r2.min():.3f} (seed {r2.argmin()}), 1st percentile "
              f"{np.quantile(r2, 0.01):.3f}, median {np.median(r2):.3f}; last/first loss worst "
              f"{max(ratio):.3f}, median {np.median(ratio):.3f}")


if __name__ == "__main__":
    main()
