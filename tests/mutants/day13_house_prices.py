"""house_prices.py mistakes: the sample std, in-place scaling, relu for tanh, |.| forgotten, training that cheats."""

from tests.mutants import Mutant

STD = "std = np.std(X, axis=0)"
SCALE = "return (X - mean) / std, mean, std"
PREDICT = '''    hidden = np.tanh(X @ params["W1"] + params["b1"])
    return (hidden @ params["W2"] + params["b2"])[:, 0]'''
SLOPES = 'input_grads = (params["W2"][:, 0] * (1 - hidden**2)) @ params["W1"].T  # (N, D)'
AVERAGE = "return np.mean(np.abs(input_grads), axis=0)"
STEP = "params = {name: value - lr * grads[name] for name, value in params.items()}"
RNG = "rng = np.random.default_rng(seed)"
LOOP = """    losses = []
    for _ in range(epochs):
        loss, grads = two_layer_loss(params, X, y)
        losses.append(loss)
        params = {name: value - lr * grads[name] for name, value in params.items()}
    return params, np.array(losses)
"""
INIT = '''        "W1": rng.normal(0.0, 1 / np.sqrt(n_features), (n_features, hidden)),
        "b1": np.zeros(hidden),
        "W2": rng.normal(0.0, 1 / np.sqrt(hidden), (hidden, 1)),'''

STANDARDIZE_TESTS = ("test_standardize_columns", "test_standardize_house_data_rows",
                     "test_standardize_few_rows_many_columns")
PREDICT_TESTS = ("test_predict_values", "test_predict_large_batch")
SENSITIVITY_TESTS = ("test_feature_sensitivity_matches_finite_differences_of_predict",
                     "test_feature_sensitivity_eleven_features")
OUTCOME_TESTS = ("test_training_loss_falls", "test_trained_model_predicts_held_out_houses")

MUTANTS = [
    Mutant(
        "house-standardize-ddof-1", "house_prices", STD, "std = np.std(X, axis=0, ddof=1)",
        kills=STANDARDIZE_TESTS,
        why="uses the sample std (ddof=1) where the population std (ddof=0) was asked for",
    ),
    Mutant(
        "house-standardize-in-place", "house_prices", SCALE, "X -= mean\n    X /= std\n    return X, mean, std",
        kills=STANDARDIZE_TESTS,
        why="scales the caller's X in place",
    ),
    Mutant(
        "house-standardize-one-mean", "house_prices", "mean = np.mean(X, axis=0)", "mean = np.mean(X)",
        kills=STANDARDIZE_TESTS,
        why="takes one mean over the whole table instead of one per column",
    ),
    Mutant(
        "house-standardize-by-variance", "house_prices", STD, "std = np.var(X, axis=0)",
        kills=STANDARDIZE_TESTS,
        why="divides by the variance instead of the standard deviation",
    ),
    Mutant(
        "house-predict-relu", "house_prices", PREDICT,
        PREDICT.replace('np.tanh(X @ params["W1"] + params["b1"])', 'np.maximum(0, X @ params["W1"] + params["b1"])'),
        kills=PREDICT_TESTS,
        why="uses relu in the hidden layer; the network of two_layer_loss uses tanh",
    ),
    Mutant(
        "house-predict-not-squeezed", "house_prices", PREDICT, PREDICT.replace("[:, 0]", ""),
        kills=PREDICT_TESTS,
        why="returns an (N, 1) column instead of an (N,) vector",
    ),
    Mutant(
        "house-predict-forgets-b2", "house_prices", PREDICT, PREDICT.replace(' + params["b2"])', ")"),
        kills=PREDICT_TESTS,
        why="leaves out the output bias b2",
    ),
    Mutant(
        "house-sensitivity-without-abs", "house_prices", AVERAGE, "return np.mean(input_grads, axis=0)",
        kills=SENSITIVITY_TESTS,
        why="averages signed slopes, so rows that pull in opposite directions cancel",
    ),
    Mutant(
        "house-sensitivity-abs-of-mean", "house_prices", AVERAGE, "return np.abs(np.mean(input_grads, axis=0))",
        kills=("test_feature_sensitivity_matches_finite_differences_of_predict",),
        why="takes |.| after averaging instead of before",
    ),
    Mutant(
        "house-sensitivity-sum", "house_prices", AVERAGE, "return np.sum(np.abs(input_grads), axis=0)",
        kills=SENSITIVITY_TESTS,
        why="sums over rows instead of averaging",
    ),
    Mutant(
        "house-sensitivity-slope-with-a", "house_prices", SLOPES, SLOPES.replace("(1 - hidden**2)", "hidden"),
        kills=SENSITIVITY_TESTS,
        why="multiplies by the activation a instead of tanh's slope 1 - a**2",
    ),
    Mutant(
        "house-sensitivity-over-features", "house_prices", AVERAGE, "return np.mean(np.abs(input_grads), axis=1)",
        kills=SENSITIVITY_TESTS,
        why="averages over features (axis 1), giving one number per row",
    ),
    Mutant(
        "house-train-never-updates-biases", "house_prices", STEP,
        "params = {name: value - lr * grads[name] if name.startswith('W') else value for name, value in params.items()}",
        kills=("test_each_epoch_is_one_gradient_descent_step",),
        why="moves the weights but never the biases",
    ),
    Mutant(
        "house-train-records-loss-after-update", "house_prices", "losses.append(loss)\n        " + STEP,
        STEP + "\n        losses.append(two_layer_loss(params, X, y)[0])",
        kills=("test_each_epoch_is_one_gradient_descent_step",),
        why="records the loss after each update instead of before it",
    ),
    Mutant(
        "house-train-ascends", "house_prices", STEP,
        "params = {name: value + lr * grads[name] for name, value in params.items()}",
        kills=OUTCOME_TESTS + ("test_each_epoch_is_one_gradient_descent_step",),
        why="steps along the gradient instead of against it",
    ),
    Mutant(
        "house-train-fixed-seed", "house_prices", RNG, "rng = np.random.default_rng(0)",
        kills=("test_same_seed_same_result",),
        why="ignores the seed argument: every seed gives the same network",
    ),
    Mutant(
        "house-train-unseeded", "house_prices", RNG, "rng = np.random.default_rng()",
        kills=("test_same_seed_same_result", "test_each_epoch_is_one_gradient_descent_step"),
        why="draws fresh randomness each call, so the same seed does not repeat",
    ),
    Mutant(
        "house-train-one-loss-too-many", "house_prices", "return params, np.array(losses)",
        "return params, np.array(losses + [two_layer_loss(params, X, y)[0]])",
        kills=OUTCOME_TESTS + ("test_each_epoch_is_one_gradient_descent_step", "test_same_seed_same_result",
                               "test_training_for_one_epoch_with_three_units"),
        why="also records the loss after the last update: epochs + 1 losses",
    ),
    Mutant(
        "house-train-zero-init", "house_prices", INIT,
        INIT.replace("rng.normal(0.0, 1 / np.sqrt(n_features), (n_features, hidden))", "np.zeros((n_features, hidden))")
            .replace("rng.normal(0.0, 1 / np.sqrt(hidden), (hidden, 1))", "np.zeros((hidden, 1))"),
        kills=OUTCOME_TESTS + ("test_same_seed_same_result",),
        why="starts every weight at zero: no gradient reaches the hidden layer, and the seed does nothing",
    ),
    Mutant(
        "house-train-no-default-seed", "house_prices", "def train_house_price_model(X, y, hidden=16, lr=0.05, epochs=500, seed=0):",
        "def train_house_price_model(X, y, hidden=16, lr=0.05, epochs=500, seed=None):",
        kills=("test_defaults_are_hidden_16_lr_0_05_seed_0",),
        why="seed=None by default: a call without a seed is not reproducible",
    ),
    Mutant(
        "house-train-other-default-hidden", "house_prices", "def train_house_price_model(X, y, hidden=16, lr=0.05, epochs=500, seed=0):",
        "def train_house_price_model(X, y, hidden=8, lr=0.05, epochs=500, seed=0):",
        kills=("test_defaults_are_hidden_16_lr_0_05_seed_0",),
        why="a default of 8 hidden units instead of the contract's 16",
    ),
    Mutant(
        "house-train-fake", "house_prices", LOOP, "    return params, np.ones(epochs)\n",
        kills=OUTCOME_TESTS + ("test_each_epoch_is_one_gradient_descent_step", "test_defaults_are_hidden_16_lr_0_05_seed_0",
                               "test_same_seed_same_result", "test_training_for_one_epoch_with_three_units"),
        why="no training at all: the seed's random params and np.ones(epochs) as the losses",
    ),
    Mutant(
        "house-train-eleven-features", "house_prices", "n_features = X.shape[1]", "n_features = 11",
        kills=("test_training_for_one_epoch_with_three_units",),
        why="hard-codes the 11 columns of the house data instead of reading D from X",
    ),
    Mutant(
        "house-predict-squeeze", "house_prices", PREDICT, PREDICT.replace("[:, 0]", ".squeeze()"),
        kills=("test_predict_values[float32]",),
        why=".squeeze() turns the (1, 1) output of one row into shape (), not (1,)",
    ),
]
