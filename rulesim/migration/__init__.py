"""The migration proof: do a tenant's Actions do what the Rules they replace did, login by login?

::

    import rulesim as rs

    rules = rs.load_rules("datasets/tenants/acme")
    actions = rs.load_tenant("datasets/tenants/acme-actions")
    pop = rs.population(10_000, seed=7)
    impact = rs.compare(rules, actions, pop, on_redirect="continue")
    impact.regressions            # differences no known difference explains
    impact.known_differences      # labelled known-difference:DIFF-… (contract section 9)

    plan = rs.migration_plan(rules, actions)     # last k Rules replaced by their Actions
    result = plan.run(pop, on_redirect="continue")
    result.drift                  # what each stage adds

:func:`rulesim.compare` labels each per-login difference across kinds
(:attr:`~rulesim.Impact.differences`) in :mod:`rulesim.migration.labels`, with the
detectors of :mod:`~rulesim.migration.detect_flow` (how a login ends and moves),
:mod:`~rulesim.migration.detect_order` (a mixed tenant's Rules running first),
:mod:`~rulesim.migration.detect_state` (what it leaves behind) and
:mod:`~rulesim.migration.detect_code` (what a source reads); the facts they read are in
:mod:`rulesim.migration.facts`, their comparison per login in :mod:`rulesim.migration.diffs`.
Auth0's advice is to migrate one Rule at a time, from the end of the pipeline backwards:
:func:`migration_plan` lists those stages and :meth:`MigrationPlan.run` simulates each once
(or, with ``share=True``, all together, running the Rules a stage shares with stage 0 once
per login: :mod:`rulesim.staged`) and compares every stage with the one before it, so a
team sees which Action to fix before it disables the next Rule. The Markdown report of
``rulesim migrate check`` is :func:`migration_report`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from rulesim._flow import flow_of
from rulesim.errors import UsageError
from rulesim.migration.facts import side_facts
from rulesim.migration.labels import COLUMNS, DIFF_CODES, REGRESSION_KINDS, label_differences
from rulesim.options import RunOptions
from rulesim.sources import ActionSet, RuleSet, Tenant

if TYPE_CHECKING:
    from rulesim.impact import Impact
    from rulesim.simulation import Simulation

__all__ = ["DIFF_CODES", "REGRESSION_KINDS", "MigrationPlan", "MigrationStage", "PlanResult",
           "label_impact", "migration_plan", "migration_report"]


def label_impact(impact: Impact) -> pd.DataFrame:
    """The labelled differences of a comparison (what :attr:`Impact.differences` holds).

    Parameters
    ----------
    impact
        A comparison from :func:`rulesim.compare`.

    Returns
    -------
    pandas.DataFrame
        One row per field that differs per login (columns
        ``login_id, kind, field, before, after, label, code, rule, action, why``).

    Examples
    --------
    >>> impact = rs.compare(rules, actions, pop, workers=1, progress=False)
    >>> label_impact(impact)["label"].value_counts().head(2).to_dict()
    {'known-difference:DIFF-REDIRECT-RERUN': 61, 'known-difference:DIFF-META-TIMING': 20}
    """
    if impact.baseline is impact.candidate:
        empty: pd.DataFrame = pd.DataFrame({c: pd.Series([], dtype="string") for c in COLUMNS})
        return empty
    login_ids = [str(x) for x in impact.baseline.logins["login_id"]]
    before = side_facts(impact.baseline, login_ids)
    after = side_facts(impact.candidate, login_ids)
    out: pd.DataFrame = label_differences(
        before, after, login_ids, mapping=impact.mapping,
        sources=impact._sources, missing_secrets=impact._missing_secrets,
        rule_ids=impact._rule_ids, strict=impact.strict)
    return out


# --- the stages ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MigrationStage:
    """One intermediate state of a migration: the last ``k`` Rules replaced by their Actions.

    Attributes
    ----------
    k
        How many Rules are replaced (0: the Rules alone).
    rule
        The Rule this stage disables (None for stage 0).
    action
        The Action that replaces it (None when the Rule has no Action, and for stage 0).
    tenant
        The post-login flow of this stage: the first ``n - k`` Rules, then the Actions of
        the last ``k``, in the Actions' flow order.

    Examples
    --------
    >>> stage = rs.migration_plan(rules, actions).stages[1]
    >>> stage.k, stage.rule, stage.action
    (1, 'notify-first-login', 'notify-first-login')
    """

    k: int
    rule: str | None
    action: str | None
    tenant: Tenant


@dataclass
class MigrationPlan:
    """The stages of Auth0's recommended path (the last Rule first), built by
    :func:`migration_plan`.

    Attributes
    ----------
    stages
        Stage 0 (the Rules) to stage ``n`` (the Actions alone).
    mapping
        Rule name → Action name of every pair.

    Examples
    --------
    >>> plan = rs.migration_plan(rules, actions)
    >>> plan.table().shape, list(plan.table().columns)
    ((17, 5), ['k', 'rule', 'action', 'rules', 'actions'])
    """

    stages: list[MigrationStage]
    mapping: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        """The number of migration steps (stages after stage 0)."""
        return len(self.stages) - 1

    def __repr__(self) -> str:
        steps = " → ".join(f"{s.rule}" for s in self.stages[1:])
        return f"<MigrationPlan {len(self)} stages: {steps}>"

    def table(self) -> pd.DataFrame:
        """One row per stage: ``k``, the Rule disabled, the Action bound, and the flow."""
        rows = [{"k": s.k, "rule": s.rule, "action": s.action,
                 "rules": len(s.tenant.rules.active), "actions": len(s.tenant.actions.active)}
                for s in self.stages]
        out: pd.DataFrame = pd.DataFrame(rows)
        return out

    def shared_rules(self, options: RunOptions | None = None) -> list[int]:
        """How many leading Rules each stage shares with stage 0 when the plan runs.

        Stage ``k`` keeps stage 0's first ``n - k`` Rules; those before the first one that
        mentions ``global`` (or reads a configuration that differs) run once, in stage 0,
        and the stage continues from there (:mod:`rulesim.staged`). Nothing is shared with
        a stage whose fake services differ from stage 0's.

        Parameters
        ----------
        options
            The run's :class:`~rulesim.RunOptions` (their ``services``, if any, apply to
            every stage).

        Returns
        -------
        list of int
            One count per stage (0 for stage 0).

        Examples
        --------
        >>> rs.migration_plan(rules, actions).shared_rules()[:4]
        [0, 10, 10, 10]
        """
        from rulesim.impact.planning import prefix_plan

        base = flow_of(self.stages[0].tenant)
        given_services = options is not None and options.services is not None
        out = [0]
        for stage in self.stages[1:]:
            flow = flow_of(stage.tenant)
            if not given_services and flow.services_file != base.services_file:
                out.append(0)
                continue
            out.append(prefix_plan(base.rules, flow.rules)[1])
        return out

    def run(self, population: Any, *, strict: bool = False, share: bool = False,
            **simulate_kwargs: Any) -> PlanResult:
        """Simulate every stage once over ``population`` and compare each with the one before.

        Each stage's simulation is reused by the two comparisons it takes part in (``n + 1``
        simulations for ``n`` stages), as :func:`rulesim.compare` reuses a finished
        Simulation.

        Parameters
        ----------
        population
            The logins (:func:`rulesim.population`).
        strict
            Count known differences as regressions.
        share
            Run the stages together, each continuing from stage 0's state after the Rules
            it shares with it (:meth:`shared_rules`, :mod:`rulesim.staged`): the same
            results. Off by default: on acme it is slower than simulating every stage on its
            own (``benchmarks/bench_migration.py --shared``), because a stage that
            continues from a copied state runs login by login, without the batching of
            synchronous logins that a plain simulation gets, and the copies cost more than
            the shared Rules. It pays when the shared Rules are expensive. Runs that record
            coverage or checkpoint (``coverage``, ``resume``) never share.
        **simulate_kwargs
            Passed to :func:`rulesim.simulate` for every stage (``workers``,
            ``on_redirect``, ``continue_handler``, ``seed``, …).

        Returns
        -------
        PlanResult

        Examples
        --------
        >>> plan = rs.migration_plan(rules, actions)
        >>> plan.run(rs.population(40, seed=7), workers=1, progress=False).drift.shape
        (16, 9)
        """
        from rulesim.impact import Impact
        from rulesim.impact.comparison import units_of
        from rulesim.run import simulate, simulate_stages

        if simulate_kwargs.get("seed") is None:
            spec = getattr(population, "spec", None)
            simulate_kwargs["seed"] = int(spec.get("seed", 0)) if isinstance(spec, Mapping) else 0
        options = RunOptions.from_kwargs(None, **simulate_kwargs)
        started = time.perf_counter()
        shared = 0
        sims: list[Simulation]
        if not share or options.coverage or options.resume is not None:
            sims = [simulate(s.tenant, population, options=options) for s in self.stages]
        else:
            sims, shared = simulate_stages([s.tenant for s in self.stages], population,
                                           prefixes=self.shared_rules(options), options=options)
        impacts = []
        for prev, stage, a, b in zip(self.stages, self.stages[1:], sims, sims[1:], strict=False):
            impacts.append(Impact(a, b, notes=[f"stage {stage.k}: `{stage.rule}` → "
                                               f"`{stage.action}`"], reused=2, strict=strict,
                                  mapping=self.mapping,
                                  **units_of(flow_of(prev.tenant), flow_of(stage.tenant),
                                             secrets=simulate_kwargs.get("secrets"))))
        return PlanResult(self, sims, impacts, seconds=time.perf_counter() - started,
                          shared=shared)


@dataclass
class PlanResult:
    """The simulated stages of a :class:`MigrationPlan` and the drift each one adds.

    Attributes
    ----------
    plan
        The plan.
    simulations
        One :class:`~rulesim.Simulation` per stage (stage 0 first).
    impacts
        ``impacts[k - 1]`` compares stage ``k - 1`` with stage ``k`` (an
        :class:`~rulesim.Impact`).
    seconds
        Wall time of the run.
    shared
        Stage runs (logins × stages) that continued from stage 0's state after the Rules
        they share with it; the others ran in full.

    Examples
    --------
    >>> result = rs.migration_plan(rules, actions).run(rs.population(40, seed=7), workers=1,
    ...                                                  progress=False)
    >>> len(result.impacts), result.first_regression() is None
    (16, True)
    """

    plan: MigrationPlan
    simulations: list[Any]
    impacts: list[Any]
    seconds: float = 0.0
    shared: int = 0

    @property
    def drift(self) -> pd.DataFrame:
        """One row per stage: what replacing its Rule by its Action adds.

        Columns: ``k``, ``rule``, ``action``, ``changed_logins`` (logins with any labelled
        difference), ``regressions`` and ``regression_logins``, ``known_differences`` and
        ``known_logins``, ``codes`` (the known-difference codes seen, comma-separated).
        """
        rows = []
        for stage, impact in zip(self.plan.stages[1:], self.impacts, strict=True):
            d = impact.differences
            reg, known = impact.regressions, impact.known_differences
            rows.append({"k": stage.k, "rule": stage.rule, "action": stage.action,
                         "changed_logins": int(d["login_id"].nunique()),
                         "regressions": len(reg),
                         "regression_logins": int(reg["login_id"].nunique()),
                         "known_differences": len(known),
                         "known_logins": int(known["login_id"].nunique()),
                         "codes": ",".join(sorted(set(known["code"].dropna())))})
        out: pd.DataFrame = pd.DataFrame(rows)
        return out

    @property
    def regressions(self) -> pd.DataFrame:
        """Every stage's regressions, with the stage (``k``) at which each one appears."""
        frames = [impact.regressions.assign(k=stage.k) for stage, impact
                  in zip(self.plan.stages[1:], self.impacts, strict=True)]
        out: pd.DataFrame = (pd.concat(frames, ignore_index=True) if frames
                             else pd.DataFrame(columns=[*COLUMNS, "k"]))
        return out

    def first_regression(self) -> int | None:
        """The first stage ``k`` that adds a regression, or None."""
        for stage, impact in zip(self.plan.stages[1:], self.impacts, strict=True):
            if len(impact.regressions):
                return stage.k
        return None


def _rules_and_actions(rules: Any, actions: Any) -> tuple[RuleSet, ActionSet]:
    if actions is None:
        flow = flow_of(rules)
        if not flow.rules.active or flow.actions is None:
            raise UsageError("migration_plan(): expected a tenant with both Rules and Actions "
                             "(rs.load_tenant(...)), or migration_plan(rules, actions)")
        return flow.rules, flow.actions
    r, a = flow_of(rules), flow_of(actions)
    if a.actions is None or not a.actions.active:
        raise UsageError("migration_plan(): the second argument has no bound Actions; pass "
                         "the migrated tenant (rs.load_tenant('…-actions'))")
    if not r.rules.active:
        raise UsageError("migration_plan(): the first argument has no enabled Rules")
    return r.rules, a.actions


def migration_plan(rules: Any, actions: Any = None, *,
                   mapping: Mapping[str, str] | None = None) -> MigrationPlan:
    """The stages of a Rules → Actions migration, the last Rule first.

    Stage ``k`` runs the first ``n - k`` enabled Rules, then the Actions of the last ``k``
    (in the Actions' flow order), for ``k = 0 … n``: Auth0's advice of migrating one Rule at
    a time from the end of the pipeline. Each Rule is paired with the Action named like it,
    or as ``mapping`` says; a Rule without an Action is simply disabled at its stage, and
    Actions paired with no Rule join at the last stage.

    Parameters
    ----------
    rules
        A tenant with both (:func:`~rulesim.load_tenant`), or the Rules (a
        :class:`~rulesim.RuleSet`, a path).
    actions
        The migrated Actions (an :class:`~rulesim.ActionSet`, a tenant, a path), when
        ``rules`` holds only the Rules.
    mapping
        Rule name → Action name where they differ.

    Returns
    -------
    MigrationPlan

    Raises
    ------
    UsageError
        No Rules, no Actions, or a mapping that names an unknown Rule or Action.

    Examples
    --------
    >>> plan = migration_plan("datasets/tenants/acme", "datasets/tenants/acme-actions")
    >>> len(plan), plan.stages[1].rule
    (16, 'notify-first-login')
    """
    rule_set, action_set = _rules_and_actions(rules, actions)
    active = rule_set.active
    action_names = [a.name for a in action_set.active]
    pairs = dict(mapping or {})
    for rule, action in pairs.items():
        if rule not in rule_set.names:
            raise UsageError(f"migration_plan(): mapping names rule {rule!r}, which is not in "
                             f"the Rules ({', '.join(rule_set.names)})")
        if action not in action_names:
            raise UsageError(f"migration_plan(): mapping names Action {action!r}, which is not "
                             f"bound ({', '.join(action_names)})")
    paired: dict[str, str] = {}
    for r in active:
        name = pairs.get(r.name, r.name)
        if name in action_names:
            paired[r.name] = name
    unpaired = [a for a in action_names if a not in paired.values()]
    stages = [MigrationStage(0, None, None, Tenant(rule_set, _bound(action_set, [])))]
    n = len(active)
    for k in range(1, n + 1):
        disabled = [r.name for r in active[n - k:]]
        stage_rules = rule_set
        for name in disabled:
            stage_rules = stage_rules.disable(name)
        chosen = [paired[r] for r in disabled if r in paired]
        if k == n:
            chosen += unpaired
        rule = active[n - k].name
        stages.append(MigrationStage(k, rule, paired.get(rule),
                                     Tenant(stage_rules, _bound(action_set, chosen),
                                            services_file=rule_set.services_file
                                            or action_set.services_file)))
    return MigrationPlan(stages, paired)


def _bound(actions: ActionSet, names: Sequence[str]) -> ActionSet:
    """The Actions with only ``names`` bound (the others dropped, secrets kept)."""
    keep = [a for a in actions if a.name in set(names) and a.enabled]
    out = ActionSet(keep, actions.secrets, action_secrets=actions.action_secrets,
                    exported_secrets=actions.exported_secrets)
    out.services_file = actions.services_file
    return out


# --- the report ------------------------------------------------------------------------------

def _cell(value: Any, width: int = 60) -> str:
    text = "" if value is None or value is pd.NA else str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[:width - 1] + "…"


def migration_report(impact: Impact, plan: PlanResult | None = None, *,
                     examples: int = 3) -> str:
    """The Markdown report of ``rulesim migrate check``.

    Counts by difference code (regressions first), ``examples`` logins per code with the
    fields that differ, and, with a plan, the stage at which each regression appears.

    Parameters
    ----------
    impact
        The comparison of the Rules with the Actions (:func:`rulesim.compare`).
    plan
        The simulated plan (:meth:`MigrationPlan.run`), if any.
    examples
        Example logins per code.

    Examples
    --------
    >>> impact = rs.compare(rules, actions, pop, workers=1, progress=False)
    >>> print(migration_report(impact).splitlines()[0])
    # Migration check
    """
    d = impact.differences
    n = len(impact)
    reg, known = impact.regressions, impact.known_differences
    lines = ["# Migration check", "",
             f"{n} logins compared: **{reg['login_id'].nunique()} with a regression** "
             f"({len(reg)} differences), {known['login_id'].nunique()} with known differences "
             f"only or as well ({len(known)} differences)"
             + (" — strict mode: known differences count as regressions." if impact.strict
                else "."), ""]
    if not len(d):
        lines += ["The Actions do what the Rules did on every login.", ""]
    else:
        lines += ["## Differences by code", "", "| label | kind | differences | logins |",
                  "|---|---|---:|---:|"]
        keyed = d.assign(code=d["code"].fillna("—"))
        grouped = keyed.groupby(["label", "code", "kind"], sort=False, observed=True)
        table = grouped.agg(differences=("field", "size"), logins=("login_id", "nunique"))
        table = table.reset_index()
        table["order"] = (table["label"] != "regression").astype(int)
        table = table.sort_values(["order", "differences"], ascending=[True, False],
                                  kind="stable")
        for rec in table.to_dict("records"):
            lines.append(f"| {rec['label']} | {rec['kind']} | {rec['differences']} | "
                         f"{rec['logins']} |")
        lines += [""]
        lines += ["## Examples", ""]
        for (label, _code), rows in keyed.groupby(["label", "code"], sort=True, observed=True):
            lines += [f"### {label}", ""]
            why = rows["why"].iloc[0]
            lines += [f"{why}", "", "| login | field | before | after | rule | action |",
                      "|---|---|---|---|---|---|"]
            for login in list(dict.fromkeys(rows["login_id"]))[:examples]:
                for r in rows[rows["login_id"] == login].head(4).to_dict("records"):
                    lines.append(f"| `{r['login_id']}` | `{_cell(r['field'], 50)}` | "
                                 f"{_cell(r['before'])} | {_cell(r['after'])} | "
                                 f"{_cell(r['rule'])} | {_cell(r['action'])} |")
            lines += [""]
    if plan is not None:
        lines += ["## Stage by stage", "",
                  "Stage k replaces the last k Rules by their Actions (the last Rule first).", "",
                  "| k | rule | action | regressions | regression logins | known differences "
                  "| codes |", "|---:|---|---|---:|---:|---:|---|"]
        for rec in plan.drift.to_dict("records"):
            lines.append(f"| {rec['k']} | {rec['rule']} | {rec['action'] or '—'} | "
                         f"{rec['regressions']} | {rec['regression_logins']} | "
                         f"{rec['known_differences']} | {rec['codes'] or '—'} |")
        first = plan.first_regression()
        lines += ["", "No stage adds a regression." if first is None else
                  f"The first regression appears at stage {first}: fix that Action before "
                  "disabling the next Rule.", ""]
    return "\n".join(lines)


