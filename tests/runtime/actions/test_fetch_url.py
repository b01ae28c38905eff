"""fetch takes a URL in canonical form as it is instead of parsing it again (node_globals.js,
CANONICAL_URL): that is exact only if the url module's parser gives such a URL back unchanged.
Checked here on a table of tricky URLs and on generated ones; URLs whose href is not its own
href again (setters, odd inputs) must not be in the form, so fetch still parses them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from actions_harness import ActionsHarness, http_reply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SRC = Path(__file__).parents[3] / "rulesim/runtime/js/actions/node_globals.js"
PATTERN = re.search(r"var CANONICAL_URL = /(.*)/;\n", SRC.read_text()).group(1)  # type: ignore[union-attr]

TRICKY = [
    "https://enrich.acme-partners.example/v2/person?email=a%40b.example",
    "https://EXAMPLE.com/", "http://example.com:80/", "https://example.com:443/x", "http://a:8080/p",
    "http://a:/", "https://bücher.example/p", "https://xn--bcher-kva.example/", "http://[::1]/",
    "http://[::1]:8080/x", "https://a/%2e%2e/b", "https://a/b/../c", "https://a/b/./c", "https://a/./",
    "https://a/.%2e/b", "https://a/%2E/b", "https://a/b?", "https://a/b#", "https://a/b?#",
    "https://a/b?x='y'", "https://a/b?x=\"y\"", "https://a/b c?d e#f g", "https://a/é?é#é",
    "https://a\\b\\c?d\\e", "  https://a/b  ", "https://a/b\t\nc", "https://user:pw@a/b",
    "https://@a/", "https://a/b?x=%zz", "https://%41.example/", "https://a.example./",
    "https:a/b", "https:///a/b", "HTTPS://A/B", "https://a//b//", "https://a/?a=1&b=2&a=3",
    "https://a/b?q=1/2?3", "https://a/~x!$&'()*+,;=:@", "https://a/p`{}", "https://a/p<>",
    "https://a/%", "https://a/%ff", "https://a-b.c-d.example/", "https://a/b;c", "http://1.2.3.4/",
    "http://0x10/", "http://1.2.3/", "http://010.1.1.1/", "http://1.2.3.4.5/", "http://0/",
    "http://4294967295/", "http://999.1.1.1/", "http://1.2.3.0x4/",
    "file:///etc/passwd", "ftp://a/b", "ws://a/b", "foo:/.//p", "mailto:x@y", "data:text/plain,hi",
]


def harness() -> ActionsHarness:
    return ActionsHarness(["exports.onExecutePostLogin = async () => {};"])


CHECK = """(function (inputs) {
  var t = {}; __rs_A.installGlobals(t);
  var canon = new RegExp(%s);
  return inputs.map(function (s) {
    var u; try { u = new t.URL(s); } catch (e) { return null; }
    var again; try { again = new t.URL(u.href).href; } catch (e) { again = 'throws'; }
    return [u.href, again, canon.test(u.href), canon.test(s)];
  });
})(%s)"""


def check(h: ActionsHarness, inputs: list[str]) -> list[Any]:
    out: list[Any] = h.eval(CHECK % (json.dumps(PATTERN), json.dumps(inputs)))
    return out


def test_canonical_hrefs_are_their_own_href_on_a_table() -> None:
    h = harness()
    results = check(h, TRICKY)
    canonical = 0
    for s, r in zip(TRICKY, results, strict=True):
        if r is None:
            continue
        href, again, href_canon, input_canon = r
        if href_canon:
            canonical += 1
            assert again == href, (s, href, again)
        if input_canon:   # a string in the form is its own href
            assert href == s, (s, href)
    assert canonical >= 10


def test_urls_changed_by_setters_are_not_canonical_when_not_idempotent() -> None:
    h = harness()
    r = h.eval("""(function () {
      var t = {}; __rs_A.installGlobals(t); var canon = new RegExp(%s), out = [];
      function add(u) { var again; try { again = new t.URL(u.href).href; } catch (e) { again = 'throws'; }
        out.push([u.href, again, canon.test(u.href)]); }
      var u = new t.URL('https://a.example/p'); u.hostname = 'b/c'; add(u);
      u = new t.URL('https://a.example/p'); u.hostname = ''; add(u);
      u = new t.URL('https://a.example/p'); u.hostname = 'A B'; add(u);
      u = new t.URL('https://a.example/p'); u.search = 'x=\\\\'; add(u);
      u = new t.URL('https://a.example/p'); u.hash = 'a\\\\b'; add(u);
      u = new t.URL('https://a.example/p'); u.host = 'x.example:443'; add(u);
      u = new t.URL('https://a.example/p'); u.pathname = '/a/b c/../d'; add(u);
      u = new t.URL('https://a.example/p'); u.searchParams.set('email', 'Ä b+c@d.example'); add(u);
      u = new t.URL('https://a.example/p'); u.searchParams.set('e', ''); u.searchParams.delete('e'); add(u);
      return out; })()""".replace("%s", json.dumps(PATTERN)))
    not_idempotent = 0
    for href, again, canon in r:
        if again != href:
            not_idempotent += 1
            assert not canon, href
    assert not_idempotent >= 3


SEGMENT = st.from_regex(r"[A-Za-z0-9_~!$&'()*+,;=:@.%-]{0,8}", fullmatch=True)


@st.composite
def url_parts(draw: Any) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "ftp", "ws"]))
    host = draw(st.from_regex(r"[A-Za-z0-9.\-\[\]:%]{1,12}", fullmatch=True))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":0", ":080", ":"]))
    path = "".join("/" + draw(SEGMENT) for _ in range(draw(st.integers(0, 4))))
    query = draw(st.one_of(st.just(""), st.from_regex(r"\?[ -~]{0,12}", fullmatch=True)))
    frag = draw(st.one_of(st.just(""), st.from_regex(r"#[ -~]{0,6}", fullmatch=True)))
    return scheme + "://" + host + port + path + query + frag


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.from_regex(PATTERN, fullmatch=True), url_parts()), min_size=20, max_size=40))
def test_generated_canonical_urls_are_their_own_href(inputs: list[str]) -> None:
    h = HARNESS
    for s, r in zip(inputs, check(h, inputs), strict=True):
        if r is None:
            assert not re.fullmatch(PATTERN, s), s
            continue
        href, again, href_canon, input_canon = r
        assert input_canon == bool(re.fullmatch(PATTERN, s))
        if input_canon:
            assert href == s, (s, href)
        if href_canon:
            assert again == href, (s, href, again)


HARNESS = harness()


def test_fetch_sends_the_same_url_with_and_without_the_shortcut() -> None:
    body = """
      const out = [];
      const a = new URL('https://enrich.example/v2/person'); a.searchParams.set('email', 'x+y@z.example');
      out.push(a);
      const b = new URL('https://a.example/p'); b.hostname = 'b/c'; out.push(b);
      const c = new URL('https://a.example/p'); c.search = 'x=\\\\'; out.push(c);
      out.push('HTTPS://A.example/x/../y', 'https://a.example/p?q=1', new Request('https://r.example/z?k=v'));
      for (const u of out) await fetch(u);
      class Evil extends URL {}
      await fetch(new Evil('https://e.example/a/./b'));
    """
    src = f"exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};\n"
    r = ActionsHarness([src]).run(responder=lambda call: http_reply(200, "{}"))
    assert [c["url"] for c in r["calls"]] == [
        "https://enrich.example/v2/person?email=x%2By%40z.example", "https://b/c/p", "https://a.example/p?x=/",
        "https://a.example/y", "https://a.example/p?q=1", "https://r.example/z?k=v", "https://e.example/a/b"]
