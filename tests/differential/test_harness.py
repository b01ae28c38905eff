"""The differential harness itself: it sees a disagreement, shows both sides, and restates
Auth0's token rules on the Node side's raw objects."""

from __future__ import annotations

import dataclasses

from diff_node import NodeSide
from diff_run import DEFAULT_CONTEXT, DEFAULT_USER, Probe, load_probes, run_node, run_rulesim
from diff_view import View, console_line, differences, report, tokens

RULE = """function (user, context, callback) {
  context.idToken['https://acme.example/v'] = VALUE;
  console.log('value', VALUE);
  callback(null, user, context);
}"""


def _probe(value: str) -> Probe:
    return Probe(name="self-test", module="harness",
                 rules=[("self-test", RULE.replace("VALUE", value))],
                 user=dict(DEFAULT_USER), context=dict(DEFAULT_CONTEXT))


def test_a_disagreement_is_found_and_reported_with_both_sides(node_side: NodeSide) -> None:
    ours = run_rulesim(_probe("1"))
    theirs = run_node(node_side, _probe("2"))
    fields = differences(ours, theirs)
    assert fields == ["id_token", "console"]
    text = report("harness/self-test", ours, theirs, fields)
    assert '"https://acme.example/v": 1' in text and '"https://acme.example/v": 2' in text
    assert "rulesim:" in text and "node:" in text


def test_the_same_rule_agrees_with_itself(node_side: NodeSide) -> None:
    same = _probe("[1, 'a']")
    assert differences(run_rulesim(same), run_node(node_side, same)) == []


def test_tokens_follow_auth0s_documented_filtering() -> None:
    context = {"request": {"query": {"scope": "openid email"}},
               "idToken": {"sub": "x", "https://acme.example/a": 1, "https://auth0.com/b": 2,
                           "roles": ["r"], "plain": 3},
               "accessToken": {"scope": ["openid", "read"], "https://acme.example/c": 4}}
    idt, at, scopes = tokens({"user_id": "u1", "email": "e@x", "name": "N"}, context)
    assert idt == {"sub": "u1", "email": "e@x", "https://acme.example/a": 1, "plain": 3}
    assert at == {"https://acme.example/c": 4}
    assert scopes == ["openid", "read"]


def test_console_lines_lose_stack_frames_only() -> None:
    assert console_line("Error: x\n    at rule (f.js:1:2)\n    at g {\n  code: 1\n}") == \
        "Error: x\n  code: 1\n}"


def test_a_deliberate_difference_can_depend_on_the_node_version() -> None:
    probe = dataclasses.replace(_probe("1"), deliberate={
        "console": "always", "description": {"node_from": 19, "reason": "V8 11 wording"}})
    assert probe.deliberate_fields(18) == {"console"}
    assert probe.deliberate_fields(20) == {"console", "description"}


def test_every_probe_has_a_unique_id_and_every_declaration_a_reason() -> None:
    probes = load_probes()
    assert len({p.id for p in probes}) == len(probes)
    fields = set(View.__dataclass_fields__)
    for p in probes:
        for names, why in p.deliberate.items():
            assert all(n.strip() in fields for n in names.split(",")), (p.id, names)
            reason = why.get("reason") if isinstance(why, dict) else why
            assert isinstance(reason, str) and len(reason) > 10, (p.id, names)
