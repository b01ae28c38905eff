"""The acme tenant's result frames (and its Actions and mixed versions') are pinned by hash:
refactors of the engine room must not change a single value (timings aside), whatever the
number of workers.

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

TENANTS = Path(__file__).resolve().parents[1] / "datasets" / "tenants"
ACME = TENANTS / "acme"
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


# The contract's columns when the hashes were taken: columns added to the contract later (for
# Actions, say) are left out, so they do not change what these tests pin. (The population's
# columns joined to `logins` are hashed too.)
PINNED_COLUMNS = {
    "logins": ["login_id", "user_id", "outcome", "error_code", "error_message", "app_error",
               "deciding_rule", "mfa_required", "mfa_provider", "redirect_url", "id_token",
               "access_token", "scopes", "saml", "primary_user", "dropped_claims", "rules_run",
               "flags"],
    "rule_runs": ["login_id", "phase", "rule", "order", "outcome", "error_code",
                  "error_message", "line", "io_ms", "n_calls", "n_changes", "flags"],
    "changes": ["login_id", "phase", "rule", "target", "path", "op", "before", "after",
                "persisted"],
    "calls": ["login_id", "phase", "rule", "kind", "method", "url", "status", "latency_ms",
              "route", "error", "fire_and_forget"],
    "logs": ["login_id", "phase", "rule", "level", "message"],
}


def frames_digest(sim: rs.Simulation) -> dict[str, str]:
    """sha256 of each frame's CSV form over its pinned columns (measured timings left out)."""
    out = {}
    for table in TABLES:
        frame = comparable(getattr(sim, table))
        added = [name for name, _, _ in rs.COLUMNS[table] if name not in PINNED_COLUMNS[table]]
        frame = frame.drop(columns=[c for c in added if c in frame.columns])
        out[table] = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
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


def actions_digest(sim: rs.Simulation) -> dict[str, str]:
    """sha256 of each frame's CSV form over every column of the contract but the timings
    (the Actions tenants were pinned with the Actions columns in place)."""
    return {table: hashlib.sha256(comparable(getattr(sim, table)).to_csv(index=False).encode())
            .hexdigest() for table in TABLES}


ACTIONS_TENANTS = ("acme-actions", "acme-mixed")
ACTIONS_LOGINS = 5_000


def _actions_hash_file(tenant: str) -> Path:
    return HASHES / f"{tenant.replace('-', '_')}_{ACTIONS_LOGINS}_seed7.txt"


def _run_actions(tenant: str, workers: int = 2) -> dict[str, str]:
    os.environ.setdefault("TZ", "UTC")
    sim = rs.simulate(rs.load_tenant(TENANTS / tenant), rs.population(ACTIONS_LOGINS, seed=7),
                      workers=workers, progress=False)
    return actions_digest(sim)


@pytest.mark.slow
@pytest.mark.parametrize("tenant", ACTIONS_TENANTS)
def test_the_frames_of_the_actions_tenants_match_their_pinned_hash(tenant: str) -> None:
    path = _actions_hash_file(tenant)
    expected = dict(line.split() for line in path.read_text().splitlines() if line.strip())
    assert _run_actions(tenant) == expected


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
    for name in ACTIONS_TENANTS:
        outputs[_actions_hash_file(name)] = _run_actions(name)
    for path, digests in outputs.items():
        path.write_text("".join(f"{t} {d}\n" for t, d in digests.items()))
        sys.stdout.write(f"{path.name}\n{path.read_text()}")
