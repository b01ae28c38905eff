"""The :class:`Population` table and :func:`population`, which generates one.

See :mod:`rulesim.population` for how generation stays fast and shard-able; this module holds
the table, its views and selections, and its constructors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rulesim._fastjson import dumps
from rulesim.errors import UsageError
from rulesim.population.checks import SCENARIOS, as_mix, check_int, check_locale
from rulesim.population.files import (
    complete,
    export_frames,
    frames_from_payloads,
    read_export,
    read_population,
    write_population,
)
from rulesim.population.generate import Spec, generate, layout_of
from rulesim.population.mix import EDGE_CASES, USER_EDGE_CASES, IntArray, Mix
from rulesim.population.render import merge, render

__all__ = ["Population", "population"]

_Patch = list[dict[str, Any]]  # [user_patch, context_patch]


def population(n: int, *, seed: int = 0, mix: Mix | str | None = None,
               locale: str = "en_US") -> Population:
    """Generate a synthetic population of ``n`` logins.

    Parameters
    ----------
    n
        Number of logins (``len(pop) == n``). Users are drawn until there are enough logins;
        the last user may keep only a prefix of their logins.
    seed
        The same seed gives the same population, byte for byte; any other seed a different one.
    mix
        A :class:`Mix`, or a preset name (``"b2c"``, ``"b2b"``, ``"workforce"``). Default: b2c.
    locale
        Faker locale of people's names.

    Returns
    -------
    Population

    Examples
    --------
    >>> pop = population(1_000, seed=7, mix="b2b")
    >>> len(pop)
    1000
    """
    spec = Spec(check_int("n", n, 1), check_int("seed", seed, 0), as_mix(mix),
                 check_locale(locale))
    return Population._generated(spec)


class _Lazy:
    """The frames of a generated population, drawn on first use and then kept.

    Until then the population is its spec and its layout (logins per block, the first login
    of each user): enough for ``len``, ``chunk_bounds`` and for generating any login range
    alone, so a run over a million logins never holds them in the caller.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.frames: tuple[pd.DataFrame, pd.DataFrame] | None = None
        self._layout: tuple[IntArray, IntArray] | None = None

    @property
    def layout(self) -> tuple[IntArray, IntArray]:
        if self._layout is None:
            self._layout = layout_of(self.spec)
        return self._layout

    def all(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self.frames is None:
            self.frames = generate(self.spec)
        return self.frames

    def part(self, start: int, stop: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        if stop <= start:  # no login: empty frames with the right columns and dtypes
            users, logins = generate(self.spec, 0, 1, self.layout[0])
            return users.iloc[:0], logins.iloc[:0]
        return generate(self.spec, start, stop, self.layout[0])


class Population:
    """Users and their logins, with the full Rules payload of each login built on demand.

    Build one with :func:`population`, :meth:`scenario`, :meth:`from_users_export`,
    :meth:`from_logins` or :meth:`read_parquet`; the constructor is internal.

    A generated population draws its users and logins the first time its frames are needed
    (``logins``, ``users``, ``where``, ``to_parquet``); until then ``len``, ``spec``,
    ``chunk_bounds``, ``slice`` and ``payloads`` of a range generate only what they need, so
    ``simulate`` over a million logins never holds them in the caller's process.

    Invariants: a user's logins are contiguous and in timestamp order, with
    ``logins_count`` increasing; ``login_id`` values are unique.
    """

    def __init__(self, users: pd.DataFrame | None, logins: pd.DataFrame | None,
                 spec: dict[str, Any], overrides: tuple[_Patch, ...] = (), *,
                 lazy: _Lazy | None = None, exact_spec: bool = True) -> None:
        self._users_frame: pd.DataFrame | None = users
        self._logins_frame: pd.DataFrame | None = (
            logins.reset_index(drop=True) if logins is not None else None)
        self._lazy = lazy
        self._spec = spec
        self._overrides = overrides
        # False when the frames, not the spec, are the truth (read from a file).
        self._exact_spec = exact_spec
        self._public_logins: pd.DataFrame | None = None
        self._public_users: pd.DataFrame | None = None

    @property
    def _users(self) -> pd.DataFrame:
        if self._users_frame is None:
            self._materialize()
        assert self._users_frame is not None
        return self._users_frame

    @property
    def _logins(self) -> pd.DataFrame:
        if self._logins_frame is None:
            self._materialize()
        assert self._logins_frame is not None
        return self._logins_frame

    def _materialize(self) -> None:
        assert self._lazy is not None
        users, logins = self._lazy.all()
        self._users_frame, self._logins_frame = users, logins.reset_index(drop=True)

    def _pending(self) -> _Lazy | None:
        """The generator of a population whose frames are not drawn yet (else ``None``)."""
        return self._lazy if self._logins_frame is None else None

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def _generated(cls, spec: Spec, start: int = 0, stop: int | None = None) -> Population:
        base: dict[str, Any] = {"kind": "generated", "n": spec.n, "seed": spec.seed,
                                "mix": spec.mix.to_dict(), "locale": spec.locale}
        if spec.scenario:
            base["scenario"] = spec.scenario
        if start == 0 and stop is None:
            return cls(None, None, base, lazy=_Lazy(spec))
        users, logins = generate(spec, start, stop)
        return cls(users, logins, base)

    @classmethod
    def scenario(cls, name: str, n: int, *, seed: int = 0, mix: Mix | str | None = None,
                 locale: str = "en_US") -> Population:
        """Generate ``n`` logins that act out a named scenario (see :data:`SCENARIOS`).

        Parameters
        ----------
        name
            ``"first_login"``, ``"impossible_travel"``, ``"admin_new_country"`` or
            ``"new_device"``. Every login is tagged with the name.
        n, seed, mix, locale
            As in :func:`population`; the default mix is b2c without deliberate edge cases.
        """
        if name not in SCENARIOS:
            raise UsageError(f"unknown scenario {name!r}; expected one of {sorted(SCENARIOS)}")
        the_mix = as_mix(mix) if mix is not None else Mix(edge_case_share=0.0)
        spec = Spec(check_int("n", n, 1), check_int("seed", seed, 0), the_mix,
                     check_locale(locale), name)
        return cls._generated(spec)

    @property
    def spec(self) -> dict[str, Any]:
        """JSON-able description that :meth:`from_spec` turns back into this population."""
        return json.loads(json.dumps(self._spec))  # type: ignore[no-any-return]

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Population:
        """Rebuild a population from :attr:`spec`.

        A generated population that was sliced (``pop.slice(a, b).spec``) is rebuilt by
        generating only the blocks that cover ``[a, b)``: this is how a worker shard gets its
        logins from a few hundred bytes of JSON.
        """
        spec = dict(spec)
        ops = list(spec.pop("ops", []))
        kind = spec.get("kind")
        if kind == "generated":
            s = Spec(int(spec["n"]), int(spec["seed"]), Mix.from_dict(spec["mix"]),
                      str(spec["locale"]), spec.get("scenario"))
            pop = cls._generated(s)  # lazy: a leading slice generates only its blocks
        elif kind == "users_export":
            pop = cls.from_users_export(spec["path"], seed=spec["seed"],
                                        logins_per_user=spec["logins_per_user"],
                                        mix=Mix.from_dict(spec["mix"]))
        elif kind == "logins":
            pop = cls.from_logins(spec["logins"])
        elif kind == "logs":
            pop = cls.from_logs(spec["path"], spec["users"], n=spec["n"], seed=spec["seed"],
                                pseudonymize=spec["pseudonymize"])
        else:
            raise UsageError(f"expected spec['kind'] to be 'generated', 'users_export', "
                             f"'logins' or 'logs', got {kind!r}")
        for op in ops:
            if op[0] == "slice":
                pop = pop.slice(int(op[1]), int(op[2]))
            elif op[0] == "where":
                pop = pop.where(**op[1])
            elif op[0] == "overrides":
                pop = pop.with_overrides(user=op[1], context=op[2])
            else:
                raise UsageError(f"unknown operation {op[0]!r} in spec['ops']")
        return pop

    def _derive(self, logins: pd.DataFrame | None, op: list[Any],
                overrides: tuple[_Patch, ...] | None = None,
                users: pd.DataFrame | None = None) -> Population:
        """A population of some of these logins (``None``: the same, maybe not drawn yet)."""
        spec = {**self._spec, "ops": [*self._spec.get("ops", []), op]}
        lazy = self._lazy if logins is None else None
        if logins is None and lazy is None:
            logins = self._logins
        if logins is not None and users is None:
            users = self._users
        return Population(users, logins, spec,
                          self._overrides if overrides is None else overrides, lazy=lazy,
                          exact_spec=self._exact_spec)

    # -- views --------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of logins."""
        lazy = self._pending()
        return lazy.spec.n if lazy is not None else len(self._logins)

    def __repr__(self) -> str:
        lazy = self._pending()
        users = len(lazy.layout[1]) if lazy is not None else len(self.users)
        return (f"<Population {len(self)} logins, {users} users, "
                f"spec kind={self._spec.get('kind')!r}>")

    @property
    def logins(self) -> pd.DataFrame:
        """One row per login, in the population's order.

        Contract columns: ``login_id`` (``"L0000042"``), ``user_id``, ``timestamp``
        (datetime64[ms, UTC]), ``connection``, ``strategy``, ``client_id``, ``client_name``,
        ``protocol``, ``country``, ``ip``, ``ip_version`` (4/6; 0 for an explicit login without
        a request), ``user_agent_family``, ``email_domain``, ``logins_count``, ``tags`` (sorted,
        comma-joined edge cases and scenario; ``""`` when none). Generated populations add
        ``city``, ``user_agent``, ``session_id``, ``sso``, ``has_request``, ``prompt``,
        ``scope``, ``audience``, ``acr_values``, ``mfa`` (a second factor in this session),
        ``new_device``, ``impossible_travel`` and ``untrusted_ip``. Low-cardinality strings are
        categoricals whose categories come from the spec, so shards agree.
        """
        if self._public_logins is None:
            keep = [c for c in self._logins.columns if not c.startswith("_")]
            self._public_logins = self._logins[keep]
        return self._public_logins

    @property
    def users(self) -> pd.DataFrame:
        """One row per user that has at least one login in this population.

        Contract columns: ``user_id``, ``email`` (missing, ``<NA>``, for a user without
        one), ``email_domain``, ``connection``, ``strategy``, ``country`` (home), ``roles``
        (comma-joined), ``plan`` (missing without app_metadata), ``mfa_enrolled``,
        ``created_at`` (datetime64[ms, UTC]), ``tags``. A profile field a user does not have
        (email, plan, multifactor, phone, username, linked connection, organization) is
        missing, never an empty string. Generated populations add the rest of the profile (names,
        ``email_verified``, ``has_app_metadata``, ``multifactor``, phone, ``username``,
        ``linked_connection``, ``blocked``, ``organization``, ``tenant_id``,
        ``known_countries``, ``last_password_reset``, ``prior_logins``, ``home_city``).
        """
        if self._public_users is None:
            rows = pd.unique(self._logins["_u"].to_numpy())
            keep = [c for c in self._users.columns if not c.startswith("_")]
            self._public_users = self._users.iloc[np.sort(rows)][keep].reset_index(drop=True)
        return self._public_users

    def payloads(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Return logins ``[start, stop)`` as compact JSON strings, one per login.

        Each is ``{"login_id", "user_id", "timestamp_ms", "user", "context"}``: ``user`` is the
        normalized profile (contract §5) and ``context`` the Rules context (§6) as Auth0 would
        pass them at that login. Keys Auth0 leaves undefined are absent (``app_metadata``,
        ``context.request`` for some logins, ...).
        """
        n = len(self)
        stop = n if stop is None else stop
        if not (0 <= start <= n) or not (start <= stop <= n):
            raise UsageError(f"expected 0 <= start <= stop <= {n}, got start={start}, "
                             f"stop={stop}")
        lazy = self._pending()
        if lazy is not None and stop - start < n:
            users, logins = lazy.part(start, stop)  # only the blocks covering the range
            out = render(users, logins, 0, stop - start)
        else:
            out = render(self._users, self._logins, start, stop)
        if self._overrides:
            merged = []
            for text in out:
                d = json.loads(text)
                for user_patch, ctx_patch in self._overrides:
                    merge(d["user"], user_patch)
                    merge(d["context"], ctx_patch)
                merged.append(dumps(d))
            out = merged
        return out

    def login(self, i: int) -> dict[str, Any]:
        """Return login ``i`` as a dict (``json.loads`` of its payload)."""
        return json.loads(self.payloads(i, i + 1)[0])  # type: ignore[no-any-return]

    # -- selections ---------------------------------------------------------------------------

    def slice(self, start: int, stop: int) -> Population:
        """Return logins ``[start, stop)`` as a population (it may split a user)."""
        n = len(self)
        if not (0 <= start <= stop <= n):
            raise UsageError(f"expected 0 <= start <= stop <= {n}, got start={start}, "
                             f"stop={stop}")
        lazy = self._pending()
        if lazy is not None:
            users, logins = lazy.part(start, stop)  # only the blocks covering the range
            return self._derive(logins, ["slice", start, stop], users=users)
        return self._derive(self._logins.iloc[start:stop], ["slice", start, stop])

    def chunk_bounds(self, size: int) -> list[tuple[int, int]]:
        """Split the logins into contiguous ``[start, stop)`` ranges of about ``size`` logins.

        A range never splits one user's logins, so a user with more than ``size`` logins gets a
        larger range. The result depends only on the population and ``size``.
        """
        size = check_int("size", size, 1)
        lazy = self._pending()
        if lazy is not None:
            n, starts = len(self), lazy.layout[1]
        else:
            u = self._logins["_u"].to_numpy()
            n = len(u)
            starts = np.flatnonzero(np.concatenate([[True], u[1:] != u[:-1]]))
        if n == 0:
            return []
        bounds, pos = [], 0
        while pos < n:
            target = pos + size
            if target >= n:
                bounds.append((pos, n))
                break
            k = int(np.searchsorted(starts, target))
            after = int(starts[k]) if k < len(starts) else n
            before = int(starts[k - 1]) if k > 0 else pos
            stop = before if before > pos and target - before <= after - target else after
            bounds.append((pos, stop))
            pos = stop
        return bounds

    def where(self, **column_equals: Any) -> Population:
        """Keep the logins whose columns equal the given values.

        A value may be a scalar or a list/tuple/set (any of). Login columns are matched first,
        then user columns (``plan``, ``mfa_enrolled``, ...), for every login of the user.

        Examples
        --------
        >>> pop = population(200, seed=1)
        >>> german = pop.where(country="DE", protocol=["samlp", "oidc-basic-profile"])
        >>> len(german), set(german.logins["country"])
        (5, {'DE'})
        """
        mask = np.ones(len(self), dtype=bool)
        clean: dict[str, Any] = {}
        for name, value in column_equals.items():
            values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            if isinstance(value, (set, frozenset)):
                values = sorted(values, key=repr)
            clean[name] = values if isinstance(value, (list, tuple, set, frozenset)) else value
            if name in self._logins.columns and not name.startswith("_"):
                col = self._logins[name]
            elif name in self._users.columns and not name.startswith("_"):
                col = self._users[name].iloc[self._logins["_u"].to_numpy()]
            else:
                cols = sorted(c for c in {*self.logins.columns, *self.users.columns})
                raise UsageError(f"where(): unknown column {name!r}; expected one of {cols}")
            mask &= np.asarray(col.isin(values))
        return self._derive(self._logins[mask], ["where", clean])

    def with_overrides(self, user: Mapping[str, Any] | None = None,
                       context: Mapping[str, Any] | None = None) -> Population:
        """Deep-merge ``user`` and ``context`` into every payload.

        Nested dicts merge key by key; other values replace; ``None`` removes the key (use it
        to make ``app_metadata`` or ``context.request`` undefined). Overrides stack on earlier
        ones. The DataFrames are not changed: they describe the generated logins.
        """
        try:
            patch: _Patch = json.loads(json.dumps([dict(user or {}), dict(context or {})]))
        except (TypeError, ValueError) as exc:
            raise UsageError(f"with_overrides(): values must be JSON data ({exc})") from None
        return self._derive(None, ["overrides", *patch], (*self._overrides, patch))

    # -- files --------------------------------------------------------------------------------

    def to_parquet(self, path: str | Path) -> None:
        """Write the population to one parquet file; :meth:`read_parquet` restores it exactly.

        The file holds the login rows followed by the user rows (columns prefixed ``l:`` and
        ``u:``), and the spec and overrides as file metadata, so other tools can read it too.
        """
        write_population(path, self._users, self._logins, self._spec, self._overrides)

    @classmethod
    def read_parquet(cls, path: str | Path) -> Population:
        """Read a file written by :meth:`to_parquet`."""
        users, logins, spec, overrides = read_population(path)
        return cls(users, logins, spec, overrides, exact_spec=False)

    @classmethod
    def from_users_export(cls, path: str | Path, *, seed: int = 0,
                          logins_per_user: int | Mapping[int, float] | None = None,
                          mix: Mix | str | None = None) -> Population:
        """Load real users from an Auth0 user export and synthesize their logins.

        Parameters
        ----------
        path
            The export job's output: NDJSON (one JSON user per line; ``.json``/``.ndjson``,
            optionally ``.gz``) or CSV (a header row; dotted names such as
            ``app_metadata.plan`` become nested fields; JSON-looking cells are parsed).
        seed
            Seed for the synthesized logins.
        logins_per_user
            A fixed number of logins per user, or a distribution; default: the mix's.
        mix
            Distributions for what the export does not say (countries, devices, protocols...).

        The user JSON of each payload is the exported profile itself (minus ``logins_count``,
        ``last_login``, ``last_ip`` and ``updated_at``, which follow the synthesized logins);
        ``identities`` are synthesized from ``user_id`` when the export lacks them.
        """
        the_mix = as_mix(mix).replace(edge_cases={e: 0.0 if e in USER_EDGE_CASES else 1.0
                                                   for e in EDGE_CASES})
        if isinstance(logins_per_user, int) and not isinstance(logins_per_user, bool):
            the_mix = the_mix.replace(logins_per_user={
                check_int("logins_per_user", logins_per_user, 1): 1.0})
        elif isinstance(logins_per_user, Mapping):
            the_mix = the_mix.replace(logins_per_user=dict(logins_per_user))
        elif logins_per_user is not None:
            raise UsageError("expected logins_per_user to be an int or a {count: weight} dict, "
                             f"got {logins_per_user!r}")
        records = read_export(Path(path))
        spec = Spec(1, check_int("seed", seed, 0), the_mix, "en_US")
        users_df, logins_df = export_frames(spec, records)
        lpu = logins_per_user if not isinstance(logins_per_user, Mapping) else {
            str(k): v for k, v in logins_per_user.items()}
        return cls(users_df, logins_df, {
            "kind": "users_export", "path": str(path), "seed": seed, "logins_per_user": lpu,
            "mix": as_mix(mix).to_dict()})

    @classmethod
    def from_logins(cls, logins: Sequence[Mapping[str, Any]]) -> Population:
        """Build a population from explicit logins, completing partial ones.

        Parameters
        ----------
        logins
            Dicts with ``user`` and ``context`` (partial is fine) and optionally
            ``timestamp_ms`` and ``login_id``. Each is deep-merged over a realistic generated
            login (``None`` removes a key); a ``user_id`` without ``identities`` re-derives the
            identity and the context's connection from the id's prefix.
        """
        obj: object = logins
        if isinstance(obj, (str, bytes)) or not isinstance(obj, Sequence) or not obj:
            raise UsageError("expected logins to be a non-empty list of dicts")
        defaults = population(len(logins), mix=Mix(logins_per_user={1: 1.0},
                                                   edge_case_share=0.0)).payloads()
        payloads = [complete(i, item, json.loads(defaults[i])) for i, item in enumerate(logins)]
        ids = [p["login_id"] for p in payloads]
        if len(set(ids)) != len(ids):
            raise UsageError("from_logins(): login_id values must be unique")
        users_df, logins_df = frames_from_payloads(payloads)
        spec = {"kind": "logins", "logins": json.loads(json.dumps(list(logins)))}
        return cls(users_df, logins_df, spec)

    @classmethod
    def from_logs(cls, path: str | Path | Sequence[str | Path], users: str | Path | None = None,
                  *, n: int | None = None, seed: int = 0, pseudonymize: bool = True
                  ) -> Population:
        """Build a population from a tenant's own login logs: its clients, connections,
        countries, devices and login frequencies.

        Parameters
        ----------
        path
            A log export: a JSON array (Management API ``GET /api/v2/logs``, ``auth0 logs``),
            log-stream NDJSON (events under ``data``) or plain NDJSON, optionally gzipped; a
            folder of them or a list. One login per successful login (``s``), silent
            authentication (``ssa``, ``prompt=none``) and refresh-token exchange (``sertft``,
            protocol ``oauth2-refresh-token``); other events are counted, never read as logins
            (:func:`rulesim.logs.scan` lists them; unknown types raise a
            :class:`~rulesim.logs.UnknownLogEventWarning`).
        users
            The users export (NDJSON or CSV, as :meth:`from_users_export` reads), joined on
            ``user_id``; a user it lacks (or every user, without it) gets a generated profile
            consistent with their events.
        n
            Resample to exactly ``n`` logins, drawing whole users (each keeps their logins, so
            the mix of client × connection × country × device and the logins per user are
            kept); a user drawn twice becomes a new user. Default: every login event once.
        seed
            Seed of the resampling.
        pseudonymize
            Replace emails, names, ids, phone numbers and pictures with stable pseudonyms
            (email domains and id prefixes kept), and drop the last octet of IPv4 addresses
            (the last 80 bits of IPv6). ``False`` keeps the data as exported.

        Each login's context comes from its event: client id and name (metadata from the
        tenant's known clients), connection, connection id and strategy, IP, user agent,
        ``location_info`` as ``request.geoip``, ``details.stats.loginsCount`` (refresh tokens
        repeat the last count), authentication methods from ``details.prompts`` (no
        authentication prompt: an SSO session), scope and audience, and the date. The
        protocol of an ``s`` event is the client's (SAML, resource owner) when the client is
        known, else ``oidc-basic-profile``. The logins table adds ``event_type``, ``log_id``,
        ``hostname`` and the users table ``in_export``.

        Examples
        --------
        >>> pop = Population.from_logs("datasets/logs/acme-logs.ndjson.gz",
        ...                            "datasets/logs/acme-users.ndjson", n=500, seed=1)
        >>> len(pop), pop.spec["kind"]
        (500, 'logs')
        """
        from rulesim.population.from_logs import log_frames

        if n is not None:
            n = check_int("n", n, 1)
        seed = check_int("seed", seed, 0)
        if not isinstance(pseudonymize, bool):
            raise UsageError(f"expected pseudonymize to be True or False, got {pseudonymize!r}")
        paths = [str(p) for p in path] if isinstance(path, (list, tuple)) else str(path)
        users_df, logins_df, _ = log_frames(path, users, n, seed, pseudonymize)
        return cls(users_df, logins_df, {
            "kind": "logs", "path": paths, "users": None if users is None else str(users),
            "n": n, "seed": seed, "pseudonymize": pseudonymize})
