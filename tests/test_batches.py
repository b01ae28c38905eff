"""Logins batched inside JavaScript (rulesim.batches) give exactly the rows the host loop gives,
login by login.

Every test runs the same logins through pipelines that differ only in their batch size: 1 (each
login on the host loop, the reference) and sizes that make logins leave batches at every
possible point (a rule waiting on a service, fire-and-forget I/O, timers, async rules, a
redirect to continue, metadata persisted for the user's next login, an engine failure).
"""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest

import rulesim as rs
from rulesim.batches import LOST_MESSAGE
from rulesim.errors import ErrorCode
from rulesim.pipeline import Pipeline
from rulesim.records import Columns, frames_from_columns
from rulesim.runtime.engine import EngineError
from rulesim.runtime.rows import LoginBlock
from rulesim.runtime.sandbox import Sandbox
from rulesim.runtime.services import HttpRequest
from rulesim.runtime.watchdog import compiled_watchdog
from tests.frames import comparable

NEEDS_INLINE = pytest.mark.skipif(
    compiled_watchdog() is None, reason="a batch drives logins inline only with the compiled "
    "watchdog (CI builds it and sets RULESIM_NATIVE=required)")
INLINE_OR_NOT = [pytest.param(True, marks=NEEDS_INLINE), False]

SERVICES = rs.Services.from_dict({"routes": [
    {"name": "score", "method": "GET", "url": "https://risk.example/score*", "status": 200,
     "json": {"score": 7}, "latency": {"median_ms": 40, "p95_ms": 90}},
    {"name": "hook", "method": "POST", "url": "https://hooks.example/*", "status": 204,
     "latency": {"median_ms": 300, "p95_ms": 900}},
]})

RULES = [
    # Synchronous: claims, a denial, Math.random and the virtual clock, global state.
    """function claims(user, context, callback) {
      global.seen = (global.seen || 0) + 1;
      context.idToken['https://x/n'] = global.seen;
      context.idToken['https://x/r'] = Math.floor(Math.random() * 1000);
      context.idToken['https://x/t'] = Date.now();
      var c = user.user_id.charCodeAt(user.user_id.length - 2);
      if (c % 7 === 0) return callback(new UnauthorizedError('no'));
      callback(null, user, context);
    }""",
    # Fire and forget for a share of logins: the login leaves its batch after the callback.
    """function hook(user, context, callback) {
      if ((context.stats && context.stats.loginsCount) % 4 === 1) {
        require('request').post({ url: 'https://hooks.example/login', json: { u: user.user_id } },
                                function () {});
      }
      callback(null, user, context);
    }""",
    # Waits on a service for some countries.
    """function score(user, context, callback) {
      var geo = context.request && context.request.geoip;
      if (!geo || geo.country_code !== 'US') return callback(null, user, context);
      require('request').get({ url: 'https://risk.example/score?u=' + user.user_id, json: true },
        function (err, res, body) {
          if (!err && body) context.accessToken['https://x/score'] = body.score;
          callback(null, user, context);
        });
    }""",
    # Persists metadata for a share of users: their next login runs on it.
    """function count(user, context, callback) {
      if (user.user_id.charCodeAt(user.user_id.length - 1) % 3 !== 0) return callback(null, user, context);
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.n = (user.app_metadata.n || 0) + 1;
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
        .then(function () { callback(null, user, context); })
        .catch(function (e) { callback(e); });
    }""",
    # An async rule for some clients; a timer for others; a console line.
    """async function later(user, context, callback) {
      if (context.clientName === 'Acme Portal') { await null; return callback(null, user, context); }
      if (context.clientName === 'Partner API') {
        return setTimeout(function () { callback(null, user, context); }, 25);
      }
      console.log('later:', context.clientName);
      callback(null, user, context);
    }""",
    # A redirect for a share of users (continued when the pipeline continues redirects).
    """function consent(user, context, callback) {
      if (context.protocol !== 'redirect-callback' && user.email && /^[a-c]/.test(user.email)) {
        context.redirect = { url: 'https://x/consent' };
      }
      callback(null, user, context);
    }""",
]


def _rules(first: str | None = None) -> list[rs.Rule]:
    sources = [first, *RULES] if first else RULES
    rules = [rs.Rule.from_source(f"r{i}", s, order=i) for i, s in enumerate(sources)]
    rules.insert(2, rs.Rule.from_source("off", "function (u, c, cb) { cb(); }", order=99,
                                        enabled=False))
    return rules


ACTIONS = [
    # Denies some users in the flow's first Action (their later Actions are skipped).
    """exports.onExecutePostLogin = async (event, api) => {
      if (event.user.user_id.charCodeAt(event.user.user_id.length - 1) % 5 === 0) {
        return api.access.deny('no');
      }
      api.user.setAppMetadata('seen', (event.user.app_metadata.seen || 0) + 1);
    };""",
    # Waits on a service for some; a redirect resumed on /continue for others.
    """let calls = 0;
    exports.onExecutePostLogin = async (event, api) => {
      calls += 1;
      if (event.request.geoip?.countryCode === 'US') {
        const res = await fetch('https://risk.example/score?n=' + calls);
        api.idToken.setCustomClaim('https://x/score', (await res.json()).score);
      }
      if (event.user.email && /^[d-f]/.test(event.user.email)) {
        api.redirect.sendUserTo('https://x/terms');
      }
    };
    exports.onContinuePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://x/terms', event.request.method);
    };""",
]


def _actions() -> list[rs.Action]:
    return [rs.Action.from_code(f"a{i}", src, order=i) for i, src in enumerate(ACTIONS)]


def _frames(batch_size: int, pop: rs.Population, rules: list[rs.Rule], *,
            limits: rs.Limits | None = None, on_redirect: str = "stop",
            starts: tuple[int, ...] = (0,),
            actions: list[rs.Action] | None = None, inline: bool = True,
            services: rs.Services = SERVICES) -> dict[str, pd.DataFrame]:
    pipe = Pipeline(rules, {}, services=services, seed=11, limits=limits,
                    batch_size=batch_size, on_redirect=on_redirect, actions=actions or ())
    pipe.batches.inline = inline
    sink = Columns()
    logins = pop.logins
    payloads = pop.payloads()
    ids = [str(x) for x in logins["login_id"]]
    users = [str(x) for x in logins["user_id"]]
    bounds = [*starts, len(payloads)]
    for a, b in itertools.pairwise(bounds):
        pipe.reset()
        pipe.run_many(payloads[a:b], a, sink, login_ids=ids[a:b], user_ids=users[a:b])
    return frames_from_columns(sink, pipe._names)


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for table in ("logins", "rule_runs", "changes", "calls", "logs"):
        pd.testing.assert_frame_equal(comparable(a[table]), comparable(b[table]),
                                      obj=table)


@pytest.fixture(scope="module")
def pop() -> rs.Population:
    return rs.population(240, seed=5)


@pytest.mark.parametrize("inline", INLINE_OR_NOT)
@pytest.mark.parametrize("batch_size", [2, 7, 64])
@pytest.mark.parametrize("on_redirect", ["stop", "continue"])
def test_batched_logins_give_the_rows_of_logins_run_one_by_one(
        pop: rs.Population, batch_size: int, on_redirect: str, inline: bool) -> None:
    rules = _rules()
    reference = _frames(1, pop, rules, on_redirect=on_redirect, starts=(0, 100))
    assert set(reference["logins"]["outcome"]) >= {"allowed", "denied"}
    assert reference["calls"]["kind"].nunique() == 2        # HTTP and the Management API
    assert reference["calls"]["fire_and_forget"].any()
    assert reference["changes"]["persisted"].any()
    _assert_same(_frames(batch_size, pop, rules, on_redirect=on_redirect, starts=(0, 100),
                         inline=inline), reference)


@pytest.mark.parametrize("inline", INLINE_OR_NOT)
def test_logins_that_need_the_host_stay_in_their_batch_only_inline(
        pop: rs.Population, inline: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from rulesim.batches import BatchRunner

    left: list[int] = []
    resumed: list[int] = []
    cont, resume = BatchRunner._continue_left, Sandbox.resume_batch
    monkeypatch.setattr(BatchRunner, "_continue_left",
                        lambda self, *a: (left.append(1), cont(self, *a))[1])
    monkeypatch.setattr(Sandbox, "resume_batch",
                        lambda self, start: (resumed.append(start), resume(self, start))[1])
    frames = _frames(64, pop, _rules(), inline=inline)
    assert len(frames["calls"]) > 20
    if inline:
        assert left == [] and resumed == []
    else:
        assert len(left) >= len(set(frames["calls"]["login_id"])) and resumed


# Rules that end on the host's say: a raising service handler, a callback never called, a
# rule still waiting at the pipeline's deadline, I/O answered after the login ended.
HOST_ENDINGS = [
    """function flaky(user, context, callback) {
      if (user.user_id.charCodeAt(user.user_id.length - 1) % 4 !== 1) return callback(null, user, context);
      var who = { 'x-user': user.user_id + (user.email || '') };
      require('request').get({ url: 'https://flaky.example/x', json: true, headers: who },
                             function (err) {
        callback(err || null, user, context);
      });
    }""",
    """function silent(user, context, callback) {
      var c = user.user_id.charCodeAt(user.user_id.length - 2) % 9;
      if (c === 1) return;                                         // never calls back
      if (c === 2) return setTimeout(function () { callback(null, user, context); }, 60000);
      if (c === 3) {
        require('request').post({ url: 'https://hooks.example/late', json: {} }, function () {});
        return setTimeout(function () { callback(null, user, context); }, 5);
      }
      callback(null, user, context);
    }""",
]


def _flaky(request: HttpRequest) -> dict[str, int]:
    if len(request.headers.get("x-user", "")) % 2 == 0:
        raise ValueError("the fake partner is down")
    return {"ok": 1}


@pytest.mark.parametrize("inline", INLINE_OR_NOT)
def test_logins_the_host_ends_give_the_same_rows_in_a_batch(pop: rs.Population,
                                                            inline: bool) -> None:
    services = rs.Services.from_dict({"routes": [
        {"name": "hook", "method": "POST", "url": "https://hooks.example/*", "status": 204,
         "latency": {"median_ms": 30, "p95_ms": 80}}]}).add(
        "flaky", "https://flaky.example/*", handler=_flaky)
    rules = [rs.Rule.from_source(f"h{i}", src, order=i) for i, src in enumerate(HOST_ENDINGS)]
    rules += [rs.Rule.from_source("r9", RULES[3], order=9)]
    limits = rs.Limits(pipeline_timeout_ms=20_000)
    reference = _frames(1, pop, rules, limits=limits, services=services)
    codes = set(reference["logins"]["error_code"].dropna())
    assert codes >= {"service_handler_error", "callback_not_called", "pipeline_timeout"}
    assert reference["calls"]["fire_and_forget"].any()
    _assert_same(_frames(64, pop, rules, limits=limits, services=services, inline=inline),
                 reference)


@NEEDS_INLINE
def test_an_error_of_the_host_inside_an_inline_batch_reaches_the_caller(
        pop: rs.Population, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fault of the host itself (not of a rule, not of a fake service's handler) while the
    # batch waits on its answer: the run raises it, and the next run is a fresh one.
    from rulesim.runtime.host import LoginHost

    answer = LoginHost.answer
    calls = 0

    def broken(self: LoginHost, kind: str, rule: int, payload: dict[str, object]) -> object:
        nonlocal calls
        calls += 1
        if calls == 30:
            raise RuntimeError("the host is broken")
        return answer(self, kind, rule, payload)

    rules = _rules()
    payloads = pop.payloads()
    ids = [str(x) for x in pop.logins["login_id"]]
    users = [str(x) for x in pop.logins["user_id"]]
    pipe = Pipeline(rules, {}, services=SERVICES, seed=11)
    assert pipe.batches.inline and pipe.sandbox.inline_ready
    monkeypatch.setattr(LoginHost, "answer", broken)
    with pytest.raises(RuntimeError, match="the host is broken"):
        pipe.run_many(payloads, 0, Columns(), login_ids=ids, user_ids=users)
    monkeypatch.undo()
    pipe.reset()
    sink = Columns()
    pipe.run_many(payloads, 0, sink, login_ids=ids, user_ids=users)
    _assert_same(frames_from_columns(sink, pipe._names), _frames(64, pop, rules))


@pytest.mark.parametrize("batch_size", [3, 64])
@pytest.mark.parametrize("on_redirect", ["stop", "continue"])
def test_logins_reaching_their_actions_leave_the_batch_and_give_the_same_rows(
        pop: rs.Population, batch_size: int, on_redirect: str) -> None:
    rules, actions = _rules(), _actions()
    reference = _frames(1, pop, rules, on_redirect=on_redirect, starts=(0, 100),
                        actions=actions)
    runs = reference["rule_runs"]
    assert set(runs[runs["kind"] == "action"]["outcome"]) >= {"ok", "denied", "skipped"}
    assert (reference["calls"]["rule"] == "a1").any()
    if on_redirect == "continue":
        assert ((runs["phase"] == "continue") & (runs["handler"] == "onContinuePostLogin")).any()
    _assert_same(_frames(batch_size, pop, rules, on_redirect=on_redirect, starts=(0, 100),
                         actions=actions), reference)


def test_a_batch_never_spans_a_reset_of_global(pop: rs.Population) -> None:
    limits = rs.Limits(global_reset=9)
    rules = _rules()
    _assert_same(_frames(64, pop, rules, limits=limits), _frames(1, pop, rules, limits=limits))


# Memory bombs are left to the worker-process tests (tests/runtime/test_hostile_rules.py): an
# engine out of memory is unreliable and can take its process down, which must never be the
# test process.
@pytest.mark.parametrize("hostile", ["while (true) {}", "(function r() { return r() + 1; })();"])
def test_an_engine_failure_inside_a_batch_loses_no_other_login(pop: rs.Population,
                                                               hostile: str) -> None:
    # Two logins of the population trip the hostile code in the first rule, inside a batch;
    # every other login is recorded as on the host loop, including those the batch had
    # finished before the failure.
    by_user = dict(zip(pop.users["user_id"], pop.users["email"], strict=True))
    emails = [by_user[pop.logins["user_id"].iloc[i]] for i in (100, 170)]
    rule = ("function hostile(user, context, callback) {\n"
            f"  if ({emails!r}.indexOf(user.email) >= 0) {{ {hostile} }}\n"
            "  callback(null, user, context);\n}")
    rules = _rules(rule)
    limits = rs.Limits(cpu_ms=200, memory_mb=64)
    batched = _frames(64, pop, rules, limits=limits)
    _assert_same(batched, _frames(1, pop, rules, limits=limits))
    failed = batched["logins"][batched["logins"]["deciding_rule"] == "r0"]
    assert len(failed) >= 2
    assert set(failed["outcome"]) == {"error"}
    assert failed.index[0] % 64 not in (0, 63)   # mid-batch: logins before it were finished


@pytest.mark.parametrize("inline", INLINE_OR_NOT)
@pytest.mark.parametrize(("hostile", "rebuilds"), [
    ("while (true) {}", 2),                              # the engine is rebuilt
    ("(function r() { return r() + 1; })();", 0),        # an error the callback's caller catches
])
def test_an_engine_failure_in_a_rule_the_host_drives_keeps_the_deferred_records(
        pop: rs.Population, hostile: str, rebuilds: int, inline: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The hostile code runs once a service has answered, in a rule the host drives, while the
    # records of the logins before it wait in the engine (deferred): the sandbox takes them
    # before it rebuilds the engine (on the host loop: its salvage; inline, inside the batch:
    # with the batch's records), and every login is recorded as on the host loop. (Two users
    # with one login each: the logins before theirs are ordinary.)
    by_user = dict(zip(pop.users["user_id"], pop.users["email"], strict=True))
    user_ids = list(pop.logins["user_id"])
    once = [i for i, u in enumerate(user_ids) if user_ids.count(u) == 1]
    picked = [next(i for i in once if i > 60), next(i for i in once if i > 150)]
    emails = [by_user[user_ids[i]] for i in picked]
    rule = ("function hostile(user, context, callback) {\n"
            f"  if ({emails!r}.indexOf(user.email) < 0) return callback(null, user, context);\n"
            "  require('request').get({ url: 'https://risk.example/score', json: true },\n"
            f"    function () {{ {hostile}\n      callback(null, user, context); }});\n}}")
    rules = _rules(rule)
    limits = rs.Limits(cpu_ms=200, memory_mb=64)
    salvaged: list[int] = []
    method = "take_batch" if inline else "take_salvaged"
    take = getattr(Sandbox, method)

    def spy(self: Sandbox) -> LoginBlock | None:
        block = take(self)
        if block is not None:
            salvaged.append(block.n)
        return block

    monkeypatch.setattr(Sandbox, method, spy)
    batched = _frames(64, pop, rules, limits=limits, inline=inline)
    assert len(salvaged) == rebuilds and all(salvaged)  # records were waiting at each failure
    monkeypatch.undo()
    _assert_same(batched, _frames(1, pop, rules, limits=limits))
    failed = batched["logins"][batched["logins"]["deciding_rule"] == "r0"]
    assert list(failed.index) == picked
    assert set(failed["outcome"]) == {"error"}


@NEEDS_INLINE
def test_a_login_driven_inline_whose_engine_cannot_answer_is_a_crash_row_run_once(
        pop: rs.Population, monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine fails in a login the batch drives inline, once its service answered, and
    # cannot even say how far the batch got: that login is not run again (the host answered
    # it: its calls happened); it becomes a crash row with its calls, and every other login
    # is recorded as on the host loop.
    by_user = dict(zip(pop.users["user_id"], pop.users["email"], strict=True))
    user_ids = list(pop.logins["user_id"])
    picked = next(i for i, u in enumerate(user_ids) if i > 60 and user_ids.count(u) == 1)
    rule = ("function hostile(user, context, callback) {\n"
            f"  if (user.email !== {by_user[user_ids[picked]]!r}) return callback(null, user, context);\n"
            "  require('request').get({ url: 'https://risk.example/score', json: true },\n"
            "    function () { while (true) {} });\n}")
    rules = _rules(rule)
    limits = rs.Limits(cpu_ms=200, memory_mb=64)
    reference = _frames(1, pop, rules, limits=limits)
    monkeypatch.setattr(Sandbox, "take_batch", lambda self: None)
    batched = _frames(64, pop, rules, limits=limits)
    logins = batched["logins"]
    assert list(logins["login_id"]) == list(reference["logins"]["login_id"])
    crashed = logins[logins["error_code"] == "sandbox_crash"]
    assert list(crashed.index) == [picked]
    assert set(crashed["error_message"]) == {LOST_MESSAGE}
    calls = batched["calls"]
    assert (calls["login_id"] == logins["login_id"][picked]).sum() == 1   # made once, kept
    others = logins.drop(index=picked)
    expected = reference["logins"].drop(index=picked)
    pd.testing.assert_series_equal(others["outcome"], expected["outcome"])


def test_deferred_records_keep_each_logins_persisted_writes_after_its_own_changes(
        pop: rs.Population) -> None:
    # Every login the host drives persists metadata (its change rows and the API's come in
    # that order), and the records of up to 64 logins cross at once.
    rule = """function write(user, context, callback) {
      context.idToken['https://x/before'] = 1;
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.k = (user.app_metadata.k || 0) + 1;
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
        .then(function () { context.idToken['https://x/after'] = 2; callback(null, user, context); });
    }"""
    rules = _rules(rule)
    deferred = Pipeline(rules, {}, services=SERVICES, seed=11)
    assert deferred.batches.defer
    batched = _frames(64, pop, rules)
    changes = batched["changes"]
    assert changes["persisted"].sum() >= len(pop.logins)
    _assert_same(batched, _frames(1, pop, rules))


def test_a_run_interrupted_while_records_wait_leaves_none_to_the_next_run(
        pop: rs.Population) -> None:
    # A run stopped by Ctrl-C in the middle of a batch leaves deferred records in the engine;
    # the pipeline's next run starts without them, so its rows are those of a fresh pipeline.
    calls = 0

    def stop_once(request: HttpRequest) -> dict[str, int]:
        nonlocal calls
        calls += 1
        if calls == 40:
            raise KeyboardInterrupt
        return {"score": 7}

    services = rs.Services().add("score", "https://risk.example/score*", handler=stop_once)
    rules = _rules()
    payloads = pop.payloads()
    ids = [str(x) for x in pop.logins["login_id"]]
    users = [str(x) for x in pop.logins["user_id"]]

    def run(pipe: Pipeline) -> dict[str, pd.DataFrame]:
        pipe.reset()
        sink = Columns()
        pipe.run_many(payloads, 0, sink, login_ids=ids, user_ids=users)
        return frames_from_columns(sink, pipe._names)

    interrupted = Pipeline(rules, {}, services=services, seed=11)
    with pytest.raises(KeyboardInterrupt):
        run(interrupted)
    assert interrupted.sandbox.deferring or len(interrupted.batches.pending)
    again = run(interrupted)
    _assert_same(again, run(Pipeline(rules, {}, services=services, seed=11)))


def test_deferred_records_the_engine_cannot_hand_over_become_crash_rows_not_gaps(
        pop: rs.Population, monkeypatch: pytest.MonkeyPatch) -> None:
    # An engine that refuses to hand over its deferred records, even at its rebuild: every
    # login still gets its rows, as a sandbox crash, and its persisted writes are kept.
    rules = _rules()
    reference = _frames(64, pop, rules)

    def refuse(self: Sandbox) -> LoginBlock | None:
        raise EngineError(ErrorCode.ENGINE_ERROR, "cannot answer", fatal=True)

    monkeypatch.setattr(Sandbox, "take_records", refuse)
    lost = _frames(64, pop, rules)
    logins = lost["logins"]
    assert list(logins["login_id"]) == list(reference["logins"]["login_id"])
    assert set(logins["error_code"]) == {"sandbox_crash"}
    assert set(logins["error_message"]) == {LOST_MESSAGE}
    persisted = lost["changes"][lost["changes"]["persisted"]]
    expected = reference["changes"][reference["changes"]["persisted"]]
    assert len(persisted) == len(expected) > 0
    assert list(persisted["login_id"]) == list(expected["login_id"])


def test_each_change_row_keeps_its_login_in_a_block_of_logins_with_none_some_and_commands(
        pop: rs.Population) -> None:
    # Login k of a block writes k % 3 claims (none, one, two); an Action adds a command row to
    # every other login. The block carries the rows of all of them and their counts per login.
    writes = """function writes(user, context, callback) {
      var k = context.stats.loginsCount % 3;
      for (var i = 0; i < k; i++) context.idToken['https://x/c' + i] = user.user_id;
      callback(null, user, context);
    }"""
    action = rs.Action.from_code("tag", """exports.onExecutePostLogin = async (event, api) => {
      if (event.stats.logins_count % 2 === 0) api.idToken.setCustomClaim('https://x/a', 1);
    };""", order=1)
    rules = [rs.Rule.from_source("writes", writes, order=1)]
    frames = _frames(64, pop, rules, actions=[action])
    logins, changes = frames["logins"], frames["changes"]
    counts = dict(zip(logins["login_id"], pop.logins["logins_count"], strict=True))
    got = changes.groupby("login_id", observed=True).size().to_dict()
    want = {lid: n % 3 + (n % 2 == 0) for lid, n in counts.items() if n % 3 + (n % 2 == 0)}
    assert got == want
    # The rows of a login are its own: each claim carries the login's user.
    by_user = dict(zip(pop.logins["login_id"], pop.logins["user_id"], strict=True))
    rule_rows = changes[changes["rule"] == "writes"]
    assert all(json.loads(after) == by_user[lid]
               for lid, after in zip(rule_rows["login_id"], rule_rows["after"], strict=True))
    assert set(changes.loc[changes["rule"] == "tag", "command"].astype(str)) == {
        "idToken.setCustomClaim"}
