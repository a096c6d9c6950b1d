"""Reading the catalogue: malformed data is refused with a message that names the file and entry,
and a catalogue shipped without variants.py keeps every entry that does not need it."""

import shutil

import pytest

from grader.course import load_day
from grader.misconceptions import load_catalogue
from grader.misconceptions.catalogue import CatalogueError, catalogue_dir, read_catalogue

DAY = load_day("day13")
GOOD = """
[functions.mse_grad]
signature = "y_pred, y"

[[misconception]]
id = "mse_grad.missing_factor_2"
function = "mse_grad"
name = "missing factor 2"
answer = "expected / 2"
explanation = "Half."
lesson = "day13/05-losses.md#mean-squared-error"
"""


def catalogue_with(tmp_path, text, name="losses.toml"):
    (tmp_path / "variants.py").write_text("__all__ = []\n")  # present, so every name must be known
    (tmp_path / name).write_text(text)
    return read_catalogue(DAY, tmp_path)


def test_a_good_entry_loads(tmp_path):
    catalogue = catalogue_with(tmp_path, GOOD)
    entry = catalogue.entry("mse_grad.missing_factor_2")
    assert entry.mode == "answer" and entry.lesson_link == "docs/day13/05-losses.md#mean-squared-error"


@pytest.mark.parametrize("change, needle", [
    (("answer = \"expected / 2\"", "answer = \"expected / \""), "not a Python expression"),
    (("answer = \"expected / 2\"", "answer = \"expected / two\""), "unknown names ['two']"),
    (("answer = \"expected / 2\"", "call = \"expected / 2\""), "unknown names ['expected']"),
    (("answer = \"expected / 2\"", "answer = \"expected / 2\"\ncall = \"y\""), "exactly one of"),
    (('id = "mse_grad.missing_factor_2"', 'id = "mse.missing_factor_2"'), "<function>.<mistake>"),
    (('lesson = "day13/05-losses.md#mean-squared-error"', 'lesson = "day13/05-losses.md"'), "an anchor"),
    (('explanation = "Half."', ""), "needs 'explanation'"),
    (('[functions.mse_grad]\nsignature = "y_pred, y"', ""), "declare [functions.mse_grad]"),
    (('signature = "y_pred, y"', 'signature = "y_pred, y="'), "bad signature"),
    (('[functions.mse_grad]', '[functions.mse_gradient]'), "no function 'mse_gradient'"),
])
def test_malformed_entries_are_refused_with_the_place(tmp_path, change, needle):
    with pytest.raises(CatalogueError) as caught:
        catalogue_with(tmp_path, GOOD.replace(*change))
    assert needle in str(caught.value) and "losses.toml" in str(caught.value)


def test_a_file_for_an_unknown_exercise_and_repeated_ids_are_refused(tmp_path):
    with pytest.raises(CatalogueError, match="no exercise 'nosuch'"):
        catalogue_with(tmp_path, GOOD, "nosuch.toml")
    (tmp_path / "nosuch.toml").unlink()
    twice = GOOD + GOOD.split("\n[[misconception]]", 1)[1].join(["\n[[misconception]]", ""])
    with pytest.raises(CatalogueError, match="used twice"):
        catalogue_with(tmp_path, twice)


def test_without_variants_py_the_entries_needing_it_are_skipped_and_the_rest_work(tmp_path):
    full = load_catalogue("day13")
    for toml in catalogue_dir(DAY).glob("*.toml"):
        shutil.copy(toml, tmp_path / toml.name)
    shipped = read_catalogue(DAY, tmp_path)
    helpers = set(full.helpers)
    kept = {m.id for m in shipped.entries}
    needing = {m.id for m in full.entries if m.expression.names & helpers}
    assert kept == {m.id for m in full.entries} - needing
    assert {"mse_grad.missing_factor_2", "tanh_backward.missing_upstream", "relu_grad.one_at_zero"} <= kept
    assert len(kept) >= 40
    assert shipped.functions["relu_grad"].reference is not None  # needs no helper: kept as the guard
    assert shipped.functions["adam_step"].reference is None


def test_the_real_catalogue_with_its_variants_is_strict(tmp_path):
    for path in catalogue_dir(DAY).iterdir():
        if path.suffix in (".toml", ".py"):
            shutil.copy(path, tmp_path / path.name)
    toml = tmp_path / "descent.toml"
    toml.write_text(toml.read_text().replace("adam(theta, grad, m, v, t, lr, beta1, beta2, eps, bias_correction=False)",
                                             "adamm(theta, grad, m, v, t)"))
    with pytest.raises(CatalogueError, match="unknown names \\['adamm'\\]"):
        read_catalogue(DAY, tmp_path)
