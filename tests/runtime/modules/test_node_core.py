"""url, querystring, util and events: the Node core behaviour rules rely on."""

from __future__ import annotations

import json
import subprocess

import pytest
from module_harness import ModuleHarness


def test_url_parse_returns_nodes_legacy_fields(harness: ModuleHarness) -> None:
    got = harness.eval(
        "require('url').parse('https://user:pw@Sub.Example.com:8080/p/a/t/h?query=string#hash')"
    )
    assert got == {
        "protocol": "https:",
        "slashes": True,
        "auth": "user:pw",
        "host": "sub.example.com:8080",
        "port": "8080",
        "hostname": "sub.example.com",
        "hash": "#hash",
        "search": "?query=string",
        "query": "query=string",
        "pathname": "/p/a/t/h",
        "path": "/p/a/t/h?query=string",
        "href": "https://user:pw@sub.example.com:8080/p/a/t/h?query=string#hash",
    }
    relative = harness.eval("require('url').parse('/callback?code=1&code=2', true)")
    assert relative["pathname"] == "/callback"
    assert relative["query"] == {"code": ["1", "2"]}
    assert relative["host"] is None


def test_a_rule_checks_the_redirect_uri_host_with_url_parse(harness: ModuleHarness) -> None:
    rule = """function (user, context, callback) {
                const url = require('url');
                const redirect = url.parse(context.request.query.redirect_uri || '');
                if (redirect.hostname && !redirect.hostname.endsWith('.acme.com')) {
                  const msg = 'unexpected redirect host ' + redirect.hostname;
                  return callback(new UnauthorizedError(msg));
                }
                callback(null, user, context);
              }"""
    ok = harness.run_rule(
        rule, context={"request": {"query": {"redirect_uri": "https://app.acme.com/cb"}}}
    )
    bad = harness.run_rule(
        rule, context={"request": {"query": {"redirect_uri": "https://evil.example/cb"}}}
    )
    assert ok.error is None
    assert bad.error == {
        "name": "UnauthorizedError",
        "message": "unexpected redirect host evil.example",
    }


def test_url_format_and_resolve(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var url = require('url'); return ["
        " url.format({protocol: 'https', hostname: 'a.example.com', pathname: '/x',"
        " query: {a: 1, b: 'c d'}}),"
        " url.format(url.parse('http://h.com/p?q=1')),"
        " url.resolve('https://a.com/b/c', '../d'), url.resolve('https://a.com/b/c', '/e')]; })()"
    )
    assert got == [
        "https://a.example.com/x?a=1&b=c%20d",
        "http://h.com/p?q=1",
        "https://a.com/d",
        "https://a.com/e",
    ]


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("https://Example.COM:443/a/./b/../c?x=1#f", None, "https://example.com/a/c?x=1#f"),
        ("http://example.com", None, "http://example.com/"),
        ("/p?q", "https://h.com/a/b", "https://h.com/p?q"),
        ("?z=1", "https://h.com/a/b?y=2", "https://h.com/a/b?z=1"),
        ("//cdn.com/x", "https://h.com/", "https://cdn.com/x"),
        ("https://h.com/a b/ü", None, "https://h.com/a%20b/%C3%BC"),
        ("mailto:ann@example.com", None, "mailto:ann@example.com"),
    ],
)
def test_whatwg_url_parses_and_resolves_like_node(
    harness: ModuleHarness, href: str, base: str | None, expected: str
) -> None:
    args = json.dumps(href) + ("" if base is None else ", " + json.dumps(base))
    assert harness.eval(f"new (require('url').URL)({args}).href") == expected


# Hosts of special URLs that end in a number are IPv4 addresses (WHATWG host parsing); Node's
# answers (null: Node throws "Invalid URL").
IPV4_HOSTS = [
    ("http://0x10/", "http://0.0.0.16/"), ("http://1.2.3/", "http://1.2.0.3/"),
    ("http://010.1.1.1/", "http://8.1.1.1/"), ("http://999.1.1.1/", None),
    ("http://1.2.3.4.5/", None), ("http://4294967295/", "http://255.255.255.255/"),
    ("http://0/", "http://0.0.0.0/"), ("http://1.2.3.0x4/", "http://1.2.3.4/"),
    ("http://a.0x/", None), ("http://1.2.3.4./", "http://1.2.3.4/"), ("http://09.1.1.1/", None),
    ("https://example.com/", "https://example.com/"), ("http://a.1/", None),
    ("http://0x/", "http://0.0.0.0/"), ("http://1.256/", "http://1.0.1.0/"),
    ("file://1.2.3/x", "file://1.2.0.3/x"), ("ws://0x7f.1/", "ws://127.0.0.1/"),
    ("foo://0x10/", "foo://0x10/"),
]
IPV4_CHECK = """(function (inputs) {
  return inputs.map(function (u) { try { return new URL(u).href; } catch (e) { return null; } });
})(%s)"""


def test_whatwg_url_reads_hosts_that_end_in_a_number_as_ipv4_like_node(
        harness: ModuleHarness) -> None:
    inputs = [u for u, _ in IPV4_HOSTS]
    got = harness.eval(IPV4_CHECK.replace("URL(u)", "(require('url').URL)(u)") % json.dumps(inputs))
    assert got == [href for _, href in IPV4_HOSTS]


def test_the_ipv4_table_is_what_node_answers(node_binary: str) -> None:
    node = node_binary
    script = "console.log(JSON.stringify(" + IPV4_CHECK % json.dumps([u for u, _ in IPV4_HOSTS]) + "))"
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True,
                          timeout=60)
    assert json.loads(done.stdout) == [href for _, href in IPV4_HOSTS]


def test_url_search_params_are_live_and_form_encoded(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var u = new (require('url').URL)('https://h.com/cb?state=abc');"
        " u.searchParams.append('session_token', 'a b+c'); u.searchParams.set('state', 'x');"
        " var p = new (require('url').URLSearchParams)({a: '1', b: 'two words'});"
        " return [u.href, u.searchParams.get('session_token'), p.toString(), u.origin,"
        " (function () { try { new (require('url').URL)('nope'); }"
        " catch (e) { return e.code; } })()]; })()"
    )
    assert got == [
        "https://h.com/cb?state=x&session_token=a+b%2Bc",
        "a b+c",
        "a=1&b=two+words",
        "https://h.com",
        "ERR_INVALID_URL",
    ]


def test_querystring_parses_and_stringifies_like_node(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var qs = require('querystring'); return ["
        " qs.stringify({a: 1, b: ['x', 'y'], c: 'é &', d: null, e: undefined}),"
        " qs.parse('a=1&b=x&b=y&c=%C3%A9+%26&bad=%E0%A4%A'),"
        " qs.escape('a b/c'), qs.unescape('a%20b')]; })()"
    )
    assert got == [
        "a=1&b=x&b=y&c=%C3%A9%20%26&d=&e=",
        {"a": "1", "b": ["x", "y"], "c": "é &", "bad": "%E0%A4%A"},
        "a%20b%2Fc",
        "a b",
    ]


def test_util_format_and_promisify(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var util = require('util'); return ["
        " util.format('%s logged in %d times %j', 'ann', 3, {a: 1}),"
        " util.format('%s', {a: [1, 2]}), util.format('a', 'b', 1), util.format('%% %x', 1),"
        " util.inspect({a: 'x', b: [1, {c: null}]})]; })()"
    )
    assert got == [
        'ann logged in 3 times {"a":1}',
        "{ a: [Array] }",
        "a b 1",
        "% %x 1",
        "{ a: 'x', b: [ 1, { c: null } ] }",
    ]
    run = harness.run_rule(
        """async function (user, context, callback) {
             const util = require('util');
             const later = util.promisify(function (v, cb) {
               setTimeout(() => cb(null, v * 2), 10);
             });
             context.idToken.v = await later(21);
             callback(null, user, context);
           }""",
        context={"idToken": {}},
    )
    assert run.context["idToken"] == {"v": 42}


def test_events_emitter_on_once_and_error(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var E = require('events'); var e = new E(); var seen = [];"
        " e.on('x', function (v) { seen.push('on' + v); });"
        " e.once('x', function (v) { seen.push('once' + v); });"
        " e.emit('x', 1); e.emit('x', 2);"
        " try { e.emit('error', new Error('boom')); } catch (err) { seen.push(err.message); }"
        " return [seen, e.listenerCount('x'), E.EventEmitter === E]; })()"
    )
    assert got == [["on1", "once1", "on2", "boom"], 1, True]
