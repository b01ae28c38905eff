"""compare() across kinds: every per-login difference between Rules and the Actions that replace
them is labelled ``regression`` or ``known-difference:<code>`` (contract section 9).

Each test builds a small Rule and the Action that "migrates" it, runs them over one population
in both directions (Rules → Actions and Actions → Rules: the transitions are the transpose and
the labels the same), and checks the code, the Rule and the Action named, and the number of
logins, counted independently from the population or the simulated frames.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import rulesim as rs

INTERACTIVE = ["oidc-basic-profile", "oidc-implicit-profile", "samlp", "wsfed"]
GOOGLE = "google-oauth2"


@pytest.fixture(scope="module")
def browser_pop() -> rs.Population:
    # Logins a browser makes, no Rules-only protocol.
    return rs.population(300, seed=3).where(protocol=INTERACTIVE)


@pytest.fixture(scope="module")
def pop(browser_pop: rs.Population) -> rs.Population:
    # ... where a redirect can happen (the Rules runtime lets a rule redirect under
    # prompt=none, the Actions runtime fails it with interaction_required).
    prompts = sorted(set(browser_pop.logins["prompt"]) - {"none"})
    return browser_pop.where(prompt=prompts)


def _key(d: pd.DataFrame) -> list[tuple[str, ...]]:
    return sorted(zip(d["login_id"], d["field"], d["label"], d["rule"].fillna(""),
                      d["action"].fillna(""), strict=True))


def migrate(pop: rs.Population, rules: str | list[tuple[str, str]],
            actions: str | list[tuple[str, str]], *, configuration: dict[str, str] | None = None,
            secrets: dict[str, str] | None = None, **kwargs: object) -> rs.Impact:
    """Compare the Rules with their Actions both ways; return the forward comparison.

    ``configuration`` is the Rules' configuration, ``secrets`` the values of the secrets the
    Actions declare (each Action declares the ones its code reads).
    """
    if isinstance(rules, str):
        rules = [("gate", rules)]
    if isinstance(actions, str):
        actions = [("gate", actions)]
    rule_set = rs.RuleSet([rs.Rule(name=n, source=s, order=i + 1)
                           for i, (n, s) in enumerate(rules)], configuration)
    action_set = rs.ActionSet([rs.Action.from_code(n, s, order=i + 1)
                               for i, (n, s) in enumerate(actions)], secrets)
    return both_ways(pop, rule_set, action_set, **kwargs)


def both_ways(pop: rs.Population, before: object, after: object, **kwargs: object) -> rs.Impact:
    """Compare ``before`` with ``after`` and back (the transitions are the transpose, the labels
    the same); return the forward comparison."""
    forward = rs.compare(before, after, pop, workers=1, progress=False, **kwargs)
    reverse = rs.compare(after, before, pop, workers=1, progress=False, **kwargs)
    assert np.array_equal(reverse.transitions["count"].to_numpy(),
                          forward.transitions["count"].to_numpy().T)
    assert _key(reverse.differences) == _key(forward.differences)
    back = reverse.differences.set_index(["login_id", "field"])
    fwd = forward.differences.set_index(["login_id", "field"])
    if len(fwd):
        assert back.loc[fwd.index, "before"].fillna("").tolist() == fwd["after"].fillna("").tolist()
    return forward


def only(impact: rs.Impact, label: str) -> pd.DataFrame:
    """The differences with ``label``; every other difference must be absent."""
    d = impact.differences
    assert set(d["label"]) <= {label}, d.groupby(["label", "field"]).size()
    return d


def logins(d: pd.DataFrame) -> int:
    return int(d["login_id"].nunique())


def google(pop: rs.Population) -> int:
    return int((pop.logins["connection"] == GOOGLE).sum())


def _claims(sim: rs.Simulation, token: str = "id_token") -> list[dict[str, object]]:
    return [json.loads(t) if isinstance(t, str) else {} for t in sim.logins[token]]


# --- known differences -------------------------------------------------------------------------

def test_an_unauthorized_error_that_became_access_denied_is_diff_errcode(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('no google'));
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      if (event.connection.name === 'google-oauth2') return api.access.deny('no google');
    };""")
    d = only(impact, "known-difference:DIFF-ERRCODE")
    assert set(d["kind"]) == {"error"} and set(d["rule"]) == {"gate"} == set(d["action"])
    assert logins(d) == google(pop) > 0
    assert len(impact.regressions) == 0 and len(impact.known_differences) == len(d)


def test_a_callback_error_and_a_deny_with_the_same_description_are_equivalent(
        pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      if (context.connection === 'google-oauth2') return callback(new Error('try later'));
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      if (event.connection.name === 'google-oauth2') return api.access.deny('try later');
    };""")
    assert impact.moved("error", "denied") == google(pop)
    assert len(impact.differences) == 0


def test_calls_made_after_a_deny_without_return_are_diff_deny_continues(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('no'));
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      if (event.connection.name === 'google-oauth2') api.access.deny('no');
      if (event.connection.name === 'google-oauth2') {
        await fetch('https://audit.example/denied').catch(() => null);
      }
    };""")
    d = impact.known_differences
    cont = d[d["code"] == "DIFF-DENY-CONTINUES"]
    assert set(cont["kind"]) == {"calls"} and set(cont["action"]) == {"gate"}
    assert logins(cont) == google(pop) > 0
    assert set(d["code"]) == {"DIFF-DENY-CONTINUES", "DIFF-ERRCODE"}
    assert len(impact.regressions) == 0


def test_a_deny_that_became_a_redirect_to_an_error_page_is_diff_deny_as_redirect(
        browser_pop: rs.Population) -> None:
    pop = browser_pop
    impact = migrate(pop, """function (user, context, callback) {
      if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('blocked'));
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      if (event.connection.name === 'google-oauth2') api.redirect.sendUserTo('https://acme.example/blocked');
    };
    exports.onContinuePostLogin = async (event, api) => { api.access.deny('blocked'); };""",
        on_redirect="continue")
    d = impact.known_differences
    redirect = d[d["code"] == "DIFF-DENY-AS-REDIRECT"]
    assert set(redirect["kind"]) == {"redirect"} and set(redirect["rule"]) == {"gate"}
    silent = (pop.logins["connection"] == GOOGLE) & (pop.logins["prompt"] == "none")
    assert logins(redirect) == google(pop) - int(silent.sum()) > 0
    # Under prompt=none the Action cannot redirect: the application gets interaction_required
    # where the Rule said `blocked`. That is a regression.
    reg = impact.regressions
    assert set(reg["login_id"]) == set(pop.logins["login_id"][silent]) != set()
    assert set(reg["kind"]) == {"error"}
    assert reg["after"].str.startswith("interaction_required").all()


def test_a_deny_against_a_redirect_not_yet_continued_is_diff_deny_as_redirect(
        browser_pop: rs.Population) -> None:
    pop = browser_pop
    impact = migrate(pop, """function (user, context, callback) {
      if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('blocked'));
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      if (event.connection.name === 'google-oauth2') api.redirect.sendUserTo('https://acme.example/blocked');
    };
    exports.onContinuePostLogin = async (event, api) => { api.access.deny('blocked'); };""")
    d = impact.known_differences
    assert set(d["code"]) == {"DIFF-DENY-AS-REDIRECT"}
    assert set(d["kind"]) == {"outcome", "redirect"}
    silent = (pop.logins["connection"] == GOOGLE) & (pop.logins["prompt"] == "none")
    assert logins(d) == google(pop) - int(silent.sum()) == impact.moved("denied", "redirect")
    assert set(impact.regressions["login_id"]) == set(pop.logins["login_id"][silent])


def test_metadata_a_rule_saved_before_failing_is_diff_meta_timing(pop: rs.Population) -> None:
    impact = migrate(pop, """async function (user, context, callback) {
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.visits = (user.app_metadata.visits || 0) + 1;
      await auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
      if (context.connection === 'google-oauth2') return callback(new Error('boom'));
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      api.user.setAppMetadata('visits', (event.user.app_metadata.visits || 0) + 1);
      if (event.connection.name === 'google-oauth2') throw new Error('boom');
    };""")
    d = only(impact, "known-difference:DIFF-META-TIMING")
    assert set(d["field"]) == {"metadata:app_metadata.visits"} and set(d["action"]) == {"gate"}
    # Every Google login: the Rule counted it, the failed flow dropped the write.
    assert logins(d) == google(pop) > 0


def test_metadata_a_rule_changed_in_memory_only_is_diff_visibility(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.last_client = context.clientName;
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      api.user.setAppMetadata('last_client', event.client.name);
    };""")
    d = only(impact, "known-difference:DIFF-VISIBILITY")
    written = impact.candidate.changes
    written = written[written["persisted"].to_numpy(dtype=bool)
                      & (written["before"].fillna("") != written["after"].fillna(""))]
    assert logins(d) == written["login_id"].nunique() > 0
    assert set(d["rule"]) == {"gate"} == set(d["action"])


def test_a_claim_a_rule_computed_from_another_rules_claim_is_diff_visibility(
        pop: rs.Population) -> None:
    impact = migrate(pop, [
        ("roles", """function (user, context, callback) {
          context.idToken['https://x/roles'] = ['user'];
          callback(null, user, context);
        }"""),
        ("count", """function (user, context, callback) {
          context.idToken['https://x/n'] = (context.idToken['https://x/roles'] || []).length;
          callback(null, user, context);
        }""")], [
        ("roles", """exports.onExecutePostLogin = async (event, api) => {
          api.idToken.setCustomClaim('https://x/roles', ['user']);
        };"""),
        ("count", """exports.onExecutePostLogin = async (event, api) => {
          api.idToken.setCustomClaim('https://x/n', 0);   // claims cannot be read back
        };""")])
    d = only(impact, "known-difference:DIFF-VISIBILITY")
    assert set(d["field"]) == {"id_token:https://x/n"}
    assert set(d["rule"]) == {"count"} == set(d["action"])
    assert logins(d) == int((impact.baseline.logins["outcome"] == "allowed").sum())


def test_a_standard_claim_a_rule_changed_on_user_is_diff_stdclaim(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      user.nickname = 'changed';
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {};""")
    d = impact.differences
    assert set(d["label"]) == {"known-difference:DIFF-STDCLAIM"}
    assert set(d["field"]) == {"id_token:nickname"}
    expected = sum(1 for c in _claims(impact.baseline) if c.get("nickname") == "changed")
    assert logins(d) == expected > 0


def test_a_rule_crash_on_undefined_app_metadata_is_diff_appmeta_undef(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      if (user.app_metadata.plan === 'gold') context.idToken['https://x/gold'] = true;
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      if (event.user.app_metadata.plan === 'gold') api.idToken.setCustomClaim('https://x/gold', true);
    };""")
    d = only(impact, "known-difference:DIFF-APPMETA-UNDEF")
    crashed = int((impact.baseline.logins["outcome"] == "error").sum())
    assert logins(d) == crashed == impact.moved("error", "allowed") > 0
    assert set(d["kind"]) == {"outcome"}


TOS_RULES = [
    ("ping", """function (user, context, callback) {
      const request = require('request');
      request.get({url: 'https://ping.example/hello'}, function () { callback(null, user, context); });
    }"""),
    ("tos", """function (user, context, callback) {
      if (context.protocol !== 'redirect-callback') context.redirect = {url: 'https://acme.example/tos'};
      callback(null, user, context);
    }""")]
TOS_ACTIONS = [
    ("ping", """exports.onExecutePostLogin = async (event, api) => {
      await fetch('https://ping.example/hello').catch(() => null);
    };"""),
    ("tos", """exports.onExecutePostLogin = async (event, api) => {
      api.redirect.sendUserTo('https://acme.example/tos');
    };
    exports.onContinuePostLogin = async (event, api) => {};""")]


def test_rules_before_a_redirect_running_again_on_continue_is_diff_redirect_rerun(
        pop: rs.Population) -> None:
    impact = migrate(pop, TOS_RULES, TOS_ACTIONS, on_redirect="continue")
    d = only(impact, "known-difference:DIFF-REDIRECT-RERUN")
    assert set(d["field"]) == {"calls:GET https://ping.example/hello"}
    assert set(d["rule"]) == {"ping"} == set(d["action"])
    assert logins(d) == len(pop)
    assert set(d["before"]) == {"2"} and set(d["after"]) == {"1"}


def test_a_rules_only_redirect_callback_login_is_diff_redirect_rerun() -> None:
    pop = rs.population(300, seed=3).where(protocol="redirect-callback")
    impact = migrate(pop, """function (user, context, callback) {
      if (context.protocol === 'redirect-callback') return callback(new UnauthorizedError('x'));
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {};""")
    d = only(impact, "known-difference:DIFF-REDIRECT-RERUN")
    assert logins(d) == len(pop) > 0


def test_a_scope_claim_an_action_may_not_set_is_diff_scopes(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      context.accessToken.scope = ['openid', 'read:reports'];
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      api.accessToken.setCustomClaim('scope', 'openid read:reports');
    };""")
    d = only(impact, "known-difference:DIFF-SCOPES")
    assert logins(d) == len(pop) == impact.moved("allowed", "error")


def test_mfa_a_later_rule_deleted_is_diff_mfa(pop: rs.Population) -> None:
    impact = migrate(pop, [
        ("mfa", """function (user, context, callback) {
          context.multifactor = {provider: 'any', allowRememberBrowser: false};
          callback(null, user, context);
        }"""),
        ("trusted", """function (user, context, callback) {
          if (context.connection === 'google-oauth2') delete context.multifactor;
          callback(null, user, context);
        }""")], [
        ("mfa", """exports.onExecutePostLogin = async (event, api) => {
          api.multifactor.enable('any', {allowRememberBrowser: false});
        };"""),
        ("trusted", """exports.onExecutePostLogin = async (event, api) => {};""")])
    d = only(impact, "known-difference:DIFF-MFA")
    assert logins(d) == google(pop) > 0
    assert set(d["before"]) == {"none"} and set(d["after"]) == {"any"}


def test_a_write_after_the_handler_settled_is_diff_fire_and_forget(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      const request = require('request');
      request.post({url: 'https://hook.example/x'}, function () {
        user.app_metadata = user.app_metadata || {};
        user.app_metadata.pinged = (user.app_metadata.pinged || 0) + 1;
        auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
      });
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      fetch('https://hook.example/x', {method: 'POST'}).catch(() => null).then(() => {
        api.user.setAppMetadata('pinged', (event.user.app_metadata.pinged || 0) + 1);
      });
    };""")
    d = only(impact, "known-difference:DIFF-FIRE-AND-FORGET")
    assert logins(d) == len(pop)


def test_a_client_credentials_token_call_an_action_adds_is_diff_mgmt(pop: rs.Population) -> None:
    impact = migrate(pop, """async function (user, context, callback) {
      await auth0.users.updateAppMetadata(user.user_id, {seen: true});
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      await fetch('https://acme.eu.auth0.com/oauth/token', {method: 'POST'}).catch(() => null);
      api.user.setAppMetadata('seen', true);
    };""")
    d = only(impact, "known-difference:DIFF-MGMT")
    assert set(d["kind"]) == {"calls"} and logins(d) == len(pop)


def test_a_field_rules_have_and_event_user_lacks_is_diff_userfields(pop: rs.Population) -> None:
    rule = """function (user, context, callback) {
      if (user.logins_count > 1) context.idToken['https://x/returning'] = true;
      callback(null, user, context);
    }"""
    impact = migrate(pop, rule, """exports.onExecutePostLogin = async (event, api) => {
      if (event.user.logins_count > 1) api.idToken.setCustomClaim('https://x/returning', true);
    };""")
    d = only(impact, "known-difference:DIFF-USERFIELDS")
    assert set(d["field"]) == {"id_token:https://x/returning"}
    assert set(d["rule"]) == {"gate"} == set(d["action"])
    returning = sum(1 for c in _claims(impact.baseline) if c.get("https://x/returning"))
    assert logins(d) == returning > 0
    # The Actions' counterpart of the count (event.stats) behaves as the Rule did.
    fixed = migrate(pop, rule, """exports.onExecutePostLogin = async (event, api) => {
      if (event.stats.logins_count > 1) api.idToken.setCustomClaim('https://x/returning', true);
    };""")
    assert len(fixed.differences) == 0


def test_a_secret_the_action_does_not_get_is_diff_secrets(pop: rs.Population) -> None:
    rule = """function (user, context, callback) {
      context.idToken['https://x/partner'] = configuration.PARTNER_ID || 'none';
      callback(null, user, context);
    }"""
    action = """exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://x/partner', event.secrets.PARTNER_ID || 'none');
    };"""
    # The Action declares PARTNER_ID, but the secrets give it no value.
    impact = migrate(pop, rule, action, configuration={"PARTNER_ID": "p-42"})
    d = only(impact, "known-difference:DIFF-SECRETS")
    assert set(d["rule"]) == {"gate"} == set(d["action"])
    assert set(d["before"]) == {"p-42"} and set(d["after"]) == {"none"}
    assert logins(d) == int((impact.baseline.logins["outcome"] == "allowed").sum()) == len(pop)
    supplied = migrate(pop, rule, action, configuration={"PARTNER_ID": "p-42"},
                       secrets={"PARTNER_ID": "p-42"})
    assert len(supplied.differences) == 0


def test_a_function_a_rule_shares_on_global_is_diff_shared_code(pop: rs.Population) -> None:
    impact = migrate(pop, [
        ("helpers", """function (user, context, callback) {
          global.tierOf = function (email) { return /@acme\\.com$/.test(email || '') ? 'staff' : 'guest'; };
          callback(null, user, context);
        }"""),
        ("tier", """function (user, context, callback) {
          context.idToken['https://x/tier'] = global.tierOf(user.email);
          callback(null, user, context);
        }""")], [
        ("helpers", """exports.onExecutePostLogin = async (event, api) => {};"""),
        ("tier", """exports.onExecutePostLogin = async (event, api) => {
          api.idToken.setCustomClaim('https://x/tier', global.tierOf(event.user.email));
        };""")])
    d = only(impact, "known-difference:DIFF-SHARED-CODE")
    assert set(d["kind"]) == {"outcome"}
    # Named: the Rule that defines the function and the Action that calls it.
    assert set(d["rule"]) == {"helpers"} and set(d["action"]) == {"tier"}
    assert logins(d) == impact.moved("allowed", "error") == len(pop)


LINK_RULE = """async function (user, context, callback) {
  if (context.connection !== 'google-oauth2') return callback(null, user, context);
  context.primaryUser = 'auth0|' + user.user_id.split('|')[1];
  user.user_metadata = user.user_metadata || {};
  user.user_metadata.linked_from = context.connection;
  await auth0.users.updateUserMetadata(user.user_id, user.user_metadata);
  callback(null, user, context);
}"""
LINK_ACTION = """exports.onExecutePostLogin = async (event, api) => {
  if (event.connection.name !== 'google-oauth2') return;
  api.authentication.setPrimaryUser('auth0|' + event.user.user_id.split('|')[1]);
  api.user.setUserMetadata('linked_from', event.connection.name);
};"""


def test_user_metadata_an_action_sets_beside_set_primary_user_is_diff_primary_user(
        pop: rs.Population) -> None:
    impact = migrate(pop, [("link", LINK_RULE)], [("link", LINK_ACTION)])
    d = only(impact, "known-difference:DIFF-PRIMARY-USER")
    assert set(d["field"]) == {"metadata:user_metadata.linked_from"}
    assert set(d["rule"]) == {"link"} == set(d["action"])
    # Every login where the Rule saved a new value (a user's later logins store it again).
    saved = impact.baseline.changes
    saved = saved[saved["persisted"].to_numpy(dtype=bool) & (saved["target"] == "user_metadata")
                  & (saved["before"].fillna("") != saved["after"].fillna(""))]
    assert logins(d) == saved["login_id"].nunique() > 0
    # Both tokens name the primary user.
    sub = {c.get("sub") for c, p in zip(_claims(impact.candidate), pop.logins["connection"],
                                        strict=True) if p == GOOGLE}
    assert all(str(s).startswith("auth0|") for s in sub)


def test_a_second_primary_user_an_action_may_not_set_is_diff_primary_user(
        pop: rs.Population) -> None:
    support = ("support", """function (user, context, callback) {
      if (context.connection === 'google-oauth2') context.primaryUser = 'auth0|support';
      callback(null, user, context);
    }""")
    impact = migrate(pop, [("link", LINK_RULE), support], [
        ("link", LINK_ACTION), ("support", """exports.onExecutePostLogin = async (event, api) => {
          if (event.connection.name === 'google-oauth2') api.authentication.setPrimaryUser('auth0|support');
        };""")])
    d = impact.differences
    once = d[d["kind"] == "outcome"]
    assert set(once["label"]) == {"known-difference:DIFF-PRIMARY-USER"}
    assert set(once["rule"]) == {"support"} == set(once["action"])
    assert logins(once) == impact.moved("allowed", "error") == google(pop) > 0
    assert len(impact.regressions) == 0


CONSENT_RULE = """function (user, context, callback) {
  const { Auth0RedirectRuleUtilities } = require('@auth0/rule-utilities@0.2.0');
  const utils = new Auth0RedirectRuleUtilities(user, context, configuration);
  if (utils.isRedirectCallback) {
    const jwt = require('jsonwebtoken');
    try {
      const payload = jwt.verify(context.request.body.session_token, configuration.SESSION_TOKEN_SECRET,
                                 {issuer: 'https://' + context.request.hostname + '/'});
      context.idToken['https://x/consent'] = payload.sub === user.user_id;
    } catch (e) { return callback(new UnauthorizedError('invalid session')); }
    return callback(null, user, context);
  }
  if (utils.canRedirect && context.connection === 'google-oauth2') {
    utils.doRedirect('https://consent.example/ask');
  }
  callback(null, user, context);
}"""
CONSENT_ACTION = """exports.onExecutePostLogin = async (event, api) => {
  if (event.connection.name !== 'google-oauth2') return;
  const token = api.redirect.encodeToken({secret: event.secrets.SESSION_TOKEN_SECRET, payload: {}});
  api.redirect.sendUserTo('https://consent.example/ask', {query: {session_token: token}});
};
exports.onContinuePostLogin = async (event, api) => {
  let payload;
  try {
    payload = api.redirect.validateToken({secret: event.secrets.SESSION_TOKEN_SECRET});
  } catch (e) { return api.access.deny('invalid session'); }
  api.idToken.setCustomClaim('https://x/consent', payload.sub === event.user.user_id);
};"""
SESSION = {"SESSION_TOKEN_SECRET": "s3cret"}


def echo_session_token(login: dict[str, object], url: str) -> dict[str, str]:
    """The consent page posts back the token it was given, as it came."""
    from urllib.parse import parse_qs, urlsplit

    return {"session_token": parse_qs(urlsplit(url).query)["session_token"][0]}


def test_a_redirect_token_that_differs_only_in_iss_and_expiry_is_diff_sessiontoken(
        pop: rs.Population) -> None:
    impact = migrate(pop, CONSENT_RULE, CONSENT_ACTION, configuration=SESSION, secrets=SESSION)
    d = only(impact, "known-difference:DIFF-SESSIONTOKEN")
    assert set(d["kind"]) == {"redirect"} and set(d["rule"]) == {"gate"} == set(d["action"])
    assert logins(d) == google(pop) == int((impact.candidate.logins["outcome"] == "redirect").sum())
    assert logins(d) > 0
    # A token whose payload differs otherwise is a regression.
    other = CONSENT_ACTION.replace("payload: {}", "payload: {consent: 'v2'}")
    assert set(migrate(pop, CONSENT_RULE, other, configuration=SESSION,
                       secrets=SESSION).differences["label"]) == {"regression"}


def test_a_returned_token_validate_token_rejects_for_its_missing_state_is_diff_sessiontoken(
        pop: rs.Population) -> None:
    impact = migrate(pop, CONSENT_RULE, CONSENT_ACTION, configuration=SESSION, secrets=SESSION,
                     on_redirect="continue", continue_handler=echo_session_token)
    d = only(impact, "known-difference:DIFF-SESSIONTOKEN")
    assert set(d["kind"]) == {"outcome"} and set(d["rule"]) == {"gate"} == set(d["action"])
    # The Rule accepted the token it had issued; the Action denied every redirected login.
    assert logins(d) == google(pop) == impact.moved("allowed", "denied") > 0


PLAN = "http://schemas.acme.com/claims/plan"


def _saml_attributes(sim: rs.Simulation) -> list[dict[str, object]]:
    return [json.loads(t) if isinstance(t, str) else {} for t in sim.logins["saml_attributes"]]


def test_a_saml_attribute_mapped_to_a_profile_path_is_diff_saml_mapping(
        pop: rs.Population) -> None:
    impact = migrate(pop, [
        ("saml", """function (user, context, callback) {
          context.samlConfiguration = context.samlConfiguration || {};
          context.samlConfiguration.mappings = {
            'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'email',
            'http://schemas.acme.com/claims/plan': 'app_metadata.plan'
          };
          context.samlConfiguration.lifetimeInSeconds = 28800;
          callback(null, user, context);
        }"""),
        ("trial", """function (user, context, callback) {
          // Google users get a trial, for this login only: the mapping reads it at issue time.
          if (context.connection === 'google-oauth2' && user.app_metadata) user.app_metadata.plan = 'trial';
          callback(null, user, context);
        }""")], [
        ("saml", """exports.onExecutePostLogin = async (event, api) => {
          const claims = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';
          api.samlResponse.setAttribute(claims + 'emailaddress', event.user.email);
          api.samlResponse.setAttribute('http://schemas.acme.com/claims/plan', event.user.app_metadata.plan);
          api.samlResponse.setLifetimeInSeconds(28800);
        };"""),
        ("trial", """exports.onExecutePostLogin = async (event, api) => {};""")])
    d = only(impact, "known-difference:DIFF-SAML-MAPPING")
    assert set(d["field"]) == {f"saml:attribute:{PLAN}"} and set(d["after"]) != {"trial"}
    assert set(d["rule"]) == {"saml"} == set(d["action"])
    rules, actions = _saml_attributes(impact.baseline), _saml_attributes(impact.candidate)
    trials = sum(1 for x in rules if x.get(PLAN) == "trial")
    assert logins(d) == trials == sum(1 for x, y in zip(rules, actions, strict=True)
                                      if x.get(PLAN) != y.get(PLAN)) > 0
    # The email the Rules map and the Action sets, and the lifetime, agree.
    assert all(x.get("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
               for x in rules)


def test_strict_counts_known_differences_as_regressions(pop: rs.Population) -> None:
    rules = rs.RuleSet([rs.Rule(name="gate", source="""function (user, context, callback) {
      if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('no'));
      callback(null, user, context);
    }""")])
    actions = rs.ActionSet([rs.Action.from_code("gate", """
    exports.onExecutePostLogin = async (event, api) => {
      if (event.connection.name === 'google-oauth2') return api.access.deny('no');
    };""")])
    impact = rs.compare(rules, actions, pop, workers=1, progress=False, strict=True)
    assert len(impact.known_differences) == 0
    assert set(impact.regressions["code"]) == {"DIFF-ERRCODE"}
    assert logins(impact.regressions) == google(pop)


def test_an_explicit_mapping_names_the_action_of_a_rule_named_otherwise(pop: rs.Population) -> None:
    rules = rs.RuleSet([rs.Rule(name="old-gate", source="""function (user, context, callback) {
      if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('no'));
      callback(null, user, context);
    }""")])
    actions = rs.ActionSet([rs.Action.from_code("new-gate", """
    exports.onExecutePostLogin = async (event, api) => {
      if (event.connection.name === 'google-oauth2') return api.access.deny('no');
    };""")])
    impact = rs.compare(rules, actions, pop, workers=1, progress=False,
                        mapping={"old-gate": "new-gate"})
    d = impact.known_differences
    assert set(d["rule"]) == {"old-gate"} and set(d["action"]) == {"new-gate"}


# --- regressions -------------------------------------------------------------------------------

REGRESSIONS = {
    "outcome": ("""function (user, context, callback) { callback(null, user, context); }""",
                """exports.onExecutePostLogin = async (event, api) => {
                  if (event.connection.name === 'google-oauth2') api.access.deny('no');
                };""", {}, "outcome", lambda pop, i: google(pop)),
    "error": ("""function (user, context, callback) {
                if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('no'));
                callback(null, user, context);
              }""", """exports.onExecutePostLogin = async (event, api) => {
                if (event.connection.name === 'google-oauth2') api.access.deny('not allowed');
              };""", {}, "error", lambda pop, i: google(pop)),
    "id_token": ("""function (user, context, callback) {
                   context.idToken['https://x/tier'] = 'gold'; callback(null, user, context);
                 }""", """exports.onExecutePostLogin = async (event, api) => {
                   api.idToken.setCustomClaim('https://x/tier', 'silver');
                 };""", {}, "id_token:https://x/tier", lambda pop, i: len(pop)),
    "access_token": ("""function (user, context, callback) {
                       context.accessToken['https://x/tier'] = 'gold'; callback(null, user, context);
                     }""", """exports.onExecutePostLogin = async (event, api) => {};""", {},
                     "access_token:https://x/tier", lambda pop, i: len(pop)),
    "scopes": ("""function (user, context, callback) {
                 context.accessToken.scope = ['openid']; callback(null, user, context);
               }""", """exports.onExecutePostLogin = async (event, api) => {
                 api.accessToken.removeScope('profile');
               };""", {}, "scope:email",
               lambda pop, i: sum("email" in str(s).split() for s in i.candidate.logins["scopes"])),
    "mfa": ("""function (user, context, callback) {
              if (context.connection === 'google-oauth2') context.multifactor = {provider: 'any'};
              callback(null, user, context);
            }""", """exports.onExecutePostLogin = async (event, api) => {};""", {}, "mfa",
            lambda pop, i: google(pop)),
    "saml": ("""function (user, context, callback) {
               context.samlConfiguration = {lifetimeInSeconds: 28800}; callback(null, user, context);
             }""", """exports.onExecutePostLogin = async (event, api) => {
               api.samlResponse.setLifetimeInSeconds(3600);
             };""", {}, "saml:config:lifetimeInSeconds", lambda pop, i: len(pop)),
    "redirect": ("""function (user, context, callback) {
                   context.redirect = {url: 'https://acme.example/a'}; callback(null, user, context);
                 }""", """exports.onExecutePostLogin = async (event, api) => {
                   api.redirect.sendUserTo('https://acme.example/b');
                 };
                 exports.onContinuePostLogin = async () => {};""", {}, "redirect",
                 lambda pop, i: len(pop)),
    "metadata": ("""async function (user, context, callback) {
                   await auth0.users.updateAppMetadata(user.user_id, {plan: 'gold'});
                   callback(null, user, context);
                 }""", """exports.onExecutePostLogin = async (event, api) => {
                   api.user.setAppMetadata('plan', 'silver');
                 };""", {}, "metadata:app_metadata.plan",
                 # the first login of each user saves the value; later ones write it again
                 lambda pop, i: int(pop.logins["user_id"].nunique())),
    "calls": ("""function (user, context, callback) {
                const request = require('request');
                request.get({url: 'https://a.example/x'}, function () { callback(null, user, context); });
              }""", """exports.onExecutePostLogin = async (event, api) => {
                await fetch('https://b.example/x').catch(() => null);
              };""", {}, "calls:GET https://a.example/x", lambda pop, i: len(pop)),
}


@pytest.mark.parametrize("kind", sorted(REGRESSIONS))
def test_a_difference_no_known_difference_explains_is_a_regression(pop: rs.Population,
                                                                   kind: str) -> None:
    rule, action, kwargs, field, expected = REGRESSIONS[kind]
    impact = migrate(pop, rule, action, **kwargs)
    reg = impact.regressions
    assert set(reg["kind"]) == {kind}, reg.groupby(["kind", "field"]).size()
    assert len(impact.known_differences) == 0
    assert set(reg["rule"]) == {"gate"} == set(reg["action"])
    hits = reg[reg["field"] == field]
    assert logins(hits) == expected(pop, impact) > 0
    assert hits["why"].str.contains("no known difference").all()


def test_two_rule_sets_have_only_regressions() -> None:
    pop = rs.population(60, seed=1)
    a = rs.RuleSet([rs.Rule(name="r", source=(
        "function (u, c, cb) { c.idToken['https://x/a'] = 1; cb(null, u, c); }"))])
    b = a.replace("r", "function (u, c, cb) { c.idToken['https://x/a'] = 2; cb(null, u, c); }")
    impact = rs.compare(a, b, pop, workers=1, progress=False)
    assert set(impact.differences["label"]) == {"regression"}


def test_a_rule_crash_on_a_missing_context_request_is_diff_shape(pop: rs.Population) -> None:
    impact = migrate(pop, """function (user, context, callback) {
      if (context.request.query.prompt === 'login') context.idToken['https://x/p'] = 1;
      callback(null, user, context);
    }""", """exports.onExecutePostLogin = async (event, api) => {
      if (event.request.query.prompt === 'login') api.idToken.setCustomClaim('https://x/p', 1);
    };""")
    d = only(impact, "known-difference:DIFF-SHAPE")
    assert logins(d) == int((~pop.logins["has_request"]).sum()) == impact.moved("error", "allowed")
    assert logins(d) > 0


# --- DIFF-ORDER: mixed tenants run every Rule before every Action --------------------------------

TIER_RULE = """async function (user, context, callback) {
  context.idToken['https://x/tier'] = 'basic';
  context.multifactor = {provider: 'any', allowRememberBrowser: true};
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.tier = 'basic';
  await auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
  callback(null, user, context);
}"""
TIER_ACTION = """exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/tier', 'basic');
  api.multifactor.enable('any', {allowRememberBrowser: true});
  api.user.setAppMetadata('tier', 'basic');
};"""
GOLD_RULE = """async function (user, context, callback) {
  // Google logins are staff: a later rule upgrades what the tier rule set.
  if (context.connection !== 'google-oauth2') return callback(null, user, context);
  context.idToken['https://x/tier'] = 'gold';
  context.multifactor = {provider: 'guardian', allowRememberBrowser: false};
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.tier = 'gold';
  await auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
  callback(null, user, context);
}"""
GOLD_ACTION = """exports.onExecutePostLogin = async (event, api) => {
  if (event.connection.name !== 'google-oauth2') return;
  api.idToken.setCustomClaim('https://x/tier', 'gold');
  api.multifactor.enable('guardian', {allowRememberBrowser: false});
  api.user.setAppMetadata('tier', 'gold');
};"""


def half_way(rules: list[tuple[str, str]], actions: list[tuple[str, str]]) -> rs.Tenant:
    """A mixed tenant: these Rules enabled, these Actions bound (each Action replaces the Rule
    named like it)."""
    return rs.Tenant(rs.RuleSet([rs.Rule(name=n, source=s, order=i + 1)
                                 for i, (n, s) in enumerate(rules)]),
                     rs.ActionSet([rs.Action.from_code(n, s, order=i + 1)
                                   for i, (n, s) in enumerate(actions)]))


def test_an_action_that_now_writes_after_a_later_rule_in_a_mixed_tenant_is_diff_order(
        pop: rs.Population) -> None:
    rules = rs.RuleSet([rs.Rule(name="tier", source=TIER_RULE, order=1),
                        rs.Rule(name="gold", source=GOLD_RULE, order=2)])
    # Half-way: `tier` is an Action, `gold` still a Rule. Rules run first, so the Action's
    # basic tier claim, MFA and stored tier now overwrite the staff upgrade.
    mixed = half_way([("gold", GOLD_RULE)], [("tier", TIER_ACTION)])
    impact = both_ways(pop, rules, mixed)
    d = only(impact, "known-difference:DIFF-ORDER")
    assert set(d["field"]) == {"id_token:https://x/tier", "mfa", "metadata:app_metadata.tier"}
    # Named: the Rule that wrote last in the Rules' order, the Action that wrote last mixed.
    assert set(d["rule"]) == {"gold"} and set(d["action"]) == {"tier"}
    assert logins(d) == google(pop) > 0 and len(d) == 3 * google(pop)
    assert set(d.loc[d["field"] == "mfa", "before"]) == {"guardian"}
    assert set(d.loc[d["field"] == "mfa", "after"]) == {"any"}
    assert set(d.loc[d["field"] == "metadata:app_metadata.tier", "after"]) == {"basic"}
    # The same Actions alone, in the Rules' order, do what the Rules did.
    done = half_way([], [("tier", TIER_ACTION), ("gold", GOLD_ACTION)])
    assert len(both_ways(pop, rules, done).differences) == 0
    # From the mixed tenant to the Actions alone, the order flips back: DIFF-ORDER again.
    back = only(both_ways(pop, mixed, done), "known-difference:DIFF-ORDER")
    assert set(back["rule"]) == {"gold"} and set(back["action"]) == {"tier"}
    assert logins(back) == google(pop) and len(back) == 3 * google(pop)


def test_an_action_that_writes_another_value_after_a_later_rule_is_a_regression(
        pop: rs.Population) -> None:
    rules = rs.RuleSet([rs.Rule(name="tier", source=TIER_RULE, order=1),
                        rs.Rule(name="gold", source=GOLD_RULE, order=2)])
    wrong = TIER_ACTION.replace("'basic'", "'silver'")
    impact = both_ways(pop, rules, half_way([("gold", GOLD_RULE)], [("tier", wrong)]))
    d = impact.differences
    claim = d[d["field"] == "id_token:https://x/tier"]
    assert set(claim["label"]) == {"regression"} and logins(claim) == len(pop)
    # The MFA the Action sets is the Rule's: only its order changed.
    assert set(d.loc[d["field"] == "mfa", "label"]) == {"known-difference:DIFF-ORDER"}


LEGACY_ROLES = """function (user, context, callback) {
  context.idToken['https://x/roles'] = ['user'];
  callback(null, user, context);
}"""
ROLES_RULE = """function (user, context, callback) {
  context.idToken['https://x/roles'] = ['user'];
  if (context.connection === 'google-oauth2') context.idToken['https://x/groups'] = ['staff'];
  callback(null, user, context);
}"""
ROLES_ACTION = """// While the legacy rule still runs, it sets the roles: step aside.
const LEGACY_ROLES_RULE = 'rul_legacyRoles0001';

exports.onExecutePostLogin = async (event, api) => {
  if (api.rules.wasExecuted(LEGACY_ROLES_RULE)) return;
  api.idToken.setCustomClaim('https://x/roles', ['user']);
  if (event.connection.name === 'google-oauth2') api.idToken.setCustomClaim('https://x/groups', ['staff']);
};"""


def test_work_an_action_skips_because_api_rules_was_executed_is_diff_order(
        pop: rs.Population) -> None:
    legacy = rs.Rule(name="legacy-roles", source=LEGACY_ROLES, order=1, id="rul_legacyRoles0001")
    rules = rs.RuleSet([legacy, rs.Rule(name="roles", source=ROLES_RULE, order=2)])
    mixed = rs.Tenant(rs.RuleSet([legacy]),
                      rs.ActionSet([rs.Action.from_code("roles", ROLES_ACTION, order=1)]))
    impact = both_ways(pop, rules, mixed)
    d = only(impact, "known-difference:DIFF-ORDER")
    assert set(d["field"]) == {"id_token:https://x/groups"}
    # Named: the Action that stepped aside and the Rule it asks about.
    assert set(d["action"]) == {"roles"} and set(d["rule"]) == {"legacy-roles"}
    assert logins(d) == len(d) == google(pop) > 0
    # Without the legacy Rule, the Action does what its Rule did.
    only_roles = rs.RuleSet([rs.Rule(name="roles", source=ROLES_RULE, order=1)])
    actions = rs.ActionSet([rs.Action.from_code("roles", ROLES_ACTION, order=1)])
    assert len(both_ways(pop, only_roles, actions).differences) == 0


COUNT_RULE = """async function (user, context, callback) {
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.login_count = (user.app_metadata.login_count || 0) + 1;
  await auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
  callback(null, user, context);
}"""
COUNT_ACTION = """// During the switch-over the Rule still counts: do not count a login twice.
const COUNT_LOGINS_RULE = 'rul_countLogins0001';

exports.onExecutePostLogin = async (event, api) => {
  if (api.rules.wasExecuted(COUNT_LOGINS_RULE)) return;
  api.user.setAppMetadata('login_count', (event.user.app_metadata.login_count || 0) + 1);
};"""


def test_an_action_whose_was_executed_guard_names_another_rule_id_is_diff_order(
        pop: rs.Population) -> None:
    rule = rs.Rule(name="count-logins", source=COUNT_RULE, order=1, id="rul_countLogins0001")
    rules = rs.RuleSet([rule])
    # Switch-over: the Rule and its Action both enabled. With the right id the Action steps
    # aside and nothing differs.
    guarded = rs.Tenant(rules, rs.ActionSet([rs.Action.from_code("count-logins", COUNT_ACTION)]))
    assert len(both_ways(pop, rules, guarded).differences) == 0
    # The Action asks about the id the Rule has in another tenant: every login counts twice.
    dev = COUNT_ACTION.replace("rul_countLogins0001", "rul_devTenantRule01")
    twice = rs.Tenant(rules, rs.ActionSet([rs.Action.from_code("count-logins", dev)]))
    impact = both_ways(pop, rules, twice)
    d = only(impact, "known-difference:DIFF-ORDER")
    assert set(d["field"]) == {"metadata:app_metadata.login_count"}
    assert set(d["rule"]) == {"count-logins"} == set(d["action"])
    assert logins(d) == len(pop)
