"""`Impact`: the difference a candidate makes, login by login, as plain data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from rulesim.errors import UsageError
from rulesim.impact.diff import KINDS, OUTCOMES, diff_simulations, latency_table, transitions_table
from rulesim.simulation import Simulation
from rulesim.sources import RuleSet

if TYPE_CHECKING:
    from rulesim.plots import ImpactPlots

__all__ = ["KINDS", "Impact"]

_NONE = "(none)"
_MISSING = "(missing)"


def rule_changes_between(base: Mapping[str, Any], cand: Mapping[str, Any],
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
                 sources: Mapping[str, str] | None = None,
                 missing_secrets: Mapping[str, Sequence[str]] | None = None,
                 rule_ids: Mapping[str, str] | None = None) -> None:
        self.baseline = baseline
        self.strict = bool(strict)
        self.mapping: dict[str, str] = dict(mapping or {})
        self._sources: dict[str, str] = dict(sources or {})
        self._rule_ids: dict[str, str] = dict(rule_ids or {})
        self._missing_secrets: dict[str, list[str]] = {
            k: list(v) for k, v in (missing_secrets or {}).items()}
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
        self.rule_changes: list[str] = rule_changes_between(baseline.manifest, candidate.manifest,
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
        from rulesim.impact.report import summary_markdown

        return summary_markdown(self, top=top, examples=examples)

    def __str__(self) -> str:
        from rulesim.impact.report import text_report

        return text_report(self)

    def __repr__(self) -> str:
        n = len(self)
        return (f"<Impact {n} logins: {len(self.changed)} changed, "
                f"{self.moved()} changed outcome>")

    def _repr_html_(self) -> str:
        from rulesim.impact.report import html_report

        return html_report(self)
