"""`Explorer`: the interactive audit bench (rules on/off and order, configuration, population).

Runs go through :func:`rulesim.simulate`, so the rules execute in worker processes, never in
the kernel. The Run button starts a run in a background thread; Cancel stops it (see
:meth:`Explorer.cancel`). From code, :meth:`Explorer.run` is synchronous.
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rulesim._flow import Flow, flow_of
from rulesim.errors import UsageError
from rulesim.options import RunOptions
from rulesim.population import Population, population
from rulesim.run import simulate
from rulesim.sources import RuleSet, load_configuration
from rulesim.widgets.base import View, ipywidgets
from rulesim.widgets.config import ConfigurationEditor
from rulesim.widgets.impact import ImpactView
from rulesim.widgets.render import outcome_counts_text, summary_text
from rulesim.widgets.run import Job, Result, RunCancelledError, estimate_progress
from rulesim.widgets.secrets import Redactor, secret_values
from rulesim.widgets.views import LoginBrowser, SimulationView

if TYPE_CHECKING:
    import pandas as pd

    from rulesim.impact import Impact
    from rulesim.simulation import Simulation

__all__ = ["MIXES", "Explorer", "RunCancelledError", "estimate_progress"]

MIXES = ("b2c", "b2b", "workforce")
"""Population presets offered by the Explorer (``rs.population(..., mix=...)``)."""
_GIVEN = "given population"
_TICK_SECONDS = 0.5


def _enabled_text(rules: Any) -> str:
    """``12 rules enabled`` (and ``5 Actions bound``)."""
    flow = flow_of(rules)
    text = f"{len(flow.rules.active)} rules enabled"
    if flow.actions is not None:
        text += f", {len(flow.actions.active)} Actions bound"
    return text


class Explorer(View):
    """The audit bench: switch rules on and off, reorder them, edit configuration, run, compare.

    Parameters
    ----------
    rules
        A :class:`~rulesim.RuleSet` or a path for :func:`~rulesim.load_rules`; or a tenant
        with post-login Actions (:func:`~rulesim.load_tenant`), whose Actions are listed
        after the rules and can be unbound and bound again (their order is the flow's).
    population
        A :class:`~rulesim.Population` to run over; by default one is generated from the size,
        mix and seed controls.
    configuration
        ``configuration`` values (dict or file) merged over the rule set's own.
    services
        Fake services for :func:`~rulesim.simulate` (default: the tenant's ``services.yaml``).
    size, mix, seed
        Initial population controls (ignored while ``population`` is selected).
    workers
        Worker processes per run (default: every core).
    options, **simulate_kwargs
        Further options of every run (a :class:`~rulesim.RunOptions`, and
        :func:`~rulesim.simulate` keywords over it: ``limits``, ``modules``, …), checked
        when the Explorer is built.

    Attributes
    ----------
    rule_checkboxes
        ``{rule name: Checkbox}``; ``rules_box`` holds one row per rule (checkbox, ↑, ↓).
    configuration_editor
        ``Textarea`` with the configuration as JSON. Every value shows as ``••••••••`` until
        ``configuration_reveal`` ("show values") is ticked; a masked value left as it is keeps
        its value. Traces in the results mask any secret a rule leaked (console lines, URLs).
    configuration_reveal, configuration_status
        The "show values" ``Checkbox``; an ``HTML`` line with the key count or a JSON error.
    size, mix, seed, workers_input
        Population and run controls (``size`` and ``seed`` are disabled while the given
        population is selected: they do not apply to it).
    run_button, cancel_button, pin_button, unpin_button, progress, status
        The run bar. ``progress`` is an ``IntProgress`` over the logins, advanced as chunks
        finish (``simulate(on_progress=...)``) and, between chunks, by an estimate from the
        previous run's speed; ``status`` counts the seconds while a run is in flight.
    results
        ``Tab`` with ``Summary``, ``Logins`` and ``Impact``.
    view, browser, impact_view
        The views of the last run (None before it).

    Examples
    --------
    >>> ex = Explorer("datasets/tenants/acme", size=200, seed=7)
    >>> baseline = ex.run(); pinned = ex.pin()
    >>> ex.toggle("contextual-mfa")        # now disabled
    False
    >>> candidate = ex.run()
    >>> ex.impact.transitions["count"]
    candidate  allowed  denied  error  timeout  redirect
    baseline
    allowed         65       0      0        0         0
    denied           0      25      0        0         0
    error            0       0      0        0         0
    timeout          0       0      0        0         0
    redirect         0       0      0        0       110
    """

    def __init__(self, rules: Any, population: Population | None = None, *,
                 configuration: Any = None, services: Any = None, size: int = 2_000,
                 mix: str = "b2c", seed: int = 7, workers: int | None = None,
                 options: RunOptions | None = None, **simulate_kwargs: Any) -> None:
        w = ipywidgets()
        flow = flow_of(rules)
        base = flow.rules
        self._base = base
        self._order: list[str] = list(base.names)
        self._enabled = {r.name: r.enabled for r in base}
        self._actions = flow.actions
        # Actions by the name their rows have (unique across rules and Actions).
        self._action_rows: dict[str, str] = dict(zip(flow.names[len(base):],
                                                     flow.actions.names if flow.actions else [],
                                                     strict=True))
        for row, name in self._action_rows.items():
            assert self._actions is not None
            self._enabled[row] = self._actions[name] in self._actions.active
        conf: dict[str, str] = dict(base.configuration)
        if configuration is not None:
            conf.update(load_configuration(configuration))
        self._config = ConfigurationEditor(w, conf)
        self._seconds_per_login: float | None = None
        self._given = population
        self._services = services
        self._options = RunOptions.from_kwargs(options, **simulate_kwargs)
        self._populations: dict[tuple[Any, ...], Population] = {}
        self._lock = threading.Lock()
        self._job: Job | None = None
        self.simulation: Simulation | None = None
        """The last finished run."""
        self.baseline: Simulation | None = None
        """The pinned baseline run, if any."""
        self._baseline_rules: Any = None
        self._baseline_key: tuple[Any, ...] | None = None
        self.impact: Impact | None = None
        """Impact of the last run against the pinned baseline (None without a baseline)."""
        self.view: SimulationView | None = None
        self.browser: LoginBrowser | None = None
        self.impact_view: ImpactView | None = None
        self.last_error: BaseException | None = None
        """The exception of the last failed background run, if any."""

        self.rule_checkboxes: dict[str, Any] = {}
        self._rows: dict[str, Any] = {}
        for name in self._order:
            box = w.Checkbox(value=self._enabled[name], description=name, indent=False,
                             layout=w.Layout(width="260px"))
            box.observe(self._on_checkbox(name), names="value")
            up = w.Button(description="↑", tooltip=f"run {name} earlier",
                          layout=w.Layout(width="32px"))
            down = w.Button(description="↓", tooltip=f"run {name} later",
                            layout=w.Layout(width="32px"))
            up.on_click(lambda _b, n=name: self.move(n, -1))
            down.on_click(lambda _b, n=name: self.move(n, +1))
            self.rule_checkboxes[name] = box
            # A fixed-width number column: rows 10-17 line up with rows 1-9.
            self._rows[name] = w.HBox([w.HTML(layout=w.Layout(width="2.2em")), box, up, down])
        for row in self._action_rows:   # Actions run in the flow's order: no ↑ ↓
            box = w.Checkbox(value=self._enabled[row], description=row, indent=False,
                             layout=w.Layout(width="260px"))
            box.observe(self._on_checkbox(row), names="value")
            self.rule_checkboxes[row] = box
            self._rows[row] = w.HBox([w.HTML("A", layout=w.Layout(width="2.2em")), box])
        self.rules_box = w.VBox()
        self._render_rules()

        self.configuration_editor = self._config.textarea
        self.configuration_reveal = self._config.reveal
        self.configuration_status = self._config.status
        mixes = [*MIXES, _GIVEN] if population is not None else list(MIXES)
        self.size = w.BoundedIntText(value=size, min=1, max=10_000_000, description="logins")
        self.mix = w.Dropdown(options=mixes, value=_GIVEN if population is not None else mix,
                              description="mix")
        self.seed = w.IntText(value=seed, description="seed")
        self.workers_input = w.BoundedIntText(value=workers or (os.cpu_count() or 1), min=1,
                                              max=256, description="workers")
        self.mix.observe(lambda _c: self._on_mix(), names="value")
        self._on_mix()
        self.run_button = w.Button(description="Run", button_style="primary", icon="play")
        self.cancel_button = w.Button(description="Cancel", icon="stop", disabled=True)
        self.pin_button = w.Button(description="Pin as baseline", icon="thumb-tack",
                                   disabled=True)
        self.unpin_button = w.Button(description="Unpin", disabled=True)
        self.progress = w.IntProgress(value=0, min=0, max=1, description="",
                                      layout=w.Layout(width="240px"))
        self.status = w.HTML("ready")
        self.baseline_label = w.HTML("<i>no baseline pinned</i>")
        self.run_button.on_click(lambda _b: self.start())
        self.cancel_button.on_click(lambda _b: self.cancel())
        self.pin_button.on_click(lambda _b: self.pin())
        self.unpin_button.on_click(lambda _b: self.unpin())
        self._placeholder = w.HTML("<i>Run to see results.</i>")
        self._impact_placeholder = w.HTML(
            "<i>Pin a run as baseline, change rules, configuration or population, and Run: "
            "the impact against the baseline appears here.</i>")
        self.results = w.Tab(children=[self._placeholder, w.HTML(), self._impact_placeholder],
                             titles=["Summary", "Logins", "Impact"])
        settings = w.VBox([w.HTML("<b>Population</b>"), self.size, self.mix, self.seed,
                           self.workers_input,
                           w.HBox([w.HTML("<b>Configuration</b> (JSON)"),
                                   self.configuration_reveal],
                                  layout=w.Layout(justify_content="space-between")),
                           self.configuration_editor, self.configuration_status],
                          layout=w.Layout(width="50%"))
        rules_panel = w.VBox([w.HTML("<b>Rules</b> (checked: enabled)"), self.rules_box],
                             layout=w.Layout(width="50%"))
        bar = w.HBox([self.run_button, self.cancel_button, self.progress, self.pin_button,
                      self.unpin_button])
        self.widget = w.VBox([w.HBox([rules_panel, settings]), bar, self.status,
                              self.baseline_label, self.results])

    # -- editing -------------------------------------------------------------------------------
    @property
    def rule_names(self) -> list[str]:
        """Rule names in the order they will run."""
        return list(self._order)

    @property
    def ruleset(self) -> RuleSet:
        """The rule set as edited: order, enabled flags and configuration."""
        rules = self._base.reorder(self._order)
        for name in self._order:
            if rules[name].enabled != self._enabled[name]:
                rules = rules.enable(name) if self._enabled[name] else rules.disable(name)
        return rules.with_configuration(self._config.values, merge=False)

    @property
    def flow(self) -> Any:
        """The rule set as edited, with the tenant's Actions bound as the checkboxes say."""
        if self._actions is None:
            return self.ruleset
        actions = self._actions
        for row, name in self._action_rows.items():
            if (actions[name] in actions.active) != self._enabled[row]:
                actions = actions.enable(name) if self._enabled[row] else actions.disable(name)
        return Flow(self.ruleset, actions)

    @property
    def configuration(self) -> dict[str, str]:
        """The configuration the next run uses (a copy; values in clear)."""
        return dict(self._config.values)

    def toggle(self, name: str, enabled: bool | None = None) -> bool:
        """Flip rule ``name`` on or off (or set it with ``enabled``); return its new state."""
        self._check_rule(name)
        new = (not self._enabled[name]) if enabled is None else bool(enabled)
        self.rule_checkboxes[name].value = new  # the observer records it
        return new

    def move(self, name: str, offset: int) -> list[str]:
        """Move rule ``name`` ``offset`` places later (negative: earlier); return the order."""
        self._check_rule(name)
        i = self._order.index(name)
        j = max(0, min(len(self._order) - 1, i + offset))
        self._order.insert(j, self._order.pop(i))
        self._render_rules()
        return self.rule_names

    def reorder(self, names: Sequence[str]) -> list[str]:
        """Set the whole order (every rule exactly once); return it."""
        if sorted(names) != sorted(self._order):
            raise UsageError(f"reorder needs every rule exactly once; got {list(names)}, "
                             f"rules are {self._order}")
        self._order = list(names)
        self._render_rules()
        return self.rule_names

    def set_configuration(self, values: Mapping[str, Any], *, merge: bool = True) -> dict[str, str]:
        """Set configuration values (merged into the current ones by default); return them."""
        conf = {**self._config.values, **load_configuration(values)} if merge else (
            load_configuration(values))
        self._config.set(conf)
        return self.configuration

    def set_population(self, *, size: int | None = None, mix: str | None = None,
                       seed: int | None = None) -> None:
        """Change the population controls (``mix`` is a preset or ``"given population"``)."""
        if mix is not None:
            if mix not in self.mix.options:
                raise UsageError(f"expected mix to be one of {list(self.mix.options)}, got {mix!r}")
            self.mix.value = mix
        if size is not None:
            self.size.value = size
        if seed is not None:
            self.seed.value = seed

    # -- running -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while a run is in flight."""
        return self._job is not None

    @property
    def summary_table(self) -> pd.DataFrame | None:
        """The per-rule table of the last run (``sim.summary().table``)."""
        return self.view.summary_table if self.view is not None else None

    def run(self) -> Simulation:
        """Run now, in this thread, and show the results; return the simulation.

        With a pinned baseline, the impact against it is computed too (:attr:`impact`). If the
        population changed since the pin, the baseline rules are first re-run on it.
        """
        job = self._begin()
        try:
            result = self._execute(job)
        except BaseException as exc:
            self._end(job, None, exc)
            raise
        self._end(job, result, None)
        return result.sim

    def start(self) -> None:
        """Start a run in a background thread (what the Run button does); returns at once."""
        job = self._begin()
        thread = threading.Thread(target=self._work, args=(job,), name="rulesim-explorer",
                                  daemon=True)
        job.thread = thread
        thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background run to end; return False if it is still running."""
        job = self._job
        if job is None or job.thread is None:
            return True
        job.thread.join(timeout)
        return not job.thread.is_alive()

    def cancel(self) -> bool:
        """Cancel the run in flight; return whether there was one to cancel.

        The run stops within a fraction of a second (``simulate(cancel=...)``): the worker
        processes are stopped and the previous results stay on show.
        """
        with self._lock:
            job = self._job
            if job is None or job.state != "running":
                return False
            job.cancelled.set()
            self.status.value = "cancelling…"
            self.cancel_button.disabled = True
            return True

    def pin(self) -> Simulation:
        """Pin the last run as the baseline that later runs are compared with."""
        if self.simulation is None or self._last_rules is None:
            raise UsageError("nothing to pin yet: run the Explorer first (explorer.run())")
        self.baseline = self.simulation
        self._baseline_rules = self._last_rules
        self._baseline_key = self._last_key
        self.impact = None
        self.unpin_button.disabled = False
        counts = html.escape(outcome_counts_text(self.baseline.logins))
        self.baseline_label.value = (f"baseline pinned: {counts} "
                                     f"({_enabled_text(self._baseline_rules)})")
        return self.baseline

    def unpin(self) -> None:
        """Forget the baseline (later runs show no impact)."""
        self.baseline = None
        self._baseline_rules = None
        self._baseline_key = None
        self.impact = None
        self.impact_view = None
        self.unpin_button.disabled = True
        self.baseline_label.value = "<i>no baseline pinned</i>"
        children = list(self.results.children)
        children[2] = self._impact_placeholder
        self.results.children = children

    def text(self) -> str:
        """Rules, population and the last run's counts as text (no timings)."""
        rules = ", ".join(f"{n}{'' if self._enabled[n] else ' (off)'}" for n in self._order)
        lines = [f"Explorer: {len(self._order)} rules: {rules}",
                 f"population: {self._population_label()}"]
        if self.simulation is not None:
            lines.append(summary_text(self.simulation))
        if self.impact_view is not None:
            lines.append(self.impact_view.text())
        return "\n".join(lines)

    # -- internals ----------------------------------------------------------------------------
    _last_rules: Any = None
    _last_key: tuple[Any, ...] | None = None

    def _check_rule(self, name: str) -> None:
        if name not in self._enabled:
            raise UsageError(f"no rule named {name!r}; rules are: {', '.join(self._order)}")

    def _on_checkbox(self, name: str) -> Any:
        def observe(change: Mapping[str, Any]) -> None:
            self._enabled[name] = bool(change["new"])
        return observe

    def _render_rules(self) -> None:
        for i, name in enumerate(self._order, start=1):
            self._rows[name].children[0].value = f'<div style="text-align:right">{i}</div>'
        self.rules_box.children = [self._rows[n] for n in [*self._order, *self._action_rows]]

    def _on_mix(self) -> None:
        given = self.mix.value == _GIVEN
        self.size.disabled = given
        self.seed.disabled = given

    def _population_key(self) -> tuple[Any, ...]:
        if self.mix.value == _GIVEN:
            return (_GIVEN, id(self._given))
        return (int(self.size.value), str(self.mix.value), int(self.seed.value))

    def _population_label(self) -> str:
        key = self._population_key()
        if key[0] == _GIVEN:
            return f"given ({len(self._given) if self._given is not None else 0:,} logins)"
        return f"{key[0]:,} logins, mix {key[1]}, seed {key[2]}"

    def _population(self, key: tuple[Any, ...]) -> Population:
        if key[0] == _GIVEN:
            assert self._given is not None
            return self._given
        if key not in self._populations:
            self._populations = {key: population(key[0], seed=key[2], mix=key[1])}
        return self._populations[key]

    def _begin(self) -> Job:
        with self._lock:
            if self._job is not None:
                raise UsageError("a run is already in flight: wait for it or cancel it")
            key = self._population_key()
            job = Job(rules=self.flow, population=self._population(key), population_key=key,
                       workers=int(self.workers_input.value))
            rerun = self.baseline is not None and self._baseline_key != key
            job.expected_phases = 2 if rerun else 1
            self._job = job
        total = len(job.population)
        self.progress.max = max(total * job.expected_phases, 1)
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.run_button.disabled = True
        self.cancel_button.disabled = False
        self.pin_button.disabled = True
        self.unpin_button.disabled = True  # the run compares with the baseline it started with
        self.status.value = self._running_text(job, 0.0)
        threading.Thread(target=self._tick_until_done, args=(job,), daemon=True,
                         name="rulesim-explorer-progress").start()
        return job

    def _simulate(self, rules: Any, job: Job) -> Simulation:
        with self._lock:
            job.phases += 1
            job.done = 0
            job.phase_started = time.monotonic()
        services = self._services if self._services is not None else self._options.services
        options = self._options.replace(
            services=services, workers=job.workers, progress=False, cancel=job.cancelled,
            on_progress=lambda done, total: self._report(job, done, total))
        return simulate(rules, job.population, options=options)

    def _running_text(self, job: Job, elapsed: float) -> str:
        total = len(job.population)
        then = ", then the baseline's rules on them" if job.expected_phases > 1 else ""
        return f"running {total:,} logins on {job.workers} workers{then}… {elapsed:.0f} s"

    def _report(self, job: Job, done: int, total: int) -> None:
        """Progress of the run in flight, as chunks finish (called from the run's thread)."""
        with self._lock:
            if self._job is not job or job.state != "running":
                return
            job.done = done
            self._show_progress(job, time.monotonic())

    def _tick_until_done(self, job: Job) -> None:
        """Move the bar and the seconds between chunk reports, until the run ends.

        ``simulate`` reports progress as chunks finish, and a 2,000-login run is a single
        chunk: without this the bar would sit empty, then jump to full. Between reports the
        bar advances by an estimate from the previous run's speed (never past 95% of a run,
        never backwards); the status line says that it is an estimate.
        """
        while not job.finished.wait(_TICK_SECONDS):
            with self._lock:
                if self._job is not job or job.state != "running":
                    return
                self._show_progress(job, time.monotonic())

    def _show_progress(self, job: Job, now: float) -> None:
        """Set the bar and the status line (the caller holds the lock)."""
        total = len(job.population)
        value, left = estimate_progress(total, phase=max(job.phases, 1), phases=job.expected_phases,
                                        done=job.done, ran=now - job.phase_started,
                                        seconds_per_login=self._seconds_per_login)
        text = self._running_text(job, now - job.started)
        if left is not None:
            text += f", about {left:.0f} s left (estimated from the last run)"
        if value:
            text += f" · {value:,} of {total * job.expected_phases:,} logins"
        self.progress.value = min(max(value, self.progress.value), self.progress.max)
        self.status.value = text

    def _execute(self, job: Job) -> Result:
        from rulesim.impact import compare

        sim = self._simulate(job.rules, job)
        if job.cancelled.is_set() or not sim.complete:
            raise RunCancelledError
        baseline = self.baseline
        if baseline is None or self._baseline_rules is None:
            return Result(sim, None, None, secret_values(job.rules.configuration))
        if self._baseline_key != job.population_key:
            baseline = self._simulate(self._baseline_rules, job)
            if job.cancelled.is_set() or not baseline.complete:
                raise RunCancelledError
        secrets = [*secret_values(job.rules.configuration),
                   *secret_values(self._baseline_rules.configuration)]
        return Result(sim, baseline, compare(baseline, sim), secrets)

    def _work(self, job: Job) -> None:
        result: Result | None = None
        error: BaseException | None = None
        try:
            try:
                result = self._execute(job)
            finally:
                with self._lock:
                    job.state = "finishing"
        except (KeyboardInterrupt, RunCancelledError) as exc:
            error = exc
        except Exception as exc:  # shown in the status line; kept in last_error
            error = exc
        self._end(job, result, error)

    def _end(self, job: Job, result: Result | None, error: BaseException | None) -> None:
        with self._lock:
            self._job = None
            job.finished.set()
        seconds = time.monotonic() - job.started
        self.run_button.disabled = False
        self.cancel_button.disabled = True
        self.pin_button.disabled = self.simulation is None and result is None
        self.unpin_button.disabled = self.baseline is None
        if result is None:
            self.progress.bar_style = "warning" if job.cancelled.is_set() else "danger"
            if job.cancelled.is_set() or isinstance(error, (KeyboardInterrupt, RunCancelledError)):
                self.status.value = "cancelled: the previous results stay on show"
            else:
                self.last_error = error
                self.status.value = (f'<span style="color:#c62828">run failed: '
                                     f"{html.escape(type(error).__name__)}: "
                                     f"{html.escape(str(error))}</span>")
            return
        self.progress.value = self.progress.max
        self.progress.bar_style = "success"
        self._seconds_per_login = seconds / max(len(job.population) * max(job.phases, 1), 1)
        self.simulation = result.sim
        self._last_rules, self._last_key = job.rules, job.population_key
        if result.baseline is not None:
            self.baseline, self._baseline_key = result.baseline, job.population_key
        self.impact = result.impact
        self._show(result)
        self.pin_button.disabled = False
        # The counts are in the Summary tab's header: say what ran, not the totals again.
        self.status.value = (f"done: {len(result.sim.logins):,} logins on {job.workers} workers "
                             f"in {seconds:.1f} s")

    def _show(self, result: Result) -> None:
        redact = Redactor(result.secrets)
        self.view = SimulationView(result.sim)
        self.browser = LoginBrowser(result.sim, secrets=redact)
        children = [self.view.widget, self.browser.widget, self._impact_placeholder]
        if result.impact is not None:
            self.impact_view = ImpactView(result.impact, secrets=redact)
            children[2] = self.impact_view.widget
        else:
            self.impact_view = None
        self.results.children = children
        self.results.selected_index = 2 if result.impact is not None else 0
