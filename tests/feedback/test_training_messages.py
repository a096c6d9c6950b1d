"""Training failures are explained by their cause: an unseeded start, or a mistake in backprop.py."""

from tests.feedback.edits import failed_messages, replace_once


def test_an_unseeded_start_is_named_where_the_runs_first_disagree(submission):
    replace_once(submission / "house_prices.py", "rng = np.random.default_rng(seed)", "rng = np.random.default_rng()")
    failed = failed_messages(submission, "house_prices", seed=7)
    message = failed["test_each_epoch_is_one_gradient_descent_step"]
    assert "two runs with the same seed should start from the same weights" in message
    assert "x the expected ones" not in message  # not a factor hint about the student's own other run
    assert "test_same_seed_same_result" in failed


def test_an_exception_from_a_backprop_mistake_points_at_backprop(submission):
    replace_once(submission / "backprop.py", "dout.sum(axis=0)", "dout.sum(axis=1)")
    failed = failed_messages(submission, "house_prices", seed=7)
    message = failed["test_training_loss_falls"]
    assert "raised ValueError" in message
    assert "trains with your backprop.two_layer_loss: if backprop fails its own tests, mend it first" in message


def test_an_unfinished_training_is_still_just_not_implemented(submission):
    replace_once(submission / "house_prices.py", "def train_house_price_model(", "def _unused(")
    (submission / "house_prices.py").write_text((submission / "house_prices.py").read_text()
                                                + "\n\ndef train_house_price_model(X, y, hidden=16, lr=0.05, "
                                                  "epochs=500, seed=0):\n    raise NotImplementedError\n")
    failed = failed_messages(submission, "house_prices", seed=7)
    assert failed["test_training_loss_falls"] == "house_prices.train_house_price_model is not implemented yet"


def test_a_params_shape_changed_by_a_backprop_gradient_points_at_backprop(submission):
    replace_once(submission / "backprop.py", "dout.sum(axis=0)", "dout.sum(axis=0, keepdims=True)")
    failed = failed_messages(submission, "house_prices", seed=7)
    message = failed["test_training_loss_falls"]
    assert "params['b1'] has shape (1, 16), expected (16,)" in message
    assert "trains with your backprop.two_layer_loss: if backprop fails its own tests, mend it first" in message

