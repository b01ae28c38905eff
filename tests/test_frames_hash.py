"""The acme tenant's result frames are pinned by hash: refactors of the engine room must not
change a single value (timings aside), whatever the number of workers.

If a change *means* to alter results (a fidelity fix, a new column), regenerate the hash with
``python tests/test_frames_hash.py`` and say why in the commit message.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from pathlib import Path

import pytest

import rulesim as rs
from tests.frames import comparable

ACME = Path(__file__).resolve().parents[1] / "datasets" / "tenants" / "acme"
HASHES = Path(__file__).with_name("golden_hashes")
HASH_FILE = HASHES / "acme_20000_seed7.txt"
TABLES = ("logins", "rule_runs", "changes", "calls", "logs")
ASYNC_MARKERS = ("require(", "auth0.", "async", "setTimeout", "Promise")
CONSENT_RULE = """function askForConsent(user, context, callback) {
  // Synchronous redirect for a share of users; on /continue, a posted answer decides.
  if (context.protocol === 'redirect-callback') {
    var body = (context.request && context.request.body) || {};
    if (body.consent === 'no') return callback(new UnauthorizedError('no consent'));
    context.idToken['https://acme.com/consent'] = body.consent || 'missing';
    return callback(null, user, context);
  }
  if (user.email && /^[a-f]/.test(user.email)) {
    context.redirect = { url: 'https://acme.com/consent?client=' + context.clientID };
  }
  callback(null, user, context);
}"""


def frames_digest(sim: rs.Simulation) -> dict[str, str]:
    """sha256 of each frame's CSV form, measured timings left out."""
    out = {}
    for table in TABLES:
        text = comparable(getattr(sim, table)).to_csv(index=False)
        out[table] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _expected() -> dict[str, str]:
    return dict(line.split() for line in HASH_FILE.read_text().splitlines() if line.strip())


def _expected_sync(on_redirect: str) -> dict[str, str]:
    path = HASHES / f"acme_sync_{on_redirect}_20000_seed7.txt"
    return dict(line.split() for line in path.read_text().splitlines() if line.strip())


def sync_rules() -> rs.RuleSet:
    """The acme rules that never wait on the host (the disabled one included), plus a
    synchronous redirect rule: every login of this set can run batched inside JavaScript."""
    acme = rs.load_rules(ACME)
    kept = [r for r in acme if not any(m in r.source for m in ASYNC_MARKERS)]
    consent = rs.Rule.from_source("ask-for-consent", CONSENT_RULE, order=99)
    return rs.RuleSet([*kept, consent], configuration=acme.configuration)


def consent_answer(login: dict[str, object], url: str) -> dict[str, str]:
    """What the consent page posts back: 'no' for a third of users, by user id."""
    user = login.get("user") or {}
    uid = str(user.get("user_id", "")) if isinstance(user, dict) else ""
    return {"consent": "no" if sum(map(ord, uid)) % 3 == 0 else "yes"}


def _run(workers: int) -> dict[str, str]:
    os.environ.setdefault("TZ", "UTC")
    sim = rs.simulate(rs.load_rules(ACME), rs.population(20_000, seed=7), workers=workers,
                      progress=False)
    return frames_digest(sim)


def _run_sync(on_redirect: str, workers: int = 2) -> dict[str, str]:
    os.environ.setdefault("TZ", "UTC")
    # Workers unpickle the handler by module name: the importable one, also when run as a script.
    handler = importlib.import_module("tests.test_frames_hash").consent_answer
    sim = rs.simulate(sync_rules(), rs.population(20_000, seed=7), workers=workers,
                      progress=False, on_redirect=on_redirect, continue_handler=handler)
    return frames_digest(sim)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_the_acme_frames_for_20000_logins_match_their_pinned_hash(workers: int) -> None:
    assert _run(workers) == _expected()


@pytest.mark.slow
@pytest.mark.parametrize("on_redirect", ["stop", "continue"])
def test_the_frames_of_synchronous_acme_rules_match_their_pinned_hash(on_redirect: str) -> None:
    assert _run_sync(on_redirect) == _expected_sync(on_redirect)


if __name__ == "__main__":
    HASHES.mkdir(exist_ok=True)
    outputs = {HASH_FILE: _run(2)}
    for mode in ("stop", "continue"):
        outputs[HASHES / f"acme_sync_{mode}_20000_seed7.txt"] = _run_sync(mode)
    for path, digests in outputs.items():
        path.write_text("".join(f"{t} {d}\n" for t, d in digests.items()))
        sys.stdout.write(f"{path.name}\n{path.read_text()}")
