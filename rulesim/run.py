"""`simulate()` and `run_login()`: run a tenant's Rules and Actions over a population, or over
one login."""

from __future__ import annotations

import datetime as _dt
import os
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rulesim._flow import Flow, flow_of
from rulesim.errors import UsageError
from rulesim.execution.chunks import Chunk, PopulationRef
from rulesim.execution.jobs import Job, PairJob, PipelineJob, StagesJob
from rulesim.execution.results import SPILL_BYTES
from rulesim.execution.runner import RunOutput, run_job
from rulesim.options import DEFAULT_CHUNK_SIZE, RunOptions, merge
from rulesim.population import Population
from rulesim.runtime.limits import Limits
from rulesim.runtime.native import locale_note
from rulesim.simulation import Simulation, versions
from rulesim.sources import ActionSourceWarning, RuleSet, RuleSourceWarning
from rulesim.trace import LoginTrace

__all__ = ["DEFAULT_CHUNK_SIZE", "SIMULATION_OBSERVERS", "SPILL_BYTES", "RunOptions", "run_login",
           "simulate"]



def _job(ruleset: RuleSet | Flow, options: RunOptions) -> PipelineJob:
    """The job a worker builds its pipeline from: the rules and the options of :data:`JOB_FIELDS`
    (``options.seed`` already resolved)."""
    return PipelineJob.from_ruleset(ruleset, **options.job_options())


def _check_population(population: Any) -> None:
    if not isinstance(population, Population):
        raise UsageError("expected population to be a rulesim Population "
                         f"(rs.population(n, seed=...)), got {type(population).__name__}")


def simulate(rules: Any, population: Any, *, configuration: Any = None, services: Any = None,
             limits: Limits | None = None, seed: int | None = None, workers: int | None = None,
             executor: Any = None, progress: bool | None = None, on_redirect: str = "stop",
             continue_handler: Any = None,
             modules: Mapping[str, str] | None = None, legacy_globals: bool = False,
             modules_dir: str | os.PathLike[str] | None = None,
             chunk_size: int = DEFAULT_CHUNK_SIZE, resume: str | os.PathLike[str] | None = None,
             cancel: threading.Event | None = None, coverage: bool = False,
             on_progress: Callable[[int, int], None] | None = None,
             spill: bool | None = None,
             secrets: Any = None, action_settings: Mapping[str, Any] | None = None,
             options: RunOptions | None = None, _crash_at: int | None = None) -> Simulation:
    """Run a rule set (or a tenant's Rules and Actions) over a population and record
    everything each login did.

    Parameters
    ----------
    rules
        A :class:`RuleSet`, a :class:`Rule`, a list of rules, or a path for :func:`load_rules`;
        or post-login Actions: a :class:`Tenant` (:func:`load_tenant`: its Rules, then its
        Actions), an :class:`ActionSet`, an :class:`Action` or a list of them, or the path of
        an export that has Actions.
    population
        A :class:`~rulesim.Population` (``rs.population(...)``).
    configuration
        ``configuration`` values (dict, JSON or dotenv file), merged over the rule set's own.
    services
        Fake external services (:class:`~rulesim.Services`, a dict or a YAML/JSON file). By
        default the ``services.yaml`` beside a loaded tenant, else none (calls are unmatched).
    limits
        Sandbox limits and the pipeline timeout (:class:`~rulesim.Limits`).
    seed
        Seed of ``Math.random``, service latencies and failures; defaults to the population's.
    workers
        Worker processes (default: every core). Rules never run in the caller's process.
    executor
        ``None``/``"local"`` for the local pool, ``"dask"`` (a ``LocalCluster``) or a
        ``dask.distributed.Client``.
    progress
        Show a tqdm progress bar; by default on above 10,000 logins in a terminal or notebook.
    on_redirect
        ``"stop"``: a pending ``context.redirect`` ends the login with outcome ``redirect``.
        ``"continue"``: simulate the user's return to ``/continue``: all rules run again with
        ``context.protocol = 'redirect-callback'`` and ``context.redirect`` ignored; the rows
        of that second run have ``phase='continue'``.
    continue_handler
        With ``on_redirect="continue"``: ``handler(login, redirect_url) -> dict``, the body
        the redirect target posts back (``context.request.body``). A module-level function
        (it is sent to worker processes). Default: an empty body.
    modules
        Module fakes ``{"name@version": "<JS source or path>"}`` for ``require``.
    legacy_globals
        Node ≤ 12 mode: predefine module globals (``_``, ``request``, …).
    modules_dir
        Folder of real npm packages (see ``rulesim modules install``).
    chunk_size
        Logins per chunk (see :data:`DEFAULT_CHUNK_SIZE`).
    coverage
        Instrument the rules to record which lines and branches ran; read the result with
        ``sim.coverage()``. Instrumentation does not change what rules do.
    cancel
        A ``threading.Event``; setting it (from another thread) stops the run like Ctrl-C:
        the result holds the finished chunks and has ``complete=False``.
    on_progress
        ``on_progress(done, total)`` is called as chunks finish (for custom progress views).
    resume
        A folder to checkpoint into: each finished chunk is saved there as it completes, and
        the final tables are written there as parquet (``Simulation.to_parquet``). Calling
        again with the same folder, rules, population and seed after an interruption
        (Ctrl-C, a killed kernel) reuses the finished chunks instead of redoing them.
    spill
        Where the results wait until you read them. Workers send each finished chunk's
        tables compressed (about a tenth of the frames' size); the caller keeps them, and a
        table is decompressed and concatenated the first time you use it (``sim.logins`` is
        then an ordinary DataFrame). ``None`` (default): in memory until they pass
        :data:`SPILL_BYTES` (32 MiB, about 100,000 logins of a ten-rule tenant), then in a
        temporary folder (under ``TMPDIR``), so the caller's memory does not grow with the
        population; ``True``: in a temporary folder from the start; ``False``: always in
        memory. The folder is removed when the simulation is garbage collected (or its
        tables are all loaded), or at exit. With ``resume`` the checkpoint folder holds them.
    secrets
        Action secrets (a dict or a file, as for :meth:`ActionSet.with_secrets`), merged over
        the Actions' own.
    action_settings
        Actions settings that differ from the defaults (``docs/actions.md``, e.g.
        ``{"module_scope": "per-call"}``). With Actions, ``on_redirect`` and
        ``continue_handler`` also apply to their redirects and forms (the handler gets
        ``prompt:<form id>`` for a form and answers its fields); an MFA challenge always
        completes. ``continue_handler`` may also be the body itself (a dict), posted back
        after every redirect.
    options
        A :class:`~rulesim.RunOptions` holding any of the options above; a keyword given here
        (other than at its default) is laid over it. Checked once, before anything runs.

    Returns
    -------
    Simulation
        ``logins``, ``rule_runs``, ``changes``, ``calls``, ``logs`` frames and a manifest.
        ``len(sim.logins) == len(population)`` unless interrupted (then ``complete=False``).
    """
    opts = merge(options, locals())
    return _simulate(rules, population, opts, _crash_at)


def _warn_locale_fallback(flow: Flow) -> None:
    """Warn about each rule and Action that calls a locale method the sandbox cannot answer
    as Node does (the ICU extension is not built: :func:`rulesim.runtime.native.locale_note`)."""
    for rule in flow.rules:
        note = locale_note("rule", rule.name, rule.source)
        if note is not None:
            warnings.warn(note, RuleSourceWarning, stacklevel=4)
    for action in flow.actions or ():
        note = locale_note("action", action.name, action.code)
        if note is not None:
            warnings.warn(note, ActionSourceWarning, stacklevel=4)


def _simulate(rules: Any, population: Any, opts: RunOptions,
              crash_at: int | None = None) -> Simulation:
    flow = flow_of(rules)
    _warn_locale_fallback(flow)
    if opts.coverage:
        from rulesim.coverage import instrument_flow

        flow = instrument_flow(flow)
    _check_population(population)
    pop_spec = population.spec
    if opts.seed is None:
        opts = opts.replace(seed=int(pop_spec.get("seed", 0)))
    seed = int(opts.seed or 0)
    job = _job(flow, opts)
    started = _dt.datetime.now(_dt.timezone.utc)
    checkpoint = None
    if opts.resume is not None:
        from rulesim.execution.checkpoint import Checkpoint

        checkpoint = Checkpoint(opts.resume, identity={
            "seed": seed, "chunk_size": opts.chunk_size, "ruleset_sha256": flow.sha256,
            "configuration_keys": sorted(job.configuration), "population": pop_spec,
            "logins": len(population)})
    out = run_job(job, population, opts, crash_at=crash_at, checkpoint=checkpoint)
    (sim,) = _simulations(job, out, [flow], seed, opts.chunk_size, population, started)
    if checkpoint is not None and sim.complete:
        sim.to_parquet(checkpoint.folder)
    return sim


def _simulations(job: Job, out: RunOutput, rulesets: list[RuleSet | Flow], seed: int,
                 chunk_size: int, population: Population,
                 started: _dt.datetime) -> list[Simulation]:
    """One Simulation per side of ``job``, reading its tables from the run's store."""
    sims = []
    for (side, side_job), ruleset in zip(job.side_jobs().items(), rulesets, strict=True):
        tables = out.store.side(side, side_job.rule_names())
        manifest = _manifest(ruleset, side_job, seed, chunk_size, population.spec,
                             tables.logins, started)
        sim = Simulation.from_source(tables, manifest, population=population,
                                     complete=out.complete)
        for observer in SIMULATION_OBSERVERS:
            observer(sim)
        sims.append(sim)
    return sims


def _manifest(ruleset: RuleSet | Flow, job: PipelineJob, seed: int, chunk_size: int,
              pop_spec: Any, logins: int, started: _dt.datetime) -> dict[str, Any]:
    flow = flow_of(ruleset)
    return {
        "seed": seed,
        "chunk_size": chunk_size,
        "ruleset_sha256": flow.sha256,
        **flow.manifest(),
        "population": pop_spec if isinstance(pop_spec, Mapping) else str(pop_spec),
        "logins": logins,
        "configuration_keys": sorted(job.configuration),
        "limits": dict(vars(job.limits).items()),
        "versions": versions(),
        "started_at": started.isoformat(),
        "finished_at": _dt.datetime.now(_dt.timezone.utc).isoformat(),
    }


def simulate_pair(baseline: RuleSet, candidate: RuleSet, population: Any, *, prefix: int,
                  global_prefix: bool = False, safe_prefix: int | None = None,
                  configuration: Any = None, services: Any = None,
                  limits: Limits | None = None, seed: int | None = None,
                  workers: int | None = None,
                  executor: Any = None, progress: bool | None = None,
                  on_redirect: str = "stop", continue_handler: Any = None,
                  modules: Mapping[str, str] | None = None, legacy_globals: bool = False,
                  modules_dir: str | os.PathLike[str] | None = None,
                  chunk_size: int = DEFAULT_CHUNK_SIZE,
                  cancel: threading.Event | None = None,
                  on_progress: Callable[[int, int], None] | None = None,
                  spill: bool | None = None, options: RunOptions | None = None,
                  _crash_at: int | None = None) -> tuple[Simulation, Simulation, int]:
    """Simulate two rule sets over one population, running their first ``prefix`` rules once.

    The engine behind :func:`rulesim.compare` (see :mod:`rulesim.paired`). Options are those
    of :func:`simulate` and apply to both sides. The two results equal two separate
    :func:`simulate` runs. ``global_prefix`` says the shared rules use ``global`` and no later
    rule does; ``safe_prefix`` is then what a login-by-login (crash recovery) run shares.

    Returns
    -------
    tuple of (Simulation, Simulation, int)
        The baseline's and the candidate's simulations, and how many logins continued from
        the shared prefix (the others ran both sides in full).
    """
    opts = merge(options, locals())
    if opts.seed is None:
        opts = opts.replace(seed=0)
    _check_population(population)
    jobs = [_job(rs_, opts) for rs_ in (baseline, candidate)]
    started = _dt.datetime.now(_dt.timezone.utc)
    job = PairJob(jobs[0], jobs[1], prefix, global_prefix, safe_prefix)
    out = run_job(job, population, opts, crash_at=_crash_at)
    a, b = _simulations(job, out, [baseline, candidate], int(opts.seed or 0), opts.chunk_size,
                        population, started)
    return a, b, out.store.shared


def simulate_stages(stages: Sequence[Any], population: Any, *, prefixes: Sequence[int],
                    options: RunOptions | None = None) -> tuple[list[Simulation], int]:
    """Simulate every stage of a migration plan over one population, sharing Rules with stage 0.

    The engine behind :meth:`rulesim.MigrationPlan.run` (see :mod:`rulesim.staged`): stage
    ``k`` continues from stage 0's state after its first ``prefixes[k]`` active rules, which
    must be the same rules as stage 0's, reading the same configuration, none of them using
    ``global`` (:func:`rulesim.impact.planning.prefix_plan`'s safe prefix). The results equal
    one :func:`simulate` per stage. ``options`` are those of :func:`simulate` but
    ``coverage`` and ``resume`` (which a staged run does not take).

    Returns
    -------
    tuple of (list of Simulation, int)
        One simulation per stage, stage 0 first, and how many stage runs continued from
        stage 0's state (the others ran in full).

    Examples
    --------
    >>> plan = rs.migration_plan(rules, actions)
    >>> sims, shared = simulate_stages([s.tenant for s in plan.stages[:3]], rs.population(30),
    ...                                prefixes=plan.shared_rules()[:3],
    ...                                options=rs.RunOptions(workers=1, progress=False))
    >>> len(sims), [len(s.logins) for s in sims], 0 < shared <= 60
    (3, [30, 30, 30], True)
    """
    opts = options or RunOptions()
    if opts.coverage or opts.resume is not None:
        raise UsageError("a staged run records no coverage and takes no checkpoint: simulate "
                         "the stages one by one (rs.simulate) for those")
    if len(prefixes) != len(stages):
        raise UsageError(f"expected one prefix per stage ({len(stages)}), got {len(prefixes)}")
    _check_population(population)
    if opts.seed is None:
        spec = population.spec
        opts = opts.replace(seed=int(spec.get("seed", 0)) if isinstance(spec, Mapping) else 0)
    flows = [flow_of(s) for s in stages]
    job = StagesJob(tuple(_job(f, opts) for f in flows), tuple(int(k) for k in prefixes))
    started = _dt.datetime.now(_dt.timezone.utc)
    out = run_job(job, population, opts)
    sims = _simulations(job, out, list(flows), int(opts.seed or 0), opts.chunk_size, population,
                        started)
    return sims, out.store.shared


SIMULATION_OBSERVERS: list[Callable[[Simulation], None]] = []
"""Called with every finished simulation (the pytest plugin's ``--rulesim-cov`` uses it)."""


def run_login(rules: Any, *, user: Mapping[str, Any] | None = None,
              context: Mapping[str, Any] | None = None, configuration: Any = None,
              services: Any = None, seed: int | None = None, limits: Limits | None = None,
              modules: Mapping[str, str] | None = None,
              timestamp_ms: int | None = None, on_redirect: str = "stop",
              continue_handler: Any = None, secrets: Any = None,
              action_settings: Mapping[str, Any] | None = None,
              options: RunOptions | None = None) -> LoginTrace:
    """Run one login through the rules, like Auth0's "Try this rule" for the whole pipeline.

    Parameters
    ----------
    rules
        A RuleSet, a Rule, a list of rules or a path; or a Tenant, an ActionSet or Actions
        (the whole post-login flow: Rules, then Actions).
    user, context
        The login's ``user`` and ``context``, partial: missing fields are filled from
        realistic defaults (the population providers), so a test states only what matters.
    configuration, services, seed, limits, modules, secrets, action_settings, options
        As for :func:`simulate` (of the options, those that shape a login count here:
        :data:`rulesim.options.JOB_FIELDS`).
    timestamp_ms
        Virtual time of the login (default: the population default).

    Returns
    -------
    LoginTrace
        The same data as ``sim.trace(login_id)``.
    """
    login: dict[str, Any] = {"user": dict(user or {}), "context": dict(context or {})}
    if timestamp_ms is not None:
        login["timestamp_ms"] = int(timestamp_ms)
    pop = Population.from_logins([login])
    flow = flow_of(rules)
    _warn_locale_fallback(flow)
    opts = merge(options, locals())
    if opts.seed is None:
        opts = opts.replace(seed=0)
    job = _job(flow, opts)
    columns = _session().run(job, PopulationRef.of(pop), Chunk(0, 0, 1))
    manifest = {"seed": opts.seed, "ruleset_sha256": flow.sha256, "logins": 1, **flow.manifest(),
                "configuration_keys": sorted(job.configuration), "versions": versions()}
    sim = Simulation.from_columns(columns, job.rule_names(), manifest, population=pop)
    for observer in SIMULATION_OBSERVERS:
        observer(sim)
    return sim.trace(str(sim.logins["login_id"].iloc[0]))


_SESSION: Any = None


def _session() -> Any:
    """The process-wide worker session used by :func:`run_login` (closed at exit)."""
    global _SESSION
    if _SESSION is None:
        import atexit

        from rulesim.execution.local import WorkerSession

        _SESSION = WorkerSession()
        atexit.register(_SESSION.close)
    return _SESSION
