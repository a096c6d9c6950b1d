"""Training failures are explained by their cause: an unseeded start, or a mistake in backprop.py."""

import grader.runner as runner
from grader.course import load_day

DAY = load_day("day13")


def _failures(submission, seed=7):
    result = runner.run_day(DAY, submission, ["house_prices"], seed=seed)
    return {t.name: t.message for e in result.exercises for t in e.tests if not t.passed}


def _replace(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_an_unseeded_start_is_named_where_the_runs_first_disagree(submission):
    _replace(submission / "house_prices.py", "rng = np.random.default_rng(seed)", "rng = np.random.default_rng()")
    failed = _failures(submission)
    message = failed["test_each_epoch_is_one_gradient_descent_step"]
    assert "two runs with the same seed should start from the same weights" in message
    assert "x the expected ones" not in message  # not a factor hint about the student's own other run
    assert "test_same_seed_same_result" in failed


def test_an_exception_from_a_backprop_mistake_points_at_backprop(submission):
    _replace(submission / "backprop.py", "dout.sum(axis=0)", "dout.sum(axis=1)")
    failed = _failures(submission)
    message = failed["test_training_loss_falls"]
    assert "raised ValueError" in message
    assert "trains with your backprop.two_layer_loss: if backprop fails its own tests, mend it first" in message


def test_an_unfinished_training_is_still_just_not_implemented(submission):
    _replace(submission / "house_prices.py", "def train_house_price_model(", "def _unused(")
    (submission / "house_prices.py").write_text((submission / "house_prices.py").read_text()
                                                + "\n\ndef train_house_price_model(X, y, hidden=16, lr=0.05, "
                                                  "epochs=500, seed=0):\n    raise NotImplementedError\n")
    failed = _failures(submission)
    assert failed["test_training_loss_falls"] == "house_prices.train_house_price_model is not implemented yet"


def test_a_params_shape_changed_by_a_backprop_gradient_points_at_backprop(submission):
    _replace(submission / "backprop.py", "dout.sum(axis=0)", "dout.sum(axis=0, keepdims=True)")
    failed = _failures(submission)
    message = failed["test_training_loss_falls"]
    assert "params['b1'] has shape (1, 16), expected (16,)" in message
    assert "trains with your backprop.two_layer_loss: if backprop fails its own tests, mend it first" in message

