"""The Node 18/22 globals Actions use: fetch over the host outbox, URL, TextEncoder and friends."""

from __future__ import annotations

from typing import Any

from actions_harness import ActionsHarness, HostError, http_reply


def run(body: str, responder: Any = None) -> dict[str, Any]:
    src = f"exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};\n"
    return ActionsHarness([src]).run(responder=responder)


def test_fetch_goes_to_the_host_and_resolves_any_status() -> None:
    def responder(call: dict[str, Any]) -> dict[str, Any]:
        return http_reply(404 if "missing" in call["url"] else 200, {"ok": True})

    r = run("const a = await fetch('https://api.example/v1/x', {method: 'POST', "
            "headers: {'Content-Type': 'application/json'}, body: JSON.stringify({n: 1})});\n"
            "const b = await fetch(new URL('https://api.example/missing'));\n"
            "console.log(a.status, a.ok, (await a.json()).ok, b.status, b.ok, b.headers.get("
            "'content-type'));",
            responder)
    assert r["logs"] == ["200 true true 404 false application/json"]
    assert [(c["method"], c["url"], c.get("body")) for c in r["calls"]] == [
        ("POST", "https://api.example/v1/x", '{"n":1}'), ("GET", "https://api.example/missing", None)]
    assert r["calls"][0]["headers"]["content-type"] == "application/json"


def test_fetch_rejects_on_a_network_failure_with_the_cause() -> None:
    def responder(call: dict[str, Any]) -> dict[str, Any]:
        raise HostError("connect ECONNREFUSED", code="ECONNREFUSED")

    r = run("try { await fetch('https://down.example/'); } catch (e) { console.log(e.name, e.message,"
            " e.cause.code); }",
            responder)
    assert r["logs"] == ["TypeError fetch failed ECONNREFUSED"]


def test_an_aborted_fetch_rejects_with_the_signal_reason() -> None:
    r = run("const c = new AbortController();\nconst p = fetch('https://slow.example/', {signal: "
            "c.signal});\n"
            "c.abort();\ntry { await p; } catch (e) { console.log(e.name, c.signal.aborted); }",
            lambda call: http_reply(200, "late"))
    assert r["logs"] == ["AbortError true"]


def test_fetch_sends_url_search_params_as_a_form() -> None:
    r = run("await fetch('https://t.example/token', {method: 'POST', body: new URLSearchParams({a: "
            "'1', b: 'x y'})});",
            lambda call: http_reply(200, "{}"))
    assert r["calls"][0]["body"] == "a=1&b=x+y"
    assert r["calls"][0]["headers"]["content-type"].startswith("application/x-www-form-urlencoded")


def test_url_text_encoding_and_base64_globals_work() -> None:
    r = run("const u = new URL('https://a.example/p?x=1');\nu.searchParams.append('y', 'é');\n"
            "const bytes = new TextEncoder().encode('é€😀');\n"
            "console.log(u.href, bytes.length, new TextDecoder().decode(bytes), btoa('hi'), atob('aGk='));")
    assert r["logs"] == ["https://a.example/p?x=1&y=%C3%A9 9 é€😀 aGk= hi"]


def test_structured_clone_copies_deeply_and_refuses_functions() -> None:
    r = run("const o = {d: new Date(0), m: new Map([[1, {a: 1}]]), list: [1, 2]};\no.self = o;\n"
            "const c = structuredClone(o);\n"
            "console.log(c !== o, c.self === c, c.d.getTime(), c.m.get(1).a, c.m.get(1) !== o.m.get(1));\n"
            "try { structuredClone({f() {}}); } catch (e) { console.log(e.name); }")
    assert r["logs"] == ["true true 0 1 true", "DataCloneError"]


def test_process_env_is_empty_and_next_tick_runs() -> None:
    r = run("console.log(JSON.stringify(process.env), process.version.startsWith('v22'));\n"
            "await new Promise(ok => process.nextTick(ok));\nqueueMicrotask(() => console.log('micro'));\n"
            "await null;")
    assert r["logs"] == ["{} true", "micro"]


def test_the_installer_defines_what_is_missing_and_leaves_the_rest_alone() -> None:
    h = ActionsHarness(["exports.onExecutePostLogin = async () => {};"])
    fresh = h.eval("__rs_A.installGlobals({})")
    assert sorted(fresh) == sorted([
        "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "structuredClone", "AbortController",
        "AbortSignal", "fetch", "Headers", "Request", "Response", "FormData", "btoa", "atob",
        "queueMicrotask", "process"])
    assert h.eval("(function () { var t = {fetch: 'mine'}; var n = __rs_A.installGlobals(t); "
                  "return [t.fetch, n.indexOf('fetch')]; })()") == ["mine", -1]
