"""The suites' fixtures, resolved directly for batch rounds (pytest's fixture machinery costs more
per test than most tests' own checks).

Only what the suites use is supported: plain (non-generator) fixtures of
function, module or session scope, parametrize arguments, and `request` for
its `.config` and `.node`. `Fixtures.supports(items)` says whether a whole
set of collected tests stays inside that; if not, the batch falls back to
pytest's own set-up, so a new kind of fixture costs speed, never correctness.
Values of module and session fixtures, and the errors they raised, are kept
until `new_round()`, as pytest keeps them until their scope ends.
"""

from __future__ import annotations

import inspect

from _pytest.outcomes import OutcomeException

_SCOPES = ("function", "module", "session")


class _Request:
    """What a fixture may ask of `request` here."""

    def __init__(self, config, node):
        self.config, self.node = config, node


class Fixtures:
    def __init__(self, config):
        self.config = config
        self._kept: dict = {}  # (fixture definition, module or None) -> (value, error)
        self._plans: dict = {}  # test item -> how to get each of its fixtures (the same every round)

    @staticmethod
    def supports(items) -> bool:
        return all(_supported(item) for item in items)

    def new_round(self) -> None:
        self._kept.clear()

    def run(self, item) -> None:
        """Set up the test's fixtures (every one it uses, in pytest's order) and call it."""
        plan = self._plans.get(item)
        if plan is None:
            plan = self._plans[item] = _plan(item)
        values = {}
        for name in item._fixtureinfo.names_closure:
            values[name] = self._value(item, plan, name, values)
        item.obj(**{name: values[name] for name in item._fixtureinfo.argnames})

    def _value(self, item, plan: dict, name: str, values: dict):
        if name in values:
            return values[name]
        scope, found = plan[name]
        if scope == "param":
            return found
        if scope == "request":
            return _Request(self.config, item)
        if scope == "function":
            return self._call(item, plan, found, values)
        key = (found, item.module if scope == "module" else None)
        if key not in self._kept:
            try:
                self._kept[key] = (self._call(item, plan, found, values), None)
            except (Exception, OutcomeException) as exc:  # kept, and raised again for every test that uses it
                self._kept[key] = (None, exc)
        value, error = self._kept[key]
        if error is not None:
            raise error
        return value

    def _call(self, item, plan: dict, definition, values: dict):
        kwargs = {arg: self._value(item, plan, arg, values) for arg in definition.argnames}
        return definition.func(**kwargs)


def _plan(item) -> dict:
    """name -> (scope, fixture definition), ("param", value) or ("request", None), for every fixture
    the test uses (asking pytest's objects each time cost more than the answers)."""
    params = getattr(item, "callspec", None)
    plan = {}
    for name in item._fixtureinfo.names_closure:
        if params is not None and name in params.params:
            plan[name] = ("param", params.params[name])
        elif name == "request":
            plan[name] = ("request", None)
        else:
            definition = item._fixtureinfo.name2fixturedefs[name][-1]
            plan[name] = (definition.scope, definition)
    return plan


def _supported(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None or getattr(item, "instance", None) is not None or not inspect.isfunction(item.obj):
        return False
    params = getattr(item, "callspec", None)
    for name in info.names_closure:
        if name == "request" or (params is not None and name in params.params):
            continue
        definitions = info.name2fixturedefs.get(name)
        if not definitions:
            return False
        definition = definitions[-1]
        func = definition.func
        if (definition.scope not in _SCOPES or name in definition.argnames or not inspect.isfunction(func)
                or inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func)):
            return False
    return True
