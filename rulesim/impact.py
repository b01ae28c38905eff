"""`compare()`: what changes if we ship a rule edit, measured over a whole population.

::

    import rulesim as rs

    rules = rs.load_rules("datasets/tenants/acme")
    pop = rs.population(5_000, seed=7)
    impact = rs.compare(rules, rules.disable("contextual-mfa"), pop, workers=2)
    impact.transitions["count"]      # baseline outcome × candidate outcome
    impact.changed                   # one row per login whose result differs
    impact.by("connection")          # where the changes concentrate
    print(impact.summary())          # Markdown for a pull-request comment

Both sides run with the same seed over the same population, so every difference comes from the
rules (or from what the caller changed on purpose, such as the fake services when two
finished simulations are compared). Measured CPU time differs between any two runs: it is never
treated as a change, only reported in :attr:`Impact.latency`.

Speed: "do not re-run what cannot differ"
-----------------------------------------
* identical rule sets (same :attr:`~rulesim.RuleSet.sha256`, configuration and services file)
  run once, and both sides share the result;
* a finished :class:`~rulesim.Simulation` passed as one side is reused, never re-run;
* when the candidate differs only from active rule ``k`` on (:func:`_shared_prefix`), the
  first ``k`` rules run once per login and both pipelines continue from the state they
  leave (:mod:`rulesim.paired`); a login whose state cannot be copied exactly runs both
  sides in full. :attr:`Impact.shared_rules` and :attr:`Impact.shared_logins` say how much
  was shared;
* otherwise both sides run in full (always when either side has post-login Actions).

Either side may be a tenant with Actions (:func:`~rulesim.load_tenant`, an
:class:`~rulesim.ActionSet`, …): what the application receives is compared the same way.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from rulesim._flow import Flow, flow_of
from rulesim._impact_diff import KINDS, OUTCOMES, diff_simulations, latency_table, transitions_table
from rulesim.errors import UsageError
from rulesim.options import DEFAULT_CHUNK_SIZE, RunOptions
from rulesim.run import simulate, simulate_pair
from rulesim.simulation import Simulation
from rulesim.sources import RuleSet

if TYPE_CHECKING:
    from rulesim.plots import ImpactPlots

__all__ = ["KINDS", "Impact", "compare"]

_NONE = "(none)"
_MISSING = "(missing)"


def _shared_prefix(baseline: RuleSet, candidate: RuleSet) -> int:
    """Index (in ``baseline.active``) of the first active rule whose behaviour may differ.

    This is the seam for prefix sharing: the first ``k`` active rules are the same rules, in
    the same order, reading the same configuration, so a pipeline resumed from their state
    would give both sides the same result up to rule ``k``. Returns ``len(baseline.active)``
    (and ``len(candidate.active)`` is then equal) when nothing differs.

    Rules are compared by name and source hash, in the order they run. A configuration
    difference is conservative: it moves ``k`` back to the first active rule that mentions
    ``configuration`` at all, since a rule may read a key through a computed name the static
    scan cannot see.

    The prefix also stops before the first rule that mentions ``global`` (or
    ``globalThis``): its writes would persist in the baseline's sandbox only. (:func:`compare`
    still shares such rules when no later rule uses ``global``; see :func:`_prefix_plan`.)

    Notes
    -----
    :func:`compare` runs ``active[:k]`` once per login and continues both pipelines from the
    state at that boundary (:mod:`rulesim.paired`); the prefix is deterministic under the seed
    (the virtual clock, ``Math.random``, service latencies and failures are seeded per login).
    """
    return _prefix_plan(baseline, candidate)[1]


def _prefix_plan(baseline: RuleSet, candidate: RuleSet) -> tuple[int, int, bool]:
    """How :func:`compare` shares rules: ``(prefix, safe_prefix, global_prefix)``.

    ``safe_prefix`` stops before the first shared rule that mentions ``global``. When such
    rules exist and no later active rule of either side mentions ``global``, the whole
    identical prefix is shared with ``global_prefix`` set: only shared rules change
    ``global``, and :mod:`rulesim.paired` keeps the candidate's copy in step.
    """
    a, b = baseline.active, candidate.active
    k = 0
    while k < min(len(a), len(b)) and a[k].name == b[k].name and a[k].sha256 == b[k].sha256:
        k += 1
    if len(a) != len(b):
        k = min(k, len(a))
    if dict(baseline.configuration) != dict(candidate.configuration):
        reads = [i for i, r in enumerate(a) if "configuration" in r.source]
        if reads:
            k = min(k, reads[0])
    uses = [i for i, r in enumerate(a[:k]) if _GLOBAL.search(r.source)]
    if not uses:
        return k, k, False
    if any(_GLOBAL.search(r.source) for r in [*a[k:], *b[k:]]):
        return uses[0], uses[0], False
    return k, uses[0], True


_GLOBAL = re.compile(r"\bglobal(This)?\b")
"""A rule that may touch ``global``: the candidate's sandbox would miss its writes."""


def _same_setup(a: Flow, b: Flow) -> bool:
    return (a.sha256 == b.sha256 and dict(a.rules.configuration) == dict(b.rules.configuration)
            and a.services_file == b.services_file and a.secrets() == b.secrets())


def _login_ids(frame: pd.DataFrame) -> list[str]:
    return [str(x) for x in frame["login_id"]]


def _check_same_logins(a: Sequence[str], b: Sequence[str], what: str) -> None:
    if len(a) == len(b) and (list(a) == list(b) or sorted(a) == sorted(b)):
        if len(set(a)) != len(a):
            raise UsageError(f"{what}: login ids must be unique to be matched")
        return
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    detail = []
    if only_a:
        detail.append(f"{len(only_a)} only in the baseline (e.g. {only_a[0]})")
    if only_b:
        detail.append(f"{len(only_b)} only in the candidate (e.g. {only_b[0]})")
    if not detail:
        detail.append(f"{len(a)} vs {len(b)} logins")
    raise UsageError(f"{what} must cover the same logins (same login ids): "
                     f"{'; '.join(detail)}. Run both over one population, or pass rule sets "
                     "and a population to compare().")


def compare(baseline: Any, candidate: Any, population: Any = None, *,
            strict: bool = False, mapping: Mapping[str, str] | None = None,
            options: RunOptions | None = None, **simulate_kwargs: Any) -> Impact:
    """Measure what changes, login by login, when ``candidate`` replaces ``baseline``.

    Parameters
    ----------
    baseline, candidate
        Rule sets (:class:`~rulesim.RuleSet`, a :class:`~rulesim.Rule`, a list of rules or a
        path for :func:`~rulesim.load_rules`), tenants with post-login Actions (a
        :class:`~rulesim.Tenant`, an :class:`~rulesim.ActionSet`, Actions, or the path of an
        export that has them), or finished :class:`~rulesim.Simulation`\\ s of the same
        population. A Simulation is reused as it is; anything else is run over the population
        with the same seed as the other side.
    population
        The logins to run (:func:`~rulesim.population`). Optional when a Simulation is given
        (its population is used); must match it when both are given.
    strict
        Count the known differences between Rules and their Actions as regressions.
    mapping
        Rule name → Action name where an Action is not named like the Rule it replaces.
    options, **simulate_kwargs
        The options of every run (a :class:`~rulesim.RunOptions`, and keywords of
        :func:`~rulesim.simulate` over it: ``configuration``, ``services``, ``seed``,
        ``workers``, ``limits``, …), checked once before anything runs. ``seed`` defaults to
        the population's seed, or to the seed recorded by a Simulation given as one side.

    Returns
    -------
    Impact
        Across kinds, :attr:`~Impact.regressions` / :attr:`~Impact.known_differences`.

    Raises
    ------
    UsageError
        Two Simulations of different logins; no population to run a rule set over; simulate
        options passed with two finished Simulations (they would have no effect).

    Notes
    -----
    To measure a change outside the rules (a slower API, a failing service), simulate each
    setup and compare the two Simulations::

        slow = services.with_latency("enrich-person", fixed_ms=900)
        rs.compare(rs.simulate(rules, pop), rs.simulate(rules, pop, services=slow))
    """
    opts = RunOptions.from_kwargs(options, **simulate_kwargs)
    notes: list[str] = []
    base_sim = baseline if isinstance(baseline, Simulation) else None
    cand_sim = candidate if isinstance(candidate, Simulation) else None
    if base_sim is not None and cand_sim is not None:
        if opts.given():
            raise UsageError("compare(): simulate options "
                             f"({', '.join(sorted(opts.given()))}) have no effect when both "
                             "sides are finished Simulations; pass rule sets to run them")
        _check_same_logins(_login_ids(base_sim.logins), _login_ids(cand_sim.logins),
                           "compare(): the two simulations")
        if population is not None:
            _check_same_logins(_login_ids(base_sim.logins), _login_ids(population.logins),
                               "compare(): the simulations and the population")
        seeds = (base_sim.manifest.get("seed"), cand_sim.manifest.get("seed"))
        if seeds[0] != seeds[1]:
            notes.append(f"the simulations used different seeds ({seeds[0]} and {seeds[1]}): "
                         "random draws (service latencies, failures, Math.random) differ too")
        return Impact(base_sim, cand_sim, notes=notes, reused=2, strict=strict,
                      mapping=mapping)

    finished = base_sim or cand_sim
    if finished is not None:
        if population is None:
            population = finished.population
            if population is None:
                raise UsageError("compare(): the Simulation has no population attached (read "
                                 "from parquet?); pass population= to run the other side")
        else:
            _check_same_logins(_login_ids(finished.logins), _login_ids(population.logins),
                               "compare(): the Simulation and the population")
        if opts.seed is None:
            opts = opts.replace(seed=finished.manifest.get("seed"))
        if "chunk_size" not in opts.given():
            opts = opts.replace(chunk_size=finished.manifest.get("chunk_size", DEFAULT_CHUNK_SIZE))
        other = flow_of(candidate if base_sim is not None else baseline)
        ran = simulate(other, population, options=opts)
        pair = (finished, ran) if base_sim is not None else (ran, finished)
        return Impact(*pair, notes=notes, reused=1, rulesets=(None, None), strict=strict,
                      mapping=mapping, sources=_sources(other))

    if population is None:
        raise UsageError("compare(): expected a population to run the rule sets over "
                         "(rs.population(n, seed=...)), got population=None")
    base_flow, cand_flow = flow_of(baseline), flow_of(candidate)
    base_rules, cand_rules = base_flow.rules, cand_flow.rules
    if opts.seed is None:
        spec = getattr(population, "spec", None)
        opts = opts.replace(seed=int(spec.get("seed", 0)) if isinstance(spec, Mapping) else 0)
    if _same_setup(base_flow, cand_flow):
        sim = simulate(base_flow, population, options=opts)
        notes.append("the two rule sets are identical: run once, shared by both sides")
        return Impact(sim, sim, notes=notes, reused=1, rulesets=(base_rules, cand_rules),
                      strict=strict, mapping=mapping)
    # Sharing a prefix is for two rule sets; with Actions both sides run in full.
    k, safe, global_prefix = _prefix_plan(base_rules, cand_rules)
    if base_flow.has_actions or cand_flow.has_actions:
        k = 0
    if k and _can_pair(base_rules, cand_rules, opts):
        a, b, shared = simulate_pair(base_rules, cand_rules, population, prefix=k,
                                     global_prefix=global_prefix,
                                     safe_prefix=safe if global_prefix else None, options=opts)
        impact = Impact(a, b, notes=notes, reused=0, rulesets=(base_rules, cand_rules),
                        strict=strict, mapping=mapping,
                        sources=_sources(base_flow, cand_flow))
        impact.shared_rules, impact.shared_logins = k, shared
        return impact
    a = simulate(base_flow, population, options=opts)
    b = simulate(cand_flow, population, options=opts)
    return Impact(a, b, notes=notes, reused=0, rulesets=(base_rules, cand_rules),
                  strict=strict, mapping=mapping, sources=_sources(base_flow, cand_flow))


def _sources(*flows: Flow) -> dict[str, str]:
    """Every rule's source by name (the migration labels read some of them)."""
    return {r.name: r.source for f in flows for r in f.rules}


def _can_pair(a: RuleSet, b: RuleSet, options: RunOptions) -> bool:
    """Whether :func:`simulate_pair` can run both sides (same services; only options it takes:
    no coverage, resume, secrets or Actions' settings)."""
    if not set(options.given()) <= _PAIR_OPTIONS:
        return False
    return options.services is not None or a.services_file == b.services_file


_PAIR_OPTIONS = frozenset(inspect.signature(simulate_pair).parameters) - {
    "baseline", "candidate", "population", "prefix", "global_prefix", "safe_prefix", "options",
    "_crash_at"}


def _rule_changes(base: Mapping[str, Any], cand: Mapping[str, Any],
                  rulesets: tuple[RuleSet | None, RuleSet | None]) -> list[str]:
    """Plain-language differences between two manifests' rule lists (and Action lists, and
    configurations)."""
    out: list[str] = []
    for key, noun, on, off in (("rules", "rule", "enabled", "disabled"),
                               ("actions", "action", "bound", "unbound")):
        a = {r["name"]: r for r in base.get(key, [])}
        b = {r["name"]: r for r in cand.get(key, [])}
        out += [f"{noun} `{n}` added" for n in b if n not in a]
        out += [f"{noun} `{n}` removed" for n in a if n not in b]
        for name in (n for n in a if n in b):
            ra, rb = a[name], b[name]
            if ra.get("sha256") != rb.get("sha256"):
                out.append(f"{noun} `{name}` edited")
            if ra.get("enabled") != rb.get("enabled"):
                out.append(f"{noun} `{name}` {on if rb.get('enabled') else off}")
        order_a = [r["name"] for r in base.get(key, []) if r["name"] in b]
        order_b = [r["name"] for r in cand.get(key, []) if r["name"] in a]
        if order_a != order_b:
            out.append(f"{key} reordered: " + " → ".join(f"`{n}`" for n in order_b))
    ra_set, rb_set = rulesets
    if ra_set is not None and rb_set is not None:
        ca, cb = dict(ra_set.configuration), dict(rb_set.configuration)
        keys = sorted(k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k))
        if keys:
            out.append("configuration changed: " + ", ".join(f"`{k}`" for k in keys))
    return out


class Impact:
    """The difference a candidate rule set makes, login by login, over one population.

    Built by :func:`compare`; plain data (DataFrames and strings), no widgets.

    Attributes
    ----------
    baseline, candidate
        The two :class:`~rulesim.Simulation`\\ s (the same object when the rule sets were
        identical and ran once).
    transitions
        Baseline outcome × candidate outcome. Rows: the baseline outcome (index named
        ``baseline``, all five outcomes in the order allowed, denied, error, timeout,
        redirect). Columns: a two-level index ``(measure, candidate)`` where ``measure`` is
        ``count`` (logins) or ``share`` (of all logins). ``impact.transitions["count"]`` is
        the square count table; ``.loc["allowed", "denied"]`` the logins newly denied. The
        diagonal holds the logins whose outcome did not change.
    changed
        One row per login whose result differs (see :data:`KINDS`): ``login_id``; ``kinds``
        (comma-separated); ``<kind>_before`` / ``<kind>_after`` for every kind (tokens as
        JSON text, ``mfa`` as the provider or ``none``, ``persisted_metadata`` as the JSON
        list of Management-API writes); ``claims_gained`` / ``claims_lost`` /
        ``claims_changed`` (comma-separated ``token:claim``, scopes as ``scope:name``); then
        ``user_id`` and the population attributes (``connection``, ``country``,
        ``client_name``, ``protocol``, ``tags``, ``email_domain``, …). When the outcome
        differs only ``outcome`` (and ``persisted_metadata``) is flagged: the deciding rule,
        error code, tokens and redirect follow from it, and their before/after values are
        still there. Tokens, scopes, MFA and redirect are compared when both sides end
        ``allowed``, or both ``redirect``; CPU timings never count.
    claims
        One row per (token, claim) that differs: ``token`` (``id_token``, ``access_token``
        or ``scope`` for access-token scopes), ``claim``, ``gained``, ``lost``, ``changed``,
        ``logins`` (their sum) and one example (``example_login_id``, ``example_before``,
        ``example_after``, JSON text). Sorted by ``logins``.
    latency
        p50/p95/p99 before, after and delta. One ``login`` row from ``logins.latency_ms``
        (measured CPU plus simulated I/O: small CPU noise remains) and one ``rule`` row per
        rule from ``rule_runs.io_ms`` over the runs where the rule started (simulated I/O
        only, exact under the seed). ``cpu_us_p50_delta`` is informative and noisy.
    rule_changes
        Plain-language list of what differs between the two rule sets (from the manifests).
    notes
        Caveats about the comparison (different seeds, a shared run, …).
    differences, regressions, known_differences
        Across kinds (Rules → Actions or back): every per-login difference, labelled
        ``regression`` or ``known-difference:<code>`` (columns and codes: docs/migration.md).
    strict
        Whether known differences count as regressions.
    """

    def __init__(self, baseline: Simulation, candidate: Simulation, *,
                 notes: Sequence[str] = (), reused: int = 0,
                 rulesets: tuple[RuleSet | None, RuleSet | None] = (None, None),
                 strict: bool = False, mapping: Mapping[str, str] | None = None,
                 sources: Mapping[str, str] | None = None) -> None:
        self.baseline = baseline
        self.strict = bool(strict)
        self.mapping: dict[str, str] = dict(mapping or {})
        self._sources: dict[str, str] = dict(sources or {})
        self._differences: pd.DataFrame | None = None
        self.candidate = candidate
        self.notes: list[str] = list(notes)
        self.runs_saved = reused
        """How many of the two simulations were reused rather than run by :func:`compare`."""
        self.shared_rules = 0
        """Leading active rules both sides shared (run once per login), 0 if none."""
        self.shared_logins = 0
        """Logins that ran the shared rules once (the others ran both sides in full)."""
        diff = diff_simulations(baseline, candidate)
        self._all = diff.frame
        self._attributes = diff.attributes
        self.changed: pd.DataFrame = diff.frame[diff.frame["kinds"] != ""].reset_index(drop=True)
        self.claims: pd.DataFrame = diff.claims
        self.transitions: pd.DataFrame = transitions_table(diff.frame["outcome_before"],
                                                           diff.frame["outcome_after"])
        self.latency: pd.DataFrame = latency_table(baseline, candidate)
        self.rule_changes: list[str] = _rule_changes(baseline.manifest, candidate.manifest,
                                                     rulesets)

    # -- migration labels -----------------------------------------------------------------------
    @property
    def differences(self) -> pd.DataFrame:
        """Every per-login difference, labelled (computed on first use)."""
        if self._differences is None:
            from rulesim.migration import label_impact

            self._differences = label_impact(self)
        out: pd.DataFrame = self._differences
        return out

    @property
    def regressions(self) -> pd.DataFrame:
        """The :attr:`differences` labelled ``regression`` (all of them with ``strict``)."""
        d = self.differences
        out: pd.DataFrame = d[(d["label"] == "regression").to_numpy(dtype=bool)].reset_index(
            drop=True)
        return out

    @property
    def known_differences(self) -> pd.DataFrame:
        """The :attr:`differences` labelled ``known-difference:<code>``."""
        d = self.differences
        out: pd.DataFrame = d[(d["label"] != "regression").to_numpy(dtype=bool)].reset_index(
            drop=True)
        return out

    # -- numbers --------------------------------------------------------------------------------
    def __len__(self) -> int:
        """Number of logins compared."""
        return len(self._all)

    @property
    def attributes(self) -> list[str]:
        """The population columns :meth:`by` accepts (plus ``outcome_before``/``_after``)."""
        return list(self._attributes)

    def moved(self, source: str = "*", target: str = "*") -> int:
        """Logins whose outcome went from ``source`` to ``target`` (``"*"``: any other).

        The diagonal never counts: ``moved("*", "denied")`` is the logins newly denied.
        """
        for name, value in (("source", source), ("target", target)):
            if value != "*" and value not in OUTCOMES:
                raise UsageError(f"expected {name} to be '*' or one of {', '.join(OUTCOMES)}, "
                                 f"got {name}={value!r}")
        f = self._all
        mask = f["outcome_before"] != f["outcome_after"]
        if source != "*":
            mask &= f["outcome_before"] == source
        if target != "*":
            mask &= f["outcome_after"] == target
        return int(mask.sum())

    def count(self, kind: str) -> int:
        """Logins with a difference of ``kind`` (one of :data:`KINDS`, or ``"any"``)."""
        return int(self._mask(kind).sum())

    @property
    def claims_lost_logins(self) -> int:
        """Logins that lost at least one claim or scope (in either token)."""
        return int((self.changed["claims_lost"] != "").sum())

    def _mask(self, kind: str) -> pd.Series:
        kinds = self.changed["kinds"]
        if kind in ("any", "", None):
            return kinds != ""
        if kind in KINDS:
            return kinds.str.split(",").map(lambda ks: kind in ks).astype(bool)
        if "->" in kind:
            source, _, target = kind.partition("->")
            out = self.changed["outcome_before"] != self.changed["outcome_after"]
            if source.strip() != "*":
                out &= self.changed["outcome_before"] == source.strip()
            if target.strip() != "*":
                out &= self.changed["outcome_after"] == target.strip()
            return out
        raise UsageError(f"expected kind to be 'any', a transition like 'allowed->denied' or one "
                         f"of {', '.join(KINDS)}, got kind={kind!r}")

    # -- views ----------------------------------------------------------------------------------
    def by(self, column: str) -> pd.DataFrame:
        """Change rates per segment of a population column, largest effect first.

        Parameters
        ----------
        column
            Any population column of the logins (``connection``, ``country``,
            ``client_name``, ``protocol``, ``email_domain``, ``tags``, ``strategy``, …), or
            ``outcome_before`` / ``outcome_after``. ``tags`` is split on commas: a login with
            two tags counts in both segments; no tag is ``(none)``.

        Returns
        -------
        pandas.DataFrame
            Indexed by segment value (index named ``column``): ``logins``, ``changed``,
            ``change_rate`` (changed / logins), ``share_of_changed`` (of all changed
            logins; 1.0 means every change is in this segment), ``lift`` (change rate over the
            overall rate), then one count column per outcome transition that occurs
            (``allowed->denied``, …). Sorted by ``changed``, then ``change_rate``.
        """
        frame = self._all
        if column not in frame.columns or column not in (*self._attributes, "outcome_before",
                                                         "outcome_after"):
            raise UsageError(f"by(): unknown column {column!r}; expected one of "
                             f"{sorted([*self._attributes, 'outcome_before', 'outcome_after'])}")
        values = frame[column].astype("object").where(frame[column].notna(), _MISSING)
        values = values.map(str)
        data = pd.DataFrame({"segment": values, "changed": (frame["kinds"] != "").to_numpy(),
                             "move": (frame["outcome_before"].astype(str) + "->"
                                      + frame["outcome_after"].astype(str)).to_numpy(),
                             "moved": (frame["outcome_before"]
                                       != frame["outcome_after"]).to_numpy()})
        if column == "tags":
            data["segment"] = data["segment"].map(
                lambda s: [t for t in s.split(",") if t] or [_NONE])
            data = data.explode("segment")
        elif column in frame.columns:
            data["segment"] = data["segment"].replace("", _NONE)
        grouped = data.groupby("segment", sort=True)
        table = pd.DataFrame({"logins": grouped.size(),
                              "changed": grouped["changed"].sum().astype("int64")})
        total_changed = int((frame["kinds"] != "").sum())
        overall = total_changed / len(frame) if len(frame) else 0.0
        table["change_rate"] = table["changed"] / table["logins"]
        table["share_of_changed"] = table["changed"] / total_changed if total_changed else 0.0
        table["lift"] = table["change_rate"] / overall if overall else 0.0
        moves = data[data["moved"]]
        if len(moves):
            cross = pd.crosstab(moves["segment"], moves["move"])
            for move in sorted(cross.columns, key=lambda m: -int(cross[m].sum())):
                table[move] = cross[move].reindex(table.index, fill_value=0).astype("int64")
        table.index.name = column
        ordered: pd.DataFrame = table.sort_values(["changed", "change_rate", "logins"],
                                                  ascending=[False, False, False], kind="stable")
        return ordered

    def examples(self, kind: str = "any", n: int = 3) -> pd.DataFrame:
        """Up to ``n`` logins showing a difference, typical patterns first, ready for ``trace``.

        Parameters
        ----------
        kind
            One of :data:`KINDS`, a transition such as ``"allowed->denied"`` (``*`` for any
            outcome), or ``"any"``.
        n
            How many.

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`changed`. One login per distinct before→after pattern, the most
            frequent pattern first (so the first rows are typical and different from each
            other), each the login with the fewest other kinds of difference (the smallest
            example). Pass a ``login_id`` to ``impact.baseline.trace`` /
            ``impact.candidate.trace``.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise UsageError(f"expected n to be an int >= 0, got n={n!r}")
        rows = self.changed[self._mask(kind).to_numpy()]
        if not len(rows) or n == 0:
            empty: pd.DataFrame = rows.head(0)
            return empty
        column = kind if kind in KINDS else "outcome"
        pattern = (rows[f"{column}_before"].astype(str) + "\0"
                   + rows[f"{column}_after"].astype(str))
        if column in ("id_token", "access_token", "scopes"):
            pattern = (rows["claims_gained"] + "|" + rows["claims_lost"] + "|"
                       + rows["claims_changed"]).astype(str)
        size = rows["kinds"].str.count(",")
        order = pd.DataFrame({"pattern": pattern.to_numpy(), "size": size.to_numpy(),
                              "freq": pattern.map(pattern.value_counts()).to_numpy(),
                              "pos": range(len(rows))})
        order = order.sort_values(["freq", "pattern", "size", "pos"],
                                  ascending=[False, True, True, True], kind="stable")
        order["rank"] = order.groupby("pattern", sort=False).cumcount()
        picked = order.sort_values(["rank", "freq", "pattern"], ascending=[True, False, True],
                                   kind="stable")["pos"].head(n)
        result: pd.DataFrame = rows.iloc[picked.to_list()].reset_index(drop=True)
        return result

    @property
    def plot(self) -> ImpactPlots:
        """Static matplotlib figures: ``impact.plot.segments("country")``, ``.transitions()``."""
        from rulesim.plots import ImpactPlots

        return ImpactPlots(self)

    def summary(self, *, top: int = 3, examples: int = 3) -> str:
        """A short plain-language Markdown report (for a pull request or a notebook).

        Headline numbers, outcome transitions, claims, latency, the top segments and
        ``examples`` logins per kind of change, each with its login id for ``sim.trace``.
        """
        from rulesim._impact_report import summary_markdown

        return summary_markdown(self, top=top, examples=examples)

    def __str__(self) -> str:
        from rulesim._impact_report import text_report

        return text_report(self)

    def __repr__(self) -> str:
        n = len(self)
        return (f"<Impact {n} logins: {len(self.changed)} changed, "
                f"{self.moved()} changed outcome>")

    def _repr_html_(self) -> str:
        from rulesim._impact_report import html_report

        return html_report(self)

