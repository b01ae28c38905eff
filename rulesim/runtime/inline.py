"""The host's answers to a batch's logins, inside the engine call (the host loop in JavaScript).

A batch of logins runs in one engine call (``js/prelude/80-batch.js``). When the batch runs
*inline*, a login whose rules need the host does not leave it: the prelude's copy of the host
loop (``js/prelude/82-host-loop.js``) drives it where it stands, and asks the host for each
operation's answer through three host functions, which the sandbox installs and routes to the
:class:`InlineHost` of the batch running (:class:`InlinePort`):

- ``hostOp(j, kind, rule, payload_json)``: answer one operation of batch login ``j`` (an HTTP
  request to a fake service, a Management API call) as
  :meth:`~rulesim.runtime.host.LoginHost.read_outbox` does: the answer, its latency and the
  login's calls row; a Management API write persists;
- ``hostFlag(j, call)``: the answer of calls row ``call`` arrived after its rule ended;
- ``hostLogin(j)``: what earlier logins of the batch persisted for login ``j``'s user, which
  the prelude lays over the user it parsed.

Each takes and returns strings and numbers only and never raises into JavaScript: an error of
the host (a bug, ``KeyboardInterrupt``) is kept in :attr:`InlineHost.error`, the function
answers so that the batch stops, and the caller raises it once the engine call returned. The
functions are the prelude's alone (rule code cannot reach them).

What only the host knows of a login (its calls, persisted writes and the users it wrote) stays
in its :class:`~rulesim.runtime.host.LoginHost`; :meth:`InlineHost.take` hands it over when the
login's record is written.

>>> port = InlinePort()
>>> port.op(0, "http", 0, "{}")   # no batch running: the host has no answer
''
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rulesim._fastjson import loads

if TYPE_CHECKING:
    from rulesim.runtime.host import Host, LoginHost

__all__ = ["INLINE_FUNCTIONS", "PROTOCOL", "SEPARATOR", "InlineHost", "InlinePort"]

INLINE_FUNCTIONS = ("runJobs", "hostOp", "hostFlag", "hostLogin")
"""The prelude's host functions of an inline batch (``NATIVE.<name>``, 82-host-loop.js)."""

PROTOCOL = {
    "separator": "\x1f",    # between the fields of hostOp's answer (JSON texts escape it)
    "failed": "",            # hostOp: the host failed (the batch stops)
    "noAnswer": "-",         # hostOp: an operation of an unknown kind, never answered
    "handlerError": "!",     # hostOp: the first field when the fake service's handler raised
    "loginFailed": "!",      # hostLogin: the host failed
    "whole": "=",            # hostLogin: the first character before a whole payload
}
"""The texts of the host functions' answers, defined here once and handed to the prelude
(``OPTIONS.inline``, 82-host-loop.js)."""

SEPARATOR = PROTOCOL["separator"]
"""Between the fields of ``hostOp``'s answer (JSON texts escape it: it never occurs in them)."""

_FAILED, _NO_ANSWER = PROTOCOL["failed"], PROTOCOL["noAnswer"]
_HANDLER_ERROR, _LOGIN_FAILED, _WHOLE = (PROTOCOL["handlerError"], PROTOCOL["loginFailed"],
                                         PROTOCOL["whole"])


def _number_text(x: float) -> str:
    """``x`` as JavaScript's ``Number()`` reads it back to the same double.

    >>> _number_text(35.0), _number_text(0.1), _number_text(float("inf"))
    ('35.0', '0.1', 'Infinity')
    """
    text = float.__repr__(float(x))
    if text[-1] in "0123456789":
        return text
    return {"inf": "Infinity", "-inf": "-Infinity"}.get(text, "NaN")


class InlineHost:
    """The host of one batch's logins while it runs inline.

    Parameters
    ----------
    host
        The sandbox's :class:`~rulesim.runtime.host.Host` (services, store, what was written).
    login_ids, user_ids, seeds
        The batch's logins, in batch order (index ``j``).
    payloads, prepared
        Their payloads as the population gave them, and as the batch runs them (with metadata
        persisted before the batch). ``prepared`` is the caller's list: a login refreshed
        here (:meth:`login`) is updated in it.

    Attributes
    ----------
    states
        The host state of each batch login that used the host, by ``j``.
    error
        What the host raised while answering (None: nothing).
    """

    def __init__(self, host: Host, login_ids: Sequence[str], user_ids: Sequence[str | None],
                 seeds: Sequence[int], payloads: Sequence[str], prepared: list[str]) -> None:
        self.host = host
        self.login_ids = login_ids
        self.user_ids = user_ids
        self.seeds = seeds
        self.payloads = payloads
        self.prepared = prepared
        self.states: dict[int, LoginHost] = {}
        self.error: BaseException | None = None
        self._written: set[str] = set()   # users the batch's logins persisted for
        self._observed: set[int] = set()  # logins whose user the store learnt at their start

    def state(self, j: int) -> LoginHost:
        """The host state of batch login ``j`` (made at its first operation)."""
        state = self.states.get(j)
        if state is None:
            state = self.states[j] = self.host.login_state(self.login_ids[j], self.seeds[j],
                                                           self.prepared[j])
            if j in self._observed:
                state.observed = True
        return state

    def take(self, j: int) -> LoginHost | None:
        """Hand over batch login ``j``'s host state (None: it never used the host)."""
        return self.states.pop(j, None)

    def op(self, j: int, kind: str, rule: int, payload: str) -> str:
        """``hostOp``: answer one operation (see the module docstring for the answer's form)."""
        try:
            state = self.state(j)
            wrote = len(state.wrote)
            answer = state.answer(kind, rule, loads(payload))
            if answer is None:
                return _NO_ANSWER
            latency, call, err, resp = answer
            if latency is None:   # the fake service's handler raised: `err` says how
                return SEPARATOR.join((_HANDLER_ERROR, str(call), err))
            wrote_now = len(state.wrote) != wrote
            if wrote_now:
                self._written.update(state.wrote)
            return SEPARATOR.join((_number_text(latency), str(call), "1" if wrote_now else "0",
                                   err, resp))
        except BaseException as exc:   # never into JavaScript: the caller raises it
            self.error = self.error or exc
            return _FAILED

    def flag(self, j: int, call: int) -> int:
        """``hostFlag``: calls row ``call`` of login ``j`` was answered after its rule ended."""
        try:
            self.states[j].calls[call][9] = True
        except BaseException as exc:
            self.error = self.error or exc
        return 0

    def login(self, j: int) -> str:
        """``hostLogin``: what the batch persisted for login ``j``'s user, to lay over its
        ``user`` (JSON; '' when the batch wrote nothing for it), or ``=`` and its whole payload
        with it (:meth:`~rulesim.runtime.host.Host.persisted_overlay`)."""
        try:
            user_id = self.user_ids[j]
            if user_id is None or user_id not in self._written:
                return ""
            overlay = self.host.persisted_overlay(self.payloads[j])
            self._observed.add(j)   # the store knows the user the login begins with
            if overlay is None:
                self.prepared[j] = self.host.with_persisted(self.payloads[j])
                return _WHOLE + self.prepared[j]
            return overlay
        except BaseException as exc:
            self.error = self.error or exc
            return _LOGIN_FAILED

    def raise_error(self) -> None:
        """Raise what the host raised while answering, if anything."""
        if self.error is not None:
            error, self.error = self.error, None
            raise error


class InlinePort:
    """The sandbox's end of the host functions: the :class:`InlineHost` of the batch running.

    It holds no reference to the sandbox or the engine (the engine holds it).
    """

    def __init__(self) -> None:
        self.host: InlineHost | None = None

    def op(self, j: int, kind: str, rule: int, payload: str) -> str:
        """``hostOp`` (see :meth:`InlineHost.op`); '' when no batch runs inline."""
        host = self.host
        return host.op(j, kind, rule, payload) if host is not None else _FAILED

    def flag(self, j: int, call: int) -> int:
        """``hostFlag`` (see :meth:`InlineHost.flag`)."""
        host = self.host
        return host.flag(j, call) if host is not None else 0

    def login(self, j: int) -> str:
        """``hostLogin`` (see :meth:`InlineHost.login`)."""
        host = self.host
        return host.login(j) if host is not None else _LOGIN_FAILED
