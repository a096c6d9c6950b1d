"""house_prices.py: standardize, predict and feature_sensitivity against trusted float64 code; training by behaviour.

Training is judged on the real Windsor data, loaded by the grader itself
(never the submission's copy), on a fixed train/test split that the grader
standardizes with its own code. The initialisation is the student's: what is
judged is that each epoch is one plain gradient-descent step on
two_layer_loss, that a seed repeats its result, that the loss falls, and that
the returned weights, run through the grader's own forward, predict prices
of houses the training never saw.
"""

import numpy as np
import pytest

from grader import expect, gradcheck
from grader.student import StudentError
from grader.suites.day13 import _nets

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])

SPLIT_SEED = 13  # the train/test split is fixed; only the training seed varies per run
TEST_ROWS = 110  # of 546
TRAIN_TIMEOUT = 60.0  # seconds per training call; the reference needs about 0.01-0.03 s for 100 epochs
# Fewer, larger steps than the contract's defaults (500 epochs at lr 0.05): lr * epochs 20 against
# 25, a fifth of the student's time, and no correct initialisation measured does worse.
EPOCHS, HIDDEN, LR = 100, 16, 0.2
# Figures from benchmarks/house_prices_threshold.py. Held-out R^2 of the reference on this split,
# over every training seed the tests use (0..999): worst 0.546, median 0.613 (with the defaults:
# 0.541, 0.611; linear least squares: 0.595). Other initialisations do a little worse on unlucky
# seeds, equally with these settings and the defaults (He-normal trained in float32: worst 0.510
# and 0.509; N(0, 1) weights, seeds 0..299: 0.406 and 0.404), while training that does not learn
# stays near 0. 0.40 sits below all correct code with a small initialisation.
R2_THRESHOLD = 0.40
LOSS_DROP = 0.75  # last loss / first loss at most this (reference: worst 0.56, median 0.22, seeds 0..999)


# --------------------------------------------------------------------------- standardize, predict, sensitivity


def columns(rng, dtype, n, d):
    """Columns with their own means and spreads (moderate, so float32 keeps its digits)."""
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, d) + rng.uniform(-5.0, 5.0, d)
    return X.astype(dtype)


def standardize_case(student, seed, X, dtype):
    what = "house_prices.standardize(X)"
    got = _nets.unpack(student.house_prices.standardize(X), 3, what, "(Xs, mean, std)")
    X64 = X.astype(np.float64)
    mean, std = X64.mean(axis=0), X64.std(axis=0)  # population std, ddof=0
    inputs = {"X": X}
    expect.values(got[1], mean, what=f"the column means returned by {what}", inputs=inputs, dtype=dtype, seed=seed)
    expect.values(got[2], std, what=f"the column stds (ddof=0) returned by {what}", inputs=inputs, dtype=dtype,
                  seed=seed)
    expect.values(got[0], (X64 - mean) / std, what=f"Xs returned by {what}", inputs=inputs, dtype=dtype, seed=seed)


def predict_case(student, rng, seed, dtype, n, d, h):
    params = _nets.random_params(rng, d, h, dtype)
    X = rng.normal(size=(n, d)).astype(dtype)
    got = _nets.call(student, "house_prices", "predict", params, X)
    expect.values(got, _nets.predict(params, X), what="house_prices.predict(params, X)",
                  inputs={"X": X}, dtype=dtype, seed=seed)


def input_gradients(params, X) -> np.ndarray:
    """d y_pred_i / d X_ij by central differences of the trusted predict (rows do not interact)."""
    params64 = _nets.as_dtype(params, np.float64)
    return gradcheck.numerical_gradient(lambda V: float(np.sum(_nets.predict(params64, V))), X)


def sensitivity_problem(rng, dtype, n, d, h, tries=50):
    """params and X where some feature's slope changes sign across rows (so |.| matters)."""
    for _ in range(tries):
        params = _nets.random_params(rng, d, h, dtype)
        X = rng.normal(size=(n, d)).astype(dtype)
        G = input_gradients(params, X)
        if np.any(np.abs(G.mean(axis=0)) < 0.7 * np.abs(G).mean(axis=0)):
            return params, X, G
    raise RuntimeError("no draw with slopes of both signs: the grader's draw is at fault, not the student")


def feature_sensitivity_case(student, rng, seed, dtype, n, d, h):
    params, X, G = sensitivity_problem(rng, dtype, n, d, h)
    got = _nets.call(student, "house_prices", "feature_sensitivity", params, X)
    expect.values(got, np.abs(G).mean(axis=0), what="house_prices.feature_sensitivity(params, X)",
                  inputs={"X": X}, dtype=dtype, seed=seed)


@pytest.mark.covers("standardize")
@DTYPES
def test_standardize_columns(student, rng, seed, dtype):
    standardize_case(student, seed, columns(rng, dtype, 9, 4), dtype)


@pytest.mark.covers("predict")
@DTYPES
def test_predict_values(student, rng, seed, dtype):
    # the float32 case predicts one row: still shape (1,), not a squeezed ()
    predict_case(student, rng, seed, dtype, n=1 if dtype is np.float32 else 6, d=4, h=5)


@pytest.mark.covers("feature_sensitivity")
@DTYPES
def test_feature_sensitivity_matches_finite_differences_of_predict(student, rng, seed, dtype):
    feature_sensitivity_case(student, rng, seed, dtype, n=6, d=4, h=5)


# --------------------------------------------------------------------------- training


@pytest.fixture(scope="module")
def houses():
    return _nets.house_split(SPLIT_SEED, TEST_ROWS)


# A mistake in backprop.py often shows up first here, in the student's own training.
USES_BACKPROP = ("train_house_price_model trains with your backprop.two_layer_loss: if backprop fails its "
                 "own tests, mend it first")


def call_training(student, houses, what, **kwargs):
    """The student's train_house_price_model(X_train, y_train, **kwargs); an exception points at backprop."""
    try:
        return student.house_prices.train_house_price_model(houses.X_train, houses.y_train, **kwargs,
                                                            timeout=TRAIN_TIMEOUT)
    except StudentError as exc:
        if type(exc) is not StudentError or not exc.exc_type:  # a stub, a timeout, a crash: as it is
            raise
        raise exc.explained(f"\n  {USES_BACKPROP}") from None


def checked_training(got, what, *, d, hidden, epochs):
    """(params, losses) of a training call, checked for the contract's structure, as float64."""
    params, losses = _nets.unpack(got, 2, what, "(params, losses)")
    expect.that(isinstance(params, dict), f"{what}: params should be a dict, got {type(params).__name__}")
    shapes = {"W1": (d, hidden), "b1": (hidden,), "W2": (hidden, 1), "b2": (1,)}
    for key, shape in shapes.items():
        expect.that(key in params, f"{what}: params has no {key!r}")
        value = expect.as_number_array(params[key], f"{what}: params[{key!r}]")
        expect.that(value.shape == shape,
                    f"{what}: params[{key!r}] has shape {value.shape}, expected {shape} (a gradient of another "
                    f"shape, e.g. a bias gradient summed with keepdims, changes it: {USES_BACKPROP})")
    losses = expect.number_sequence(losses, f"{what}: losses")
    expect.that(losses.shape == (epochs,),
                f"{what}: losses should hold one loss per epoch, shape ({epochs},), got shape {losses.shape}")
    expect.that(bool(np.all(np.isfinite(losses))),
                f"{what}: some losses are not finite (NaN or inf) (too large a step? or: {USES_BACKPROP})")
    return {k: np.asarray(params[k], np.float64) for k in shapes}, losses.astype(np.float64)


def train(student, houses, *, epochs, seed, hidden=HIDDEN, lr=LR):
    """The student's (params, losses), checked for the contract's structure."""
    what = f"house_prices.train_house_price_model(X, y, hidden={hidden}, lr={lr}, epochs={epochs}, seed={seed})"
    got = call_training(student, houses, what, hidden=hidden, lr=lr, epochs=epochs, seed=seed)
    params, losses = checked_training(got, what, d=houses.X_train.shape[1], hidden=hidden, epochs=epochs)
    return params, losses, what


@pytest.fixture(scope="module")
def trained(_grader_session, houses):
    """One full training run, shared by the tests that judge its outcome."""
    return train(_grader_session.student, houses, epochs=EPOCHS, seed=_grader_session.seed % 1000)


@pytest.mark.covers("train_house_price_model")
def test_training_loss_falls(trained, seed):
    _, losses, what = trained
    expect.that(losses[-1] <= LOSS_DROP * losses[0],
                f"{what}: the loss went from {losses[0]:.4g} to {losses[-1]:.4g}; after {EPOCHS} epochs it "
                f"should be at most {LOSS_DROP:g} times the first (is every parameter moved against its "
                f"gradient, by lr?) (seed {seed})")


@pytest.mark.covers("train_house_price_model")
def test_trained_model_predicts_held_out_houses(trained, houses, seed):
    params, _, what = trained
    r2 = _nets.r_squared(houses.y_test, _nets.predict(params, houses.X_test))
    expect.that(r2 >= R2_THRESHOLD,
                f"{what}: the returned params explain R^2 = {r2:.3f} of the price variance on {TEST_ROWS} "
                f"held-out houses (computed with the grader's own tanh network); at least {R2_THRESHOLD} "
                f"is expected (seed {seed})")


@pytest.mark.covers("train_house_price_model")
def test_each_epoch_is_one_gradient_descent_step(student, houses, rng, seed):
    # After k epochs the params are p_k, and losses[k] of a longer run is the loss at p_k.
    # So one more epoch must give p_{k+1} = p_k - lr * grad L(p_k), and losses[k] = L(p_k).
    train_seed, lr, hidden, k = int(rng.integers(1000)), float(rng.uniform(0.02, 0.08)), 6, 3
    p_k, losses_k, _ = train(student, houses, epochs=k, seed=train_seed, hidden=hidden, lr=lr)
    p_next, losses_next, what = train(student, houses, epochs=k + 1, seed=train_seed, hidden=hidden, lr=lr)
    X, y = houses.X_train, houses.y_train
    # Both runs start from the seed's weights, so their first losses agree unless the start is not
    # drawn from the seed: then say that, not "losses[0] is 1.07x" (test_same_seed_same_result).
    expect.that(bool(np.isclose(losses_next[0], losses_k[0], rtol=gradcheck.default_rtol(np.float32), atol=0)),
                f"{what}: its first loss, {losses_next[0]:.6g}, is not the first loss of a run of {k} epochs "
                f"with the same seed, {losses_k[0]:.6g}: two runs with the same seed should start from the "
                f"same weights; draw them from np.random.default_rng(seed) (seed {seed})")
    # Training may run in float32, so float32 tolerances; the usual bugs miss by far more.
    expect.values(losses_next[:k], losses_k, dtype=np.float32, seed=seed,
                  what=f"{what}: its first {k} losses against a run of {k} epochs with the same seed")
    expect.values(losses_next[k], _nets.mse_loss(p_k, X, y), dtype=np.float32, seed=seed,
                  what=f"{what}: losses[{k}], the loss before update {k}, against the loss of the params "
                       f"returned after {k} epochs")
    step = {key: (p_k[key] - p_next[key]) / lr for key in p_k}
    expect.gradients(lambda p: _nets.mse_loss(p, X, y), p_k, step, dtype=np.float32, seed=seed,
                     what=f"(params after {k} epochs - params after {k + 1} epochs) / lr, which should be the "
                          f"gradient of two_layer_loss; {what}")


@pytest.mark.covers("train_house_price_model")
def test_defaults_are_hidden_16_lr_0_05_seed_0(student, houses, seed):
    # Two epochs with hidden, lr and seed left out must be the run with the contract's values: the first
    # two losses of an explicit run of three epochs, whose third loss is the loss of the params the
    # two-epoch run returned (so the losses are real losses, not made up).
    # (epochs=500 itself is not called for: 500 epochs would cost more than the rest of this suite.)
    what = "house_prices.train_house_price_model(X, y, epochs=2)"
    got = call_training(student, houses, what, epochs=2)
    params, losses = _nets.unpack(got, 2, what, "(params, losses)")
    expect.that(isinstance(params, dict), f"{what}: params should be a dict, got {type(params).__name__}")
    explicit, explicit_losses, explicit_what = train(student, houses, epochs=3, seed=0, hidden=16, lr=0.05)
    for key, value in explicit.items():
        expect.that(key in params, f"{what}: params has no {key!r}")
        mine = expect.as_number_array(params[key], f"{what}: params[{key!r}]")
        expect.that(mine.shape == value.shape,
                    f"{what} gave params[{key!r}] of shape {mine.shape}, {explicit_what} of shape {value.shape}: "
                    f"the defaults should be hidden=16, lr=0.05, seed=0 (seed {seed})")
    losses = expect.number_sequence(losses, f"{what}: losses")
    expect.that(losses.shape == (2,) and np.array_equal(losses, explicit_losses[:2]),
                f"{what} gave other losses than the first two of {explicit_what}: the defaults should be "
                f"hidden=16, lr=0.05, seed=0 (seed {seed})")
    mine = {key: np.asarray(params[key], np.float64) for key in explicit}
    expect.values(explicit_losses[2], _nets.mse_loss(mine, houses.X_train, houses.y_train),
                  dtype=np.float32, seed=seed,
                  what=f"{explicit_what}: losses[2], the loss before update 2, against the loss of the params "
                       f"{what} returned (the same run with the defaults hidden=16, lr=0.05, seed=0)")


@pytest.mark.covers("train_house_price_model")
def test_same_seed_same_result(student, houses, rng, seed):
    # The repeat runs one epoch more: its first five losses must be those of the first run, exactly, and
    # its sixth the loss of the params the first run returned (so the losses are real losses too).
    train_seed = int(rng.integers(1000))
    first, losses, what = train(student, houses, epochs=5, seed=train_seed)
    _, losses_again, again_what = train(student, houses, epochs=6, seed=train_seed)
    other, _, _ = train(student, houses, epochs=5, seed=train_seed + 1)
    expect.that(np.array_equal(losses, losses_again[:5]),
                f"{again_what} gave other first 5 losses than {what}: called again with the same seed, it should "
                f"give the same result; draw the initial weights from np.random.default_rng(seed)")
    expect.values(losses_again[5], _nets.mse_loss(first, houses.X_train, houses.y_train), dtype=np.float32, seed=seed,
                  what=f"{again_what}: losses[5], the loss before update 5, against the loss of the params {what} "
                       f"returned (the same seed should give the same params after 5 epochs)")
    expect.that(any(not np.allclose(first[key], other[key]) for key in first),
                f"{what} gave the same params with seed={train_seed + 1}: the initial weights should be "
                f"random, drawn from the seed")
