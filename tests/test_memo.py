"""grader.memo: a remembered result is reused only for the same computation on the same numbers."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from grader import gradcheck, memo


def _make_scaled(scale):
    return lambda t: float(np.sum(scale * t**2))


def _other_code(scale):
    return lambda t: float(np.sum(scale * t**3))


def test_keys_follow_contents_not_identity():
    x = np.arange(6.0).reshape(2, 3)
    assert memo.key_of(x) == memo.key_of(x.copy())
    assert memo.key_of(np.asfortranarray(x)) == memo.key_of(x)  # same numbers, other memory layout
    different = [x + np.eye(2, 3) * 1e-12, x.astype(np.float32), x.reshape(3, 2), x.ravel()]
    assert len({memo.key_of(v) for v in [x, *different]}) == 5
    assert len({memo.key_of(v) for v in [1, 1.0, True, "1", np.float64(1), np.float32(1)]}) == 6
    assert memo.key_of(_make_scaled(2.0)) == memo.key_of(_make_scaled(2.0))  # a fresh closure, same values
    assert memo.key_of(_make_scaled(2.0)) != memo.key_of(_make_scaled(3.0))
    assert memo.key_of(_make_scaled(2.0)) != memo.key_of(_other_code(2.0))
    assert memo.key_of(functools.partial(max, 1)) != memo.key_of(functools.partial(max, 2))
    assert memo.key_of({"W": x, "b": 1}) != memo.key_of({"W": x, "b": 2})


def test_what_has_no_content_key_is_never_remembered():
    class Opaque:
        pass

    with pytest.raises(memo.Unkeyable):
        memo.key_of(Opaque())
    with memo.enabled():
        assert memo.try_key(Opaque()) is None
        assert memo.try_key(lambda t, o=Opaque(): t) is None

    def recursive(n):
        return recursive(n - 1) if n else 0

    with memo.enabled():  # it reaches itself through its closure: given up on, not a RecursionError
        assert memo.try_key(recursive) is None


def test_remember_computes_once_only_while_enabled():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert memo.remember(memo.try_key("k"), compute) == 1  # not enabled: no key, always computed
    assert memo.remember(memo.try_key("k"), compute) == 2
    with memo.enabled():
        key = memo.try_key("k", np.ones(3))
        assert memo.remember(key, compute) == 3
        assert memo.remember(key, compute) == 3
        assert memo.remember(memo.try_key("k", np.zeros(3)), compute) == 4
    with memo.enabled():  # a new batch starts empty
        assert memo.remember(memo.try_key("k", np.ones(3)), compute) == 5


def test_the_table_keeps_only_the_most_recent_entries(monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 3)
    with memo.enabled():
        for i in range(5):
            memo.remember(memo.try_key(i), lambda i=i: i)
        assert len(memo._table) == 3
        assert memo.remember(memo.try_key(0), lambda: "recomputed") == "recomputed"


def _cases():
    """(f, x, answer): one lambda's code at several closures and points, right and wrong answers."""
    rng = np.random.default_rng(7)
    cases = []
    for scale in (1.0, 2.0):
        f = _make_scaled(scale)
        for shape in [(3,), (2, 3), (3000,)]:  # the last one takes the sampled path
            x = rng.normal(size=shape)
            cases.append((f, x, 2 * scale * x))
            cases.append((f, x, scale * x))  # the missing factor 2
    relu_sum = lambda t: float(np.sum(np.maximum(t, 0.0)))  # noqa: E731  kinks: one-sided probes
    x = np.array([0.0, 1.0, -1.0])
    # One point, several answers: what the verdict keeps from the grader's slopes must not carry one
    # answer's dtype (tolerance), size (a sampled tensor's scale) or kink note into the next.
    for answer in ([0.5, 1.0, 0.0], [1.0, 1.0, 0.0], [2.0, 1.0, 0.0], np.float32([0.5, 1.0, 0.0]), [0.5, 1.0, 1e-3]):
        cases.append((relu_sum, x, np.asarray(answer)))
    # A kink too small to see at float32's tolerance, but seen at float64's.
    small_kink = lambda t: float(np.sum(t + 1e-5 * np.abs(t)))  # noqa: E731
    answer = np.array([1.0 - 5e-6, 1.0 + 1e-5])
    cases += [(small_kink, np.array([0.0, 0.5]), answer), (small_kink, np.array([0.0, 0.5]), answer.astype(np.float32))]
    x = rng.normal(size=3000)  # sampled, with the answer's largest entry standing in for the scale
    cases += [(_make_scaled(1.0), x, 2 * x), (_make_scaled(1.0), x, 2.001 * x)]
    return cases


def _summary(result: gradcheck.CheckResult):
    return result.passed, result.max_error, [(m.index, m.got, m.expected) for m in result.worst], result.note


def test_gradient_checks_judge_alike_with_and_without_remembering():
    plain = [_summary(gradcheck.check_gradient(f, x, a, seed=3)) for f, x, a in _cases()]
    with memo.enabled():
        first = [_summary(gradcheck.check_gradient(f, x, a, seed=3)) for f, x, a in _cases()]
        again = [_summary(gradcheck.check_gradient(f, x, a, seed=3)) for f, x, a in _cases()]
    assert plain == first == again
    assert [p[0] for p in plain[:4]] == [True, False, True, False]
    assert [p[0] for p in plain[-9:]] == [True, True, False, True, False, True, True, True, False]


def test_a_check_with_its_own_scale_is_judged_by_that_scale():
    f, x = _make_scaled(1.0), np.array([0.5, -1.0, 2.0])
    answer = 2.00001 * x

    def run():
        return [_summary(gradcheck.check_gradient(f, x, answer, scale=scale)) for scale in (None, 100.0, None)]

    plain = run()
    with memo.enabled():
        remembered = run()
    assert plain == remembered and plain[0] != plain[1] and plain[0][0] is False and plain[1][0] is True


def _loss(p, X):
    return float(np.sum(np.tanh(X @ p["W"] + p["b"]) ** 2))


def _param_grads(p, X):
    z = X @ p["W"] + p["b"]
    dz = 2 * np.tanh(z) * (1 - np.tanh(z) ** 2)
    return {"W": X.T @ dz, "b": dz.sum(axis=0)}


def test_parameter_dict_checks_judge_alike_with_and_without_remembering():
    """Each tensor's lines are remembered under the whole dict's key: another tensor's values, another
    X in f's closure, or the same values under another key must not reuse them."""
    rng = np.random.default_rng(4)
    X, other_X = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    moved = {"W": params["W"], "b": params["b"] + 0.3}
    swapped = {"b": params["W"][0].copy(), "W": params["W"]}  # b takes another tensor's values

    def run():
        cases = []
        for point, data in ((params, X), (moved, X), (params, other_X), (swapped, X)):
            f = lambda p, data=data: _loss(p, data)  # noqa: E731 - same code, other closure
            right = _param_grads(point, data)
            wrong = {"W": right["W"], "b": right["b"] * 1.5}
            cases += [gradcheck.check_gradients(f, point, right, seed=2),
                      gradcheck.check_gradients(f, point, wrong, seed=2)]
        return [[_summary(r) for r in results] for results in cases]

    plain = run()
    with memo.enabled():
        first, again = run(), run()
    assert plain == first == again
    assert [all(r[0] for r in results) for results in plain] == [True, False] * 4


_CALLS: list = []  # a global, so that counting does not change f's key (its closure)


def _counted(t):
    _CALLS.append(1)
    return float(np.sum(2.0 * t**2))


def test_a_remembered_check_calls_the_forward_no_more():
    x = np.linspace(-1, 1, 5)
    _CALLS.clear()
    with memo.enabled():
        gradcheck.check_gradient(_counted, x, 4 * x)
        first = len(_CALLS)
        gradcheck.check_gradient(_counted, x.copy(), 4 * x)
        assert first > 0 and len(_CALLS) == first
        gradcheck.check_gradient(_counted, x + 0.5, 4 * (x + 0.5))  # another point: differenced anew
        assert len(_CALLS) > first
        grad = gradcheck.numerical_gradient(_counted, x)
        grad[:] = 0  # the caller's copy: the remembered one stays intact
        assert np.allclose(gradcheck.numerical_gradient(_counted, x), 4 * x, atol=1e-6)


def test_a_remembered_random_program_leaves_the_generator_where_drawing_would():
    from grader.suites.day13 import _graphs

    drawn = _graphs.random_program(np.random.default_rng(5))
    plain_rng = np.random.default_rng(5)
    _graphs.random_program(plain_rng)
    with memo.enabled():
        for _ in range(2):  # drawn, then replayed
            rng = np.random.default_rng(5)
            program, root = _graphs.random_program(rng)
            assert (program, root) == drawn
            assert rng.bit_generator.state == plain_rng.bit_generator.state
            program[0][1] = 99.0  # the caller's copy: the remembered draw stays intact
        assert _graphs.random_program(np.random.default_rng(6)) != drawn


_TRAJECTORY_CALLS: list = []


@memo.remembered
def _trajectory(start, steps):
    _TRAJECTORY_CALLS.append(1)
    return start * np.arange(steps), float(steps)


def test_a_remembered_function_is_called_once_per_argument_contents_and_hands_out_copies():
    _TRAJECTORY_CALLS.clear()
    with memo.enabled():
        first, _ = _trajectory(np.ones(3), 3)
        first[:] = -1  # the caller's copy
        again, _ = _trajectory(np.ones(3), 3)
        assert len(_TRAJECTORY_CALLS) == 1 and np.array_equal(again, np.arange(3.0))
        _trajectory(np.full(3, 2.0), 3)
        assert len(_TRAJECTORY_CALLS) == 2
    _trajectory(np.ones(3), 3)  # outside a batch: always computed
    assert len(_TRAJECTORY_CALLS) == 3
