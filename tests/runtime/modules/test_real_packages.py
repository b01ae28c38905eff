"""Real pure-JS npm packages run as their own code inside QuickJS.

These tests need the packages in the modules folder (``$RULESIM_MODULES_DIR``, by default
``~/.cache/rulesim/modules``). CI installs them with::

    rulesim modules install lodash@4.17.21 moment@2.29.4 moment-timezone@0.5.43 ipaddr.js@2.1.0 \
        q@1.5.1 async@3.2.4 xmldom@0.6.0 xpath@0.0.32

(or the same specs with ``npm install --prefix ~/.cache/rulesim/modules --no-audit --no-fund``).
A test skips, naming the command, when its package is missing.
"""

from __future__ import annotations

from module_harness import ModuleHarness, installed_modules_dir


def _harness(*packages: str, rule: str = "", legacy: bool = False) -> ModuleHarness:
    folder = installed_modules_dir(*packages)
    sources = [rule] if rule else [f"require('{p}')" for p in packages]
    return ModuleHarness(rule_sources=sources, modules_dir=folder, legacy_globals=legacy)


def test_lodash_runs_its_real_code_in_a_rule() -> None:
    rule = """function (user, context, callback) {
                const _ = require('lodash@4.17.21');
                const groups = _.uniq(_.map(user.groups, g => _.kebabCase(g)));
                context.idToken['https://acme.com/groups'] = _.sortBy(groups);
                context.idToken['https://acme.com/admin'] = _.includes(groups, 'admins');
                context.idToken.picked = _.get(user, 'app_metadata.roles[0]', 'none');
                callback(null, user, context);
              }"""
    h = _harness("lodash", rule=rule)
    run = h.run_rule(
        rule,
        user={
            "user_id": "auth0|1",
            "groups": ["Admins", "Sales Team", "admins"],
            "app_metadata": {"roles": ["editor"]},
        },
        context={"idToken": {}},
    )
    assert run.error is None
    assert run.context["idToken"] == {
        "https://acme.com/groups": ["admins", "sales-team"],
        "https://acme.com/admin": True,
        "picked": "editor",
    }
    assert h.eval("require('lodash').VERSION") == "4.17.21"


def test_lodash_is_available_as_the_legacy_underscore_global() -> None:
    h = _harness("lodash", legacy=True)
    assert h.eval("_.chunk([1, 2, 3], 2)") == [[1, 2], [3]]


def test_moment_formats_on_the_virtual_clock() -> None:
    h = _harness("moment")
    assert h.eval("require('moment')().utc().format('YYYY-MM-DD HH:mm')") == "2023-11-14 22:13"
    assert (
        h.eval("require('moment').utc('2024-02-28').add(2, 'days').format('YYYY-MM-DD')")
        == "2024-03-01"
    )
    assert (
        h.eval("require('moment')().diff(require('moment')('2023-11-13T22:13:20Z'), 'hours')") == 24
    )


def test_moment_timezone_loads_its_data_and_converts_zones() -> None:
    rule = """function (user, context, callback) {
                const moment = require('moment-timezone');
                const local = moment().tz(context.request.geoip.time_zone);
                context.idToken.hour = local.hour();
                context.idToken.office = local.hour() >= 9 && local.hour() < 17;
                callback(null, user, context);
              }"""
    h = _harness("moment-timezone", "moment", rule=rule)
    run = h.run_rule(
        rule, context={"idToken": {}, "request": {"geoip": {"time_zone": "Asia/Tokyo"}}}
    )
    assert run.error is None
    assert run.context["idToken"] == {"hour": 7, "office": False}


def test_ipaddr_checks_an_ip_against_a_cidr_allow_list() -> None:
    rule = """function (user, context, callback) {
                const ipaddr = require('ipaddr.js');
                const addr = ipaddr.parse(context.request.ip);
                const allowed = ['10.0.0.0/8', '2001:db8::/32'].some(function (cidr) {
                  const range = ipaddr.parseCIDR(cidr);
                  return addr.kind() === range[0].kind() && addr.match(range);
                });
                if (!allowed) return callback(new UnauthorizedError('IP not allowed'));
                callback(null, user, context);
              }"""
    h = _harness("ipaddr.js", rule=rule)
    assert h.run_rule(rule, context={"request": {"ip": "10.1.2.3"}}).error is None
    assert h.run_rule(rule, context={"request": {"ip": "2001:db8::1"}}).error is None
    denied = h.run_rule(rule, context={"request": {"ip": "203.0.113.1"}})
    assert denied.error == {"name": "UnauthorizedError", "message": "IP not allowed"}


def test_q_promises_resolve_through_the_harness_timers() -> None:
    rule = """function (user, context, callback) {
                const Q = require('q');
                Q.all([Q(1), Q.delay(2, 50)]).spread(function (a, b) {
                  context.idToken.sum = a + b;
                  callback(null, user, context);
                }).done();
              }"""
    h = _harness("q", rule=rule)
    run = h.run_rule(rule, context={"idToken": {}})
    assert run.error is None
    assert run.context["idToken"] == {"sum": 3}


def test_async_runs_parallel_tasks_with_real_http_calls() -> None:
    rule = """function (user, context, callback) {
                const async = require('async');
                const request = require('request');
                async.parallel({
                  crm: cb => request.get({ url: 'https://crm.example.com/u', json: true },
                                         (e, r, b) => cb(e, b)),
                  risk: cb => request.get({ url: 'https://risk.example.com/u', json: true },
                                          (e, r, b) => cb(e, b))
                }, function (err, results) {
                  if (err) return callback(err);
                  context.idToken.plan = results.crm.plan;
                  context.idToken.risk = results.risk.score;
                  callback(null, user, context);
                });
              }"""
    h = _harness("async", rule=rule)
    run = h.run_rule(
        rule,
        context={"idToken": {}},
        responder=lambda call: {
            "status": 200,
            "headers": {},
            "body": '{"plan": "pro"}' if "crm" in call["url"] else '{"score": 0.3}',
        },
    )
    assert run.error is None
    assert run.context["idToken"] == {"plan": "pro", "risk": 0.3}
    assert sorted(c["url"] for c in run.calls) == [
        "https://crm.example.com/u",
        "https://risk.example.com/u",
    ]


def test_xmldom_and_xpath_read_a_saml_style_document() -> None:
    rule = """function (user, context, callback) {
                const { DOMParser } = require('xmldom');
                const xpath = require('xpath');
                const xml = user.app_metadata.assertion;
                const doc = new DOMParser().parseFromString(xml, 'text/xml');
                const ns = { saml: 'urn:oasis:names:tc:SAML:2.0:assertion' };
                const select = xpath.useNamespaces(ns);
                const path = "//saml:Attribute[@Name='groups']/saml:AttributeValue/text()";
                const groups = select(path, doc)
                  .map(n => n.nodeValue);
                context.idToken.groups = groups;
                callback(null, user, context);
              }"""
    assertion = (
        '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">'
        "<saml:AttributeStatement>"
        '<saml:Attribute Name="groups"><saml:AttributeValue>ops</saml:AttributeValue>'
        "<saml:AttributeValue>dev</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>"
        "</saml:Assertion>"
    )
    h = _harness("xmldom", "xpath", rule=rule)
    run = h.run_rule(
        rule,
        user={"user_id": "samlp|1", "app_metadata": {"assertion": assertion}},
        context={"idToken": {}},
    )
    assert run.error is None
    assert run.context["idToken"] == {"groups": ["ops", "dev"]}


def test_moment_loads_a_locale_through_its_dynamic_require() -> None:
    h = _harness("moment")
    assert (
        h.eval("require('moment').utc('2024-03-01').locale('fr').format('dddd D MMMM')")
        == "vendredi 1 mars"
    )
