"""`LoginTrace`: the whole story of one login, for notebooks, terminals and test failures."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from rulesim.outcomes import LoginOutcome

if TYPE_CHECKING:
    import pandas as pd

    from rulesim.simulation import Simulation

__all__ = ["LoginTrace"]

_MARK = {"ok": "✓", "denied": "✗", "error": "!", "timeout": "⏱", "skipped": "·"}


def _loads(text: Any, default: Any) -> Any:
    if text is None or (isinstance(text, float) and text != text):
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default


def _value(v: Any) -> Any:
    """A frame cell as a plain Python value (missing → None)."""
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


class LoginTrace:
    """One login: its input, each rule's outcome, changes, calls and logs, and the tokens.

    Attributes
    ----------
    login_id, user_id, outcome, error_code, error_message, deciding_rule
        The login's result (see the ``logins`` column contract); ``deciding_rule`` names a
        rule or an Action.
    app_error
        The ``error`` the application receives (``unauthorized``, ``access_denied``,
        ``interaction_required``, or an Action's custom validation code), or None when the
        login did not fail; ``error_message`` is the ``error_description`` beside it.
    denied
        True when the outcome is ``denied``.
    id_token, access_token
        Final claims (dicts); ``scopes`` is the access token's scope list.
    mfa
        ``context.multifactor`` (dict) or None; ``redirect`` the redirect URL or None.
    rule_runs, changes, calls, logs
        This login's rows of the simulation frames.
    input
        The login payload (``user``, ``context``, ``timestamp_ms``) when known.
    """

    def __init__(self, login: dict[str, Any], rule_runs: pd.DataFrame, changes: pd.DataFrame,
                 calls: pd.DataFrame, logs: pd.DataFrame, payload: dict[str, Any] | None) -> None:
        self._row = login
        self.login_id: str = str(login["login_id"])
        self.user_id: str | None = _value(login.get("user_id"))
        self.outcome: str = str(login["outcome"])
        self.error_code: str | None = _value(login.get("error_code"))
        self.error_message: str | None = _value(login.get("error_message"))
        self.deciding_rule: str | None = _value(login.get("deciding_rule"))
        self.app_error: str | None = _value(login.get("app_error"))
        self.id_token: dict[str, Any] = _loads(login.get("id_token"), {})
        self.access_token: dict[str, Any] = _loads(login.get("access_token"), {})
        scopes = _value(login.get("scopes"))
        self.scopes: list[str] = scopes.split() if scopes else []
        self.mfa: dict[str, Any] | None = _loads(_value(login.get("mfa_json")), None) or (
            {"provider": login.get("mfa_provider")} if login.get("mfa_required") else None)
        self.redirect: str | None = _value(login.get("redirect_url"))
        self.latency_ms = float(login.get("latency_ms") or 0.0)
        self.rule_runs = rule_runs.reset_index(drop=True)
        self.changes = changes.reset_index(drop=True)
        self.calls = calls.reset_index(drop=True)
        self.logs = logs.reset_index(drop=True)
        self.input = payload

    @classmethod
    def from_frames(cls, sim: Simulation, login_id: str, payload: dict[str, Any] | None) -> LoginTrace:
        """Cut one login out of a simulation's frames."""
        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            selected: pd.DataFrame = frame[frame["login_id"] == login_id]
            return selected

        login = {str(k): v for k, v in rows(sim.logins).iloc[0].to_dict().items()}
        return cls(login, rows(sim.rule_runs), rows(sim.changes), rows(sim.calls),
                   rows(sim.logs), payload)

    @property
    def denied(self) -> bool:
        """True when a rule denied the login (``UnauthorizedError``)."""
        return self.outcome == LoginOutcome.DENIED

    @property
    def allowed(self) -> bool:
        """True when the login succeeded (a pending redirect counts as not yet allowed)."""
        return self.outcome == LoginOutcome.ALLOWED

    def claims(self, token: str = "id_token") -> dict[str, Any]:
        """Claims of ``'id_token'`` or ``'access_token'``."""
        return self.id_token if token in ("id", "id_token") else self.access_token

    # ------------------------------------------------------------------------------------------
    def __str__(self) -> str:
        lines = [f"login {self.login_id} ({self.user_id}): {self.outcome.upper()}"]
        if self.error_code:
            lines.append(f"  {self.error_code}: {self.error_message}")
        if self.app_error:
            lines.append(f"  the application receives error={self.app_error}")
        for run in self.rule_runs.itertuples(index=False):
            mark = _MARK.get(str(run.outcome), "?")
            extra = f"  [{run.error_code}] {run.error_message}" if _value(run.error_code) else ""
            timing = f"  {run.cpu_us:.0f}µs" + (f" +{run.io_ms:.0f}ms io" if run.io_ms else "")
            # Actions say what kind of row they are, and the handler after a suspension.
            what = ""
            if getattr(run, "kind", "rule") == "action":
                handler = getattr(run, "handler", None)
                what = "  (action" + (f", {handler}" if run.phase == "continue" else "") + ")"
            lines.append(f"  {mark} {run.order:>2} {run.rule:<32} {run.outcome:<8}"
                         f"{timing if run.outcome != 'skipped' else ''}{extra}{what}")
            for ch in self._rows(self.changes, run).itertuples(index=False):
                sign = {"add": "+", "remove": "-", "replace": "~"}[str(ch.op)]
                where = f"{ch.target}.{ch.path}" if ch.path else str(ch.target)
                value = ch.after if ch.op != "remove" else ch.before
                was = f" (was {ch.before})" if ch.op == "replace" else ""
                saved = " [persisted]" if ch.persisted else ""
                command = getattr(ch, "command", None)
                by = f"  ← {command}" if isinstance(command, str) else ""
                flags = getattr(ch, "flags", "")
                flagged = f" [{flags}]" if isinstance(flags, str) and flags else ""
                lines.append(f"        {sign} {where} = {value}{was}{saved}{by}{flagged}")
            for call in self._rows(self.calls, run).itertuples(index=False):
                status = _value(call.status)
                answer = call.error if _value(call.error) else status
                ff = " (fire and forget)" if call.fire_and_forget else ""
                lines.append(f"        → {call.method} {call.url} ⇒ {answer} "
                             f"in {call.latency_ms:.0f} ms{ff}")
            for log in self._rows(self.logs, run).itertuples(index=False):
                lines.append(f"        console.{log.level}: {log.message}")
        lines.append(f"  id_token: {json.dumps(self.id_token, sort_keys=True)}")
        lines.append(f"  access_token: {json.dumps(self.access_token, sort_keys=True)} "
                     f"scopes={' '.join(self.scopes)}")
        if self.mfa:
            lines.append(f"  mfa: {json.dumps(self.mfa)}")
        if self.redirect:
            lines.append(f"  redirect: {self.redirect}")
        return "\n".join(lines)

    @staticmethod
    def _rows(frame: pd.DataFrame, run: Any) -> Any:
        """The rows of one rule_runs row: its rule (or Action) and phase."""
        return frame[(frame["rule"] == run.rule) & (frame["phase"] == run.phase)]

    def __repr__(self) -> str:
        return f"<LoginTrace {self.login_id} {self.outcome}>"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str(self))}</pre>"
