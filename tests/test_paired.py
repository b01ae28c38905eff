"""Paired runs (`rulesim.paired`): the shared prefix runs once, results equal two full runs."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.impact import compare
from rulesim.impact.planning import prefix_plan as _prefix_plan
from rulesim.impact.planning import shared_prefix as _shared_prefix
from rulesim.run import simulate_pair
from tests.frames import comparable
from tests.runtime.test_environment import UNCHECKED_CHANGES

ACME = Path(__file__).resolve().parents[1] / "datasets" / "tenants" / "acme"
FRAMES = ("logins", "rule_runs", "changes", "calls", "logs")
NS = "https://example.com/"
PASS_BODY = "callback(null, user, context);"


def rule(name: str, body: str, order: int) -> rs.Rule:
    return rs.Rule.from_source(name, "function (user, context, callback) {\n" + body + "\n}",
                               order=order)


def assert_same_results(a: rs.Simulation, b: rs.Simulation) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(comparable(getattr(a, name)), comparable(getattr(b, name)),
                                      obj=name)


def full_and_paired(base: rs.RuleSet, cand: rs.RuleSet, pop: rs.Population, prefix: int, *,
                    global_prefix: bool = False, safe_prefix: int | None = None,
                    **kwargs: object) -> tuple[tuple[rs.Simulation, ...], int]:
    full = (rs.simulate(base, pop, **kwargs), rs.simulate(cand, pop, **kwargs))  # type: ignore[arg-type]
    a, b, shared = simulate_pair(base, cand, pop, prefix=prefix,  # type: ignore[arg-type]
                                 global_prefix=global_prefix, safe_prefix=safe_prefix, **kwargs)
    assert_same_results(full[0], a)
    assert_same_results(full[1], b)
    return (a, b), shared


@pytest.fixture(scope="module")
def acme() -> rs.RuleSet:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rs.RuleSourceWarning)
        return rs.load_rules(ACME)


def _with_claim_in_last_rule(rules: rs.RuleSet) -> rs.RuleSet:
    """The rule set with one more claim written at the start of its last active rule."""
    last = rules.active[-1]
    return rules.replace(last.name, last.source.replace(
        "{", "{\n  context.idToken['https://acme.com/v2'] = true;", 1))


def test_a_change_to_the_last_acme_rule_shares_the_prefix_and_changes_nothing_else(
        acme: rs.RuleSet) -> None:
    cand = _with_claim_in_last_rule(acme)
    pop = rs.population(300, seed=5)
    k, safe, global_prefix = _prefix_plan(acme, cand)
    # ip-blocklist caches its feed on `global`; no later rule uses global: all 15 are shared.
    assert (k, global_prefix) == (len(acme.active) - 1, True)
    assert safe == _shared_prefix(acme, cand) < k
    _, shared = full_and_paired(acme, cand, pop, k, seed=5, workers=2, chunk_size=100,
                                global_prefix=True, safe_prefix=safe)
    assert shared > 200


def test_compare_reports_how_much_it_shared_and_finds_exactly_the_edited_rules_effect(
        acme: rs.RuleSet) -> None:
    last = acme.active[-1]
    cand = _with_claim_in_last_rule(acme)
    pop = rs.population(200, seed=3)
    impact = compare(acme, cand, pop, workers=1)
    assert impact.shared_rules == _prefix_plan(acme, cand)[0] == len(acme.active) - 1
    assert 0 < impact.shared_logins <= len(pop)
    reached = impact.baseline.rule_runs
    reached = reached[(reached["rule"] == last.name) & (reached["outcome"] == "ok")]
    assert set(impact.changed["login_id"]) == set(reached["login_id"])


PREFIX = [
    # Shared references: the claim is the same array as user.app_metadata.roles.
    rule("link-roles", """
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.roles = user.app_metadata.roles || [];
      context.idToken['https://example.com/roles'] = user.app_metadata.roles;
      callback(null, user, context);""", 1),
    # Math.random and the virtual clock continue where the prefix left them.
    rule("draw", """
      context.idToken['https://example.com/draw'] = Math.floor(Math.random() * 1e9);
      context.idToken['https://example.com/t0'] = Date.now();
      callback(null, user, context);""", 2),
    # Not JSON-exact for some logins: this login runs both sides in full.
    rule("odd-values", """
      if (user.email && user.email.charAt(0) < 'f') user.seen = new Date(Date.now());
      callback(null, user, context);""", 3),
    # A Management API write in the prefix: the candidate's store must see it too.
    rule("persist", """
      user.app_metadata.visits = (user.app_metadata.visits || 0) + 1;
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
        .then(function () { callback(null, user, context); })
        .catch(function (e) { callback(e); });""", 4),
    # Denies some logins inside the prefix: the candidate keeps the denial.
    rule("deny-some", """
      if (/^[a-c]/.test(user.email || '')) return callback(new UnauthorizedError('no'));
      callback(null, user, context);""", 5),
]
SUFFIX = """
  user.app_metadata.roles.push('seen-by-suffix');
  context.idToken['https://example.com/draw2'] = Math.floor(Math.random() * 1e9);
  context.idToken['https://example.com/t1'] = Date.now();
  context.idToken['https://example.com/visits'] = user.app_metadata.visits;
  callback(null, user, context);"""


def test_paired_results_equal_two_full_runs_across_the_hard_cases() -> None:
    base = rs.RuleSet([*PREFIX, rule("suffix", SUFFIX, 6)])
    cand = base.replace("suffix", "function (user, context, callback) {\n"
                        + SUFFIX.replace("seen-by-suffix", "v2") + "\n}")
    pop = rs.population(400, seed=9, mix=rs.Mix(logins_per_user={3: 1.0}))
    assert _shared_prefix(base, cand) == len(PREFIX)
    (a, b), shared = full_and_paired(base, cand, pop, len(PREFIX), seed=9, workers=1)
    # Some logins could not be copied exactly (a Date in user) and ran in full.
    assert 0 < shared < len(pop)
    tokens = b.logins.loc[b.logins["outcome"] == "allowed", "id_token"].tolist()
    assert tokens and all("v2" in t and "seen-by-suffix" not in t for t in tokens)
    assert a.logins["outcome"].tolist() == b.logins["outcome"].tolist()


def test_a_fire_and_forget_request_in_the_prefix_makes_the_login_run_in_full() -> None:
    services = rs.Services.from_dict({"routes": [
        {"name": "hook", "method": "POST", "url": "https://hooks.example.com/login",
         "status": 200, "latency": {"fixed_ms": 50}}]})
    hook = rule("hook", """
      require('request').post({url: 'https://hooks.example.com/login', json: {u: user.user_id}},
                              function () {});
      callback(null, user, context);""", 1)
    base = rs.RuleSet([hook, rule("tail", "callback(null, user, context);", 2)])
    cand = base.replace("tail", "function (u, c, cb) { c.idToken['" + NS + "x'] = 1; cb(null, u, c); }")
    pop = rs.population(30, seed=2)
    (_, b), shared = full_and_paired(base, cand, pop, 1, seed=2, workers=1, services=services)
    assert shared == 0
    assert (b.calls["route"] == "hook").sum() == len(pop)


def test_a_rule_that_touches_global_ends_the_shared_prefix() -> None:
    cache = rule("cache", "global.n = (global.n || 0) + 1; callback(null, user, context);", 2)
    base = rs.RuleSet([rule("first", "callback(null, user, context);", 1), cache,
                       rule("last", "callback(null, user, context);", 3)])
    cand = base.replace("last", "function (u, c, cb) { cb(null, u, c); }")
    assert _shared_prefix(base, cand) == 1


def test_a_worker_crash_during_a_paired_run_loses_no_login_on_either_side() -> None:
    base = rs.RuleSet([*PREFIX[:2], rule("suffix", "callback(null, user, context);", 3)])
    cand = base.replace("suffix", "function (u, c, cb) { cb(null, u, c); }")
    pop = rs.population(40, seed=4)
    a, b, _ = simulate_pair(base, cand, pop, prefix=2, seed=4, workers=1, _crash_at=17)
    for sim in (a, b):
        assert len(sim.logins) == len(pop)
        crashed = sim.logins[sim.logins["error_code"] == "sandbox_crash"]
        assert crashed["login_id"].tolist() == [pop.logins["login_id"].iloc[17]]


# -- shared rules that use `global` ------------------------------------------------------------

FEED = rs.Services.from_dict({"routes": [
    {"name": "feed", "method": "GET", "url": "https://feed.example.com/list", "status": 200,
     "json": {"entries": ["a", "b"]}, "latency": {"fixed_ms": 40}}]})
CACHE_FEED = rule("cache-feed", """
  var cached = global.feed;
  if (cached && cached.expiresAt > Date.now()) {
    context.idToken['https://example.com/feed'] = cached.entries.length;
    return callback(null, user, context);
  }
  require('request').get({url: 'https://feed.example.com/list', json: true}, function (err, res, body) {
    global.feed = {entries: body.entries, expiresAt: Date.now() + 60000, hits: 0};
    context.idToken['https://example.com/feed'] = body.entries.length;
    callback(null, user, context);
  });""", 1)
COUNT_BODY = """
  global.n = (global.n || 0) + 1;
  context.idToken['https://example.com/n'] = global.n;
  if (user.email && user.email.charAt(0) < 'e') user.seen = new Date(Date.now());
  callback(null, user, context);"""
COUNT_IN_GLOBAL = rule("count-in-global", COUNT_BODY, 2)
PERSIST_SUFFIX = """
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.mark = (user.app_metadata.mark || '') + 'MARK';
  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
    .then(function () { callback(null, user, context); })
    .catch(function (e) { callback(e); });"""


def test_shared_rules_that_use_global_are_shared_when_no_later_rule_does() -> None:
    base = rs.RuleSet([CACHE_FEED, COUNT_IN_GLOBAL,
                       rule("suffix", PERSIST_SUFFIX.replace("MARK", "a"), 3)])
    cand = base.replace("suffix", "function (user, context, callback) {\n"
                        + PERSIST_SUFFIX.replace("MARK", "b") + "\n}")
    k, safe, global_prefix = _prefix_plan(base, cand)
    assert (k, safe, global_prefix) == (2, 0, True)
    pop = rs.population(300, seed=8, mix=rs.Mix(logins_per_user={1: 1.0, 4: 1.0}))
    (a, b), shared = full_and_paired(base, cand, pop, k, seed=8, workers=1, chunk_size=150,
                                     services=FEED, global_prefix=True, safe_prefix=safe)
    # Logins with a Date in user run in full; repeat users see different persisted metadata
    # on the two sides, after which the globals may part ways until the next chunk.
    assert 0 < shared < len(pop)
    fetches = [int((sim.calls["route"] == "feed").sum()) for sim in (a, b)]
    assert fetches[0] == fetches[1] < len(pop) / 4   # the cache on global works on both sides


def test_a_global_that_cannot_be_copied_makes_the_candidate_rerun_its_chunk_in_full() -> None:
    keep_fn = rule("keep-fn", """
      global.fmt = global.fmt || function (x) { return '<' + x + '>'; };
      context.idToken['https://example.com/f'] = global.fmt(user.user_id);
      if (user.email && user.email.charAt(0) < 'h') user.seen = new Date(Date.now());
      callback(null, user, context);""", 1)
    base = rs.RuleSet([keep_fn, rule("suffix", "callback(null, user, context);", 2)])
    cand = base.replace("suffix", "function (u, c, cb) { c.idToken.v = 2; cb(null, u, c); }")
    k, safe, global_prefix = _prefix_plan(base, cand)
    assert (k, global_prefix) == (1, True)
    pop = rs.population(120, seed=12)
    _, shared = full_and_paired(base, cand, pop, k, seed=12, workers=1, chunk_size=60,
                                global_prefix=True, safe_prefix=safe)
    assert shared < len(pop)


def test_a_global_a_shared_rule_makes_in_sloppy_code_makes_the_candidate_rerun_in_full() -> None:
    # `hits` lives on the global object, not on `global`: the candidate never ran the shared
    # rule in the logins it shared, so it must run its chunk again to count them.
    count = rule("count", "hits = (typeof hits === 'number' ? hits : 0) + 1;\n" + PASS_BODY, 1)
    base = rs.RuleSet([count, rule("claim", "context.idToken['https://example.com/h'] = hits;\n"
                                   + PASS_BODY, 2)])
    cand = base.replace("claim", "function (u, c, cb) { c.idToken['https://example.com/h'] = "
                                 "hits * 10; cb(null, u, c); }")
    k, safe, global_prefix = _prefix_plan(base, cand)
    assert k == 1
    pop = rs.population(120, seed=12)
    (_, b), shared = full_and_paired(base, cand, pop, k, seed=12, workers=1, chunk_size=60,
                                     global_prefix=global_prefix, safe_prefix=safe)
    assert json.loads(b.logins["id_token"].iloc[1])["https://example.com/h"] == 20
    assert shared == 0


LASTING_CHANGES = {
    # A shared rule's change the check after each login does not flag: it lives on in the
    # baseline's sandbox until the chunk ends, and the later rules read it.
    **UNCHECKED_CHANGES,
    "Number.limit = 3": "Number.limit === 3",
    "delete Number.isSafeInteger": "typeof Number.isSafeInteger === 'undefined'",
    "require('crypto').stash = 1": "require('crypto').stash === 1",   # a module loaded since set-up
    # what a module keeps in its closure, changed through its own API
    "require('moment').defineLocale('xx', {})": "require('moment').locale() === 'xx'",
}


@pytest.mark.parametrize("change", list(LASTING_CHANGES))
def test_a_builtin_a_shared_rule_changes_for_later_logins_makes_the_candidate_rerun_in_full(
        change: str) -> None:
    # The first login of each user makes the change; a full candidate run sees it in its
    # later logins, so the paired candidate must too.
    shared = rule("patch", f"if (user.email && user.email.charAt(0) < 'm') {{ {change}; }}\n"
                  + PASS_BODY, 1)
    probe = LASTING_CHANGES[change]
    base = rs.RuleSet([shared, rule("claim", f"context.idToken['{NS}v'] = {probe};\n"
                                    + PASS_BODY, 2)])
    cand = base.replace("claim", "function (u, c, cb) { c.idToken['" + NS + "v'] = ["
                        + probe + "]; cb(null, u, c); }")
    k, safe, global_prefix = _prefix_plan(base, cand)
    assert k == 1
    pop = rs.population(80, seed=4)
    (_, b), shared_logins = full_and_paired(base, cand, pop, k, seed=4, workers=1,
                                            chunk_size=40, global_prefix=global_prefix,
                                            safe_prefix=safe)
    seen = [json.loads(t)[NS + "v"] for t in b.logins["id_token"]]
    assert [True] in seen and [False] in seen
    assert shared_logins == 0


def test_the_plan_keeps_global_rules_out_when_a_later_rule_uses_global() -> None:
    base = rs.RuleSet([CACHE_FEED, rule("mid", PASS_BODY, 2),
                       rule("reads-global", "var x = global.feed; callback(null, user, context);",
                            3)])
    cand = base.replace("reads-global", "function (u, c, cb) { var y = global.n; cb(null, u, c); }")
    assert _prefix_plan(base, cand) == (0, 0, False)
    cand2 = base.replace("mid", "function (u, c, cb) { cb(null, u, c); }")
    assert _prefix_plan(base, cand2) == (0, 0, False)


def test_a_crash_during_a_paired_run_with_global_rules_shares_only_the_safe_prefix() -> None:
    base = rs.RuleSet([rule("first", PASS_BODY, 1), rule("count", COUNT_BODY, 2),
                       rule("suffix", PASS_BODY, 3)])
    cand = base.replace("suffix", "function (u, c, cb) { c.idToken.v = 2; cb(null, u, c); }")
    k, safe, global_prefix = _prefix_plan(base, cand)
    assert (k, safe, global_prefix) == (2, 1, True)
    pop = rs.population(60, seed=6)
    full = (rs.simulate(base, pop, seed=6, workers=1, _crash_at=20),
            rs.simulate(cand, pop, seed=6, workers=1, _crash_at=20))
    a, b, _ = simulate_pair(base, cand, pop, prefix=k, seed=6, workers=1, _crash_at=20,
                            global_prefix=True, safe_prefix=safe)
    assert_same_results(full[0], a)
    assert_same_results(full[1], b)


def test_globals_that_part_ways_on_different_persisted_metadata_stay_exact() -> None:
    # The shared rule folds the persisted mark (written differently by the two suffixes)
    # into global: after a repeat user's login the two globals differ for good.
    fold = rule("fold", """
      var mark = (user.app_metadata && user.app_metadata.mark) || '';
      global.total = (global.total || 0) + mark.length;
      context.idToken['https://example.com/total'] = global.total;
      callback(null, user, context);""", 1)
    base = rs.RuleSet([fold, rule("suffix", PERSIST_SUFFIX.replace("MARK", "a"), 2)])
    cand = base.replace("suffix", "function (user, context, callback) {\n"
                        + PERSIST_SUFFIX.replace("MARK", "bb") + "\n}")
    k, safe, global_prefix = _prefix_plan(base, cand)
    assert (k, safe, global_prefix) == (1, 0, True)
    pop = rs.population(200, seed=21, mix=rs.Mix(logins_per_user={3: 1.0}))
    (a, b), _ = full_and_paired(base, cand, pop, k, seed=21, workers=1, chunk_size=100,
                                global_prefix=True, safe_prefix=safe)
    assert a.logins["id_token"].tolist() != b.logins["id_token"].tolist()
