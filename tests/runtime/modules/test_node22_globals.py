"""Node 22's newer built-ins for Actions on the node22 runtime (modules/node_globals.js,
``installNode22``), checked against what Node 22 answers (``node22_builtins.json``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rulesim.sources import Action
from tests.runtime.pipeline_helpers import Harness

CASES = json.loads(Path(__file__).with_name("node22_builtins.json").read_text())["cases"]


def _action(expr: str, runtime: str = "node22") -> Action:
    code = ("exports.onExecutePostLogin = async (event, api) => {\n"
            f"  let v;\n  try {{ v = await ({expr}); }}\n"
            "  catch (e) { v = 'threw ' + e.name + ': ' + e.message; }\n"
            "  api.idToken.setCustomClaim('https://t/v', v);\n};\n")
    return Action(name="action1", code=code, order=1, runtime=runtime)


def _value(expr: str, runtime: str = "node22") -> Any:
    r = Harness([], actions=[_action(expr, runtime)]).login()
    assert r.outcome == "allowed", r.login["error_message"]
    return r.id_token["https://t/v"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_an_action_on_node22_gets_the_built_ins_node_22_has(case: dict[str, Any]) -> None:
    assert _value(case["expr"]) == case["node22"]


def test_an_action_on_node18_does_not_get_them() -> None:
    assert _value("[typeof [].toSorted, typeof Object.groupBy, typeof new Set().union, "
                  "typeof Promise.withResolvers, typeof [].at]", runtime="node18") == [
        "undefined", "undefined", "undefined", "undefined", "function"]


def test_the_new_methods_are_not_enumerable_and_are_named_as_in_node() -> None:
    assert _value("[Object.keys(Array.prototype).length, [].toSorted.name, [].with.name, "
                  "Object.groupBy.name, new Set().isDisjointFrom.name, "
                  "Object.getOwnPropertyDescriptor(Array.prototype, 'toSorted').writable]") == [
        0, "toSorted", "with", "groupBy", "isDisjointFrom", True]


def _node22() -> str | None:
    """A node binary of v22 or later: $RULESIM_NODE22, else `node` on the PATH if it is one."""
    for candidate in (os.environ.get("RULESIM_NODE22"), shutil.which("node")):
        if not candidate:
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
        m = re.match(r"v(\d+)", version)
        if m and int(m.group(1)) >= 22:
            return candidate
    return None


@pytest.mark.skipif(_node22() is None, reason="needs node v22+ (set RULESIM_NODE22)")
def test_the_expected_values_are_what_node_22_answers() -> None:
    script = ("const cases = JSON.parse(process.argv[1]); (async () => { const out = {};"
              " for (const c of cases) { try { out[c.name] = await eval(c.expr); }"
              " catch (e) { out[c.name] = 'threw ' + e.name + ': ' + e.message; } }"
              " console.log(JSON.stringify(out)); })();")
    node = _node22()
    assert node is not None
    done = subprocess.run([node, "-e", script, json.dumps(CASES)], capture_output=True,
                          text=True, check=True)
    assert json.loads(done.stdout) == {c["name"]: c["node22"] for c in CASES}


# Web Crypto's `crypto`, with what Node 22.23.3 answers in a script (`node -e` would give the
# crypto module instead). Its DOMExceptions are Errors of the same name and code here.
WEB_CRYPTO_ERRORS = (
    "[() => crypto.getRandomValues(new Float32Array(2)),"
    " () => crypto.getRandomValues(new Uint8Array(65537)), () => crypto.getRandomValues([1]),"
    " () => crypto.getRandomValues(), () => crypto.getRandomValues(new DataView(new ArrayBuffer(4))),"
    " () => crypto.randomUUID.call({}),"
    " () => { const { getRandomValues } = crypto; return getRandomValues(new Uint8Array(2)); }]"
    ".map((f) => { try { f(); return 'no error'; } catch (e) { return e.name + ': ' + e.message"
    " + ' | ' + e.code; } })")


def test_an_action_on_node22_has_web_crypto_as_node_22_has_it() -> None:
    assert _value(
        "[typeof crypto, Object.prototype.toString.call(crypto), Object.keys(crypto),"
        " typeof crypto.subtle, crypto.randomUUID.length, crypto.getRandomValues.length,"
        " Object.getOwnPropertyNames(Object.getPrototypeOf(crypto)),"
        " /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/"
        ".test(crypto.randomUUID()), crypto.randomUUID() !== crypto.randomUUID()]") == [
        "object", "[object Crypto]", [], "object", 0, 1,
        ["constructor", "subtle", "getRandomValues", "randomUUID"], True, True]
    assert _value("(() => { const a = new Uint8Array(16), b = new Uint32Array(4);"
                  " const r = crypto.getRandomValues(a); crypto.getRandomValues(b);"
                  " return [r === a, a.some((x) => x !== 0), b.length,"
                  " crypto.getRandomValues(new BigUint64Array(2)).length,"
                  " crypto.getRandomValues(new Uint8Array(0)).length,"
                  " crypto.getRandomValues(new Uint8Array(65536)).length]; })()") == [
        True, True, 4, 2, 0, 65536]
    assert _value(WEB_CRYPTO_ERRORS) == [
        "TypeMismatchError: The data argument must be an integer-type TypedArray | 17",
        "QuotaExceededError: The requested length exceeds 65,536 bytes | 22",
        "TypeMismatchError: The data argument must be an integer-type TypedArray | 17",
        "TypeError: Failed to execute 'getRandomValues' on 'Crypto': 1 argument required, but "
        "only 0 present. | ERR_MISSING_ARGS",
        "TypeMismatchError: The data argument must be an integer-type TypedArray | 17",
        'TypeError: Value of "this" must be of type Crypto | ERR_INVALID_THIS',
        'TypeError: Value of "this" must be of type Crypto | ERR_INVALID_THIS']


def test_web_crypto_draws_from_the_logins_seeded_generator() -> None:
    expr = "[crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint8Array(4)))]"
    first, again = _value(expr), _value(expr)
    assert isinstance(first, list) and len(first[0]) == 36 and len(first[1]) == 4
    assert first == again
    # (the error as the Action's own catch sees it: QuickJS's wording)
    assert _value(expr, runtime="node18") == "threw ReferenceError: 'crypto' is not defined"


def test_web_crypto_digests_as_node_22_does() -> None:
    assert _value(
        "(async () => { const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16)"
        ".padStart(2, '0')).join(''); const enc = new TextEncoder().encode('hello');"
        " const t = async (f) => { try { const r = await f(); return r instanceof ArrayBuffer"
        " ? hex(r) : r; } catch (e) { return e.name + ': ' + e.message + ' | ' + e.code; } };"
        " return [await t(() => crypto.subtle.digest('SHA-256', enc)),"
        " await t(() => crypto.subtle.digest({ name: 'sha-1' }, enc.buffer)),"
        " await t(() => crypto.subtle.digest('SHA-384', new Uint16Array([1, 2]))),"
        " await t(() => crypto.subtle.digest('MD5', enc)),"
        " await t(() => crypto.subtle.digest('SHA-256', 'hello')),"
        " await t(() => crypto.subtle.digest('SHA-256')),"
        " await t(() => crypto.subtle.digest({}, enc)),"
        " await t(() => crypto.subtle.digest.call({}, 'SHA-256', enc)),"
        " typeof crypto.subtle.digest('SHA-256', enc).then, crypto.subtle.digest.length,"
        " Object.prototype.toString.call(crypto.subtle),"
        " Object.getOwnPropertyNames(Object.getPrototypeOf(crypto.subtle))]; })()") == [
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
        "1a79449813d9323eac3cd5e1d4c989f99fd9d8c799adb2dc3c9ebf53e1533b92092aafc92aacb3454c05824"
        "5c417e115",
        "NotSupportedError: Unrecognized algorithm name | 9",
        "TypeError: Failed to execute 'digest' on 'SubtleCrypto': 2nd argument is not instance "
        "of ArrayBuffer, Buffer, TypedArray, or DataView. | ERR_INVALID_ARG_TYPE",
        "TypeError: Failed to execute 'digest' on 'SubtleCrypto': 2 arguments required, but only "
        "1 present. | ERR_MISSING_ARGS",
        "TypeError: Failed to normalize algorithm: passed algorithm can not be converted to "
        "'Algorithm' because 'name' is required in 'Algorithm'. | ERR_MISSING_OPTION",
        'TypeError: Value of "this" must be of type SubtleCrypto | ERR_INVALID_THIS',
        "function", 2, "[object SubtleCrypto]",
        ["constructor", "encrypt", "decrypt", "sign", "verify", "digest", "generateKey",
         "deriveKey", "deriveBits", "importKey", "exportKey", "wrapKey", "unwrapKey"]]

