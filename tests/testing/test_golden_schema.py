"""The golden-file schema: a valid JSON Schema, and each kind of mistake named at its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from rulesim.testing.golden import GoldenFileError, find_files, load
from rulesim.testing.golden_schema import check_document, schema
from rulesim.testing.golden_yaml import read

DATASETS = Path(__file__).parents[2] / "datasets"

GOOD = """\
rules: [{name: r, source: "function (user, context, callback) { callback(null, user, context); }"}]
cases:
  - description: a case
    expect:
      outcome: allowed
"""


def test_the_shipped_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(schema())


def test_every_golden_file_in_the_datasets_follows_the_schema() -> None:
    files = find_files([DATASETS])
    assert len(files) >= 3
    for file in files:
        check_document(file, read(file))


@pytest.mark.parametrize(("change", "line", "message"), [
    (("cases:", "seed: x\ncases:"), 2, "`seed` must be an int, got 'x'"),
    (("cases:", "on_redirect: later\ncases:"), 2,
     "`on_redirect` must be stop or continue, got 'later'"),
    (("cases:", "colour: blue\ncases:"), 2, "unknown key `colour` in the file; expected one of: "
     "description, rules, configuration"),
    (("    expect:", "    user: []\n    expect:"), 4, "`user` must be a mapping, got []"),
    (("  - description: a case", "  - description: ' '"), 3, "case 1 needs a `description`"),
    (("      outcome: allowed", "      outcome: allowed\n      mfa: 3"), 6,
     "`mfa` must be true, false or a provider, got 3"),
    (("      outcome: allowed", "      claims: {refresh_token: {present: [a]}}"), 5,
     "claims token must be id_token or access_token, got 'refresh_token'"),
    (("      outcome: allowed", "      claims: {id_token: {maybe: [a]}}"), 5,
     "unknown key `maybe` in claims.id_token; expected one of: present, absent"),
    (("      outcome: allowed", "      persisted_metadata: {user: {a: 1}}"), 5,
     "persisted_metadata keys are app_metadata and user_metadata, got 'user'"),
    (("      outcome: allowed", "      persisted_metadata: true"), 5,
     "`persisted_metadata` must be false or a mapping"),
    (("      outcome: allowed", "      commands: [{command: api.x, when: now}]"), 5,
     "unknown key `when` in a command"),
    (("      outcome: allowed", "      commands: [7]"), 5, "each command is a name"),
    (("rules: [{name: r, source:", "rules: [{nom: r, source:"), 1,
     "each inline rule needs `name` and `source`"),
    (("rules: [{name: r, source: \"function (user, context, callback) "
      "{ callback(null, user, context); }\"}]", "rules: 12"), 1,
     "`rules` must be a path (relative to this file) or a non-empty list of {name, source}"),
    (("  - description: a case\n", "  - 7\n  - description: a case\n"), 3,
     "case 1 must be a mapping"),
])
def test_a_mistake_is_named_with_its_line_in_the_words_of_the_schema(
        tmp_path: Path, change: tuple[str, str], line: int, message: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    path = tmp_path / "c.rulesim.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(GoldenFileError) as info:
        load(path)
    assert info.value.line == line, str(info.value)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_the_rules_shape_is_reported_after_the_cases(tmp_path: Path) -> None:
    path = tmp_path / "c.rulesim.yaml"
    path.write_text("rules: []\ncases:\n  - description: nothing\n", encoding="utf-8")
    with pytest.raises(GoldenFileError, match="needs an `expect` mapping"):
        load(path)
