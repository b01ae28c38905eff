"""The host's answers inside a batch (rulesim.runtime.inline): host functions that take and
return strings and numbers, never raise into JavaScript, and stay out of rule code's reach."""

from __future__ import annotations

import json

import pytest

import rulesim as rs
from rulesim.pipeline import Pipeline
from rulesim.records import Columns, frames_from_columns
from rulesim.runtime.host import LoginHost
from rulesim.runtime.inline import SEPARATOR, InlineHost, InlinePort
from rulesim.runtime.watchdog import compiled_watchdog

SERVICES = rs.Services.from_dict({"routes": [
    {"name": "score", "method": "GET", "url": "https://risk.example/*", "status": 200,
     "json": {"score": 7}, "latency": {"fixed_ms": 40}}]})


def _pipeline(services: rs.Services = SERVICES) -> Pipeline:
    return Pipeline([rs.Rule.from_source("r", "function (u, c, cb) { cb(null, u, c); }")], {},
                    services=services)


def _inline_host(pipe: Pipeline, users: list[str]) -> InlineHost:
    payloads = [json.dumps({"user": {"user_id": u, "email": f"{u}@x.com"}, "context": {}})
                for u in users]
    return InlineHost(pipe.host, [f"l{j}" for j in range(len(users))], users,
                      list(range(len(users))), payloads, list(payloads))


def test_an_answer_is_text_with_its_latency_calls_row_and_the_services_json() -> None:
    pipe = _pipeline()
    inline = _inline_host(pipe, ["u1"])
    answer = inline.op(0, "http", 0, json.dumps({"method": "GET", "url": "https://risk.example/s"}))
    latency, call, wrote, err, resp = answer.split(SEPARATOR)
    assert (float(latency), call, wrote, err) == (40.0, "0", "0", "")
    assert json.loads(json.loads(resp)["body"]) == {"score": 7}
    state = inline.take(0)
    assert state is not None and state.calls[0][3:6] == ["GET", "https://risk.example/s", 200]
    assert inline.take(0) is None


def test_a_management_write_says_so_and_the_users_next_login_gets_what_it_persisted() -> None:
    pipe = _pipeline()
    inline = _inline_host(pipe, ["u1", "u2", "u1"])
    update = json.dumps({"op": "updateAppMetadata", "args": {"id": "u1", "data": {"n": 1}}})
    assert inline.op(0, "mgmt", 0, update).split(SEPARATOR)[2] == "1"
    assert inline.login(1) == ""                       # another user: nothing to lay over
    assert json.loads(inline.login(2)) == {"app_metadata": {"n": 1}}
    assert inline.state(2).observed                    # the store learnt that login's user


def test_operations_without_an_answer_and_raising_handlers_are_told_apart() -> None:
    def down(request: rs.HttpRequest) -> dict[str, int]:
        raise ValueError("partner down")

    pipe = _pipeline(SERVICES.add("down", "https://down.example/*", handler=down))
    inline = _inline_host(pipe, ["u1"])
    assert inline.op(0, "carrier-pigeon", 0, "{}") == "-"
    answer = inline.op(0, "http", 0, json.dumps({"url": "https://down.example/x"}))
    assert answer.startswith("!" + SEPARATOR + "0" + SEPARATOR)
    assert "partner down" in answer
    assert inline.error is None                       # a rule's failure, not the host's


def test_a_fault_of_the_host_never_raises_into_javascript_and_reaches_the_caller(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = _pipeline()
    inline = _inline_host(pipe, ["u1"])

    def broken(self: LoginHost, kind: str, rule: int, payload: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(LoginHost, "answer", broken)
    assert inline.op(0, "http", 0, "{}") == ""
    assert inline.flag(0, 99) == 0                    # an unknown row: kept, not raised
    assert inline.login(0) in ("", "!")
    with pytest.raises(KeyboardInterrupt):
        inline.raise_error()
    inline.raise_error()                              # raised once
    port = InlinePort()
    assert (port.op(0, "http", 0, "{}"), port.flag(0, 0), port.login(0)) == ("", 0, "!")


PROBE = """function (user, context, callback) {
  var seen = [];
  var names = Object.getOwnPropertyNames(globalThis);
  for (var i = 0; i < names.length; i++) {
    if (/host|jobs|native|rulesim/i.test(names[i])) seen.push(names[i]);
  }
  require('request').get({ url: 'https://risk.example/s', json: true }, function (err, res, body) {
    var inner = Object.getOwnPropertyNames(globalThis).filter(function (n) { return /host|jobs/i.test(n); });
    context.idToken['https://probe/seen'] = seen.concat(inner).join(',');
    context.idToken['https://probe/score'] = body && body.score;
    callback(null, user, context);
  });
}"""


@pytest.mark.skipif(compiled_watchdog() is None, reason="a batch runs inline only with the "
                    "compiled watchdog (CI builds it and sets RULESIM_NATIVE=required)")
def test_a_rule_inside_an_inline_batch_finds_no_host_function() -> None:
    pop = rs.population(20, seed=3)
    pipe = Pipeline([rs.Rule.from_source("probe", PROBE)], {}, services=SERVICES)
    assert pipe.batches.inline and pipe.sandbox.inline_ready
    sink = Columns()
    pipe.run_many(pop.payloads(), 0, sink, login_ids=[str(x) for x in pop.logins["login_id"]],
                  user_ids=[str(x) for x in pop.logins["user_id"]])
    logins = frames_from_columns(sink, pipe._names)["logins"]
    claims = [json.loads(t) for t in logins["id_token"]]
    assert {c["https://probe/seen"] for c in claims} == {""}
    assert {c["https://probe/score"] for c in claims} == {7}
