"""`simulate()` and `run_login()`: run a tenant's Rules and Actions over a population, or over
one login."""

from __future__ import annotations

import datetime as _dt
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from rulesim._flow import Flow, flow_of
from rulesim._validation import check_int, check_one_of
from rulesim.errors import MissingExtraError, UsageError
from rulesim.runtime.limits import Limits
from rulesim.runtime.sandbox import SandboxOptions
from rulesim.runtime.worker import Chunk, PairSpec, PipelineSpec
from rulesim.simulation import Simulation, versions
from rulesim.sources import Rule, RuleSet, load_configuration, load_rules
from rulesim.trace import LoginTrace

__all__ = ["DEFAULT_CHUNK_SIZE", "SIMULATION_OBSERVERS", "run_login", "simulate"]

DEFAULT_CHUNK_SIZE = 2_000
"""Logins per chunk. Part of the result's identity: ``global`` and the fake user store start
empty at each chunk, so the chunk size (never the worker count) is recorded in the manifest."""


def _ruleset(rules: Any) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, Rule):
        return RuleSet([rules])
    if isinstance(rules, (str, os.PathLike)):
        return load_rules(os.fspath(rules))
    if isinstance(rules, (list, tuple)) and all(isinstance(r, Rule) for r in rules):
        return RuleSet(rules)
    raise UsageError(f"expected rules to be a RuleSet, a Rule, a list of Rules or a path, "
                     f"got {type(rules).__name__}")


def _services(services: Any, ruleset: RuleSet | Flow) -> Any:
    from rulesim.runtime.services import Services

    if services is None:
        default = getattr(ruleset, "services_file", None)
        return Services.from_file(default) if default else Services()
    if isinstance(services, Services):
        return services
    if isinstance(services, (str, os.PathLike)):
        return Services.from_file(os.fspath(services))
    if isinstance(services, Mapping):
        return Services.from_dict(services)
    raise UsageError(f"expected services to be a Services object, a dict or a file path, "
                     f"got {type(services).__name__}")


def _spec(ruleset: RuleSet | Flow, configuration: Any, services: Any, limits: Limits | None,
          seed: int, modules: Mapping[str, str] | None, legacy_globals: bool,
          modules_dir: Any, on_redirect: str = "stop", continue_handler: Any = None, *,
          secrets: Any = None, action_settings: Mapping[str, Any] | None = None) -> PipelineSpec:
    flow = flow_of(ruleset)
    conf = dict(flow.rules.configuration)
    if configuration is not None:
        conf.update(load_configuration(configuration))
    if secrets is not None and flow.actions is not None:
        flow = Flow(flow.rules, flow.actions.with_secrets(secrets))
    opts = SandboxOptions(legacy_globals=legacy_globals, modules=modules, modules_dir=modules_dir)
    return PipelineSpec(rules=tuple(flow.rules), configuration=conf, limits=limits or Limits(),
                        services=_services(services, flow), options=opts, seed=seed,
                        on_redirect=on_redirect, continue_handler=continue_handler,
                        actions=tuple(flow.actions or ()), action_secrets=flow.secrets(),
                        action_settings=dict(action_settings or {}))


def _chunks(population: Any, bounds: list[tuple[int, tuple[int, int]]]) -> Iterator[Chunk]:
    """Chunks ``(index, (start, stop))`` of the population, payloads built lazily."""
    frame = population.logins
    login_ids = frame["login_id"].astype(str).tolist()
    user_ids = frame["user_id"].astype(str).tolist() if "user_id" in frame else [None] * len(frame)
    for index, (a, b) in bounds:
        yield Chunk(index, a, population.payloads(a, b), login_ids[a:b], user_ids[a:b])


def _progress(progress: bool | None, total: int) -> Any:
    if progress is None:
        progress = (total > 10_000 and sys.stderr.isatty()) or (_in_notebook() and total > 10_000)
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="login", desc="simulate", smoothing=0.1)


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def simulate(rules: Any, population: Any, *, configuration: Any = None, services: Any = None,
             limits: Limits | None = None, seed: int | None = None, workers: int | None = None,
             executor: Any = None, progress: bool | None = None, on_redirect: str = "stop",
             continue_handler: Any = None,
             modules: Mapping[str, str] | None = None, legacy_globals: bool = False,
             modules_dir: str | os.PathLike[str] | None = None,
             chunk_size: int = DEFAULT_CHUNK_SIZE, resume: str | os.PathLike[str] | None = None,
             cancel: threading.Event | None = None, coverage: bool = False,
             on_progress: Callable[[int, int], None] | None = None,
             secrets: Any = None, action_settings: Mapping[str, Any] | None = None,
             _crash_at: int | None = None) -> Simulation:
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

    Returns
    -------
    Simulation
        ``logins``, ``rule_runs``, ``changes``, ``calls``, ``logs`` frames and a manifest.
        ``len(sim.logins) == len(population)`` unless interrupted (then ``complete=False``).
    """
    check_one_of("on_redirect", on_redirect, ("stop", "continue"))
    check_int("chunk_size", chunk_size, minimum=1)
    flow = flow_of(rules)
    if coverage:
        from rulesim.coverage import instrument_flow

        flow = instrument_flow(flow)
    if not hasattr(population, "payloads") or not hasattr(population, "logins"):
        raise UsageError("expected population to be a rulesim Population "
                         f"(rs.population(n, seed=...)), got {type(population).__name__}")
    pop_spec = getattr(population, "spec", None) or {}
    if seed is None:
        seed = int(pop_spec.get("seed", 0)) if isinstance(pop_spec, Mapping) else 0
    check_int("seed", seed)
    spec = _spec(flow, configuration, services, limits, seed, modules, legacy_globals,
                 modules_dir, on_redirect, continue_handler, secrets=secrets,
                 action_settings=action_settings)
    total = len(population)
    started = _dt.datetime.now(_dt.timezone.utc)
    store = None
    if resume is not None:
        from rulesim.checkpoint import Checkpoint

        store = Checkpoint(resume, identity={
            "seed": seed, "chunk_size": chunk_size, "ruleset_sha256": flow.sha256,
            "configuration_keys": sorted(spec.configuration),
            "population": pop_spec if isinstance(pop_spec, Mapping) else str(pop_spec),
            "logins": total})
    merged = _run_chunks(spec, population, chunk_size=chunk_size, workers=workers,
                         executor=executor, progress=progress, cancel=cancel,
                         on_progress=on_progress, crash_at=_crash_at, store=store)
    sim = Simulation.from_columns(
        merged, spec.rule_names(),
        _manifest(flow, spec, seed, chunk_size, pop_spec, len(merged), started),
        population=population)
    if store is not None and sim.complete:
        sim.to_parquet(store.folder)
    for observer in SIMULATION_OBSERVERS:
        observer(sim)
    return sim


def _run_chunks(spec: Any, population: Any, *, chunk_size: int, workers: int | None,
                executor: Any, progress: bool | None, cancel: threading.Event | None,
                on_progress: Callable[[int, int], None] | None, crash_at: int | None,
                store: Any = None) -> Any:
    """Run every chunk of the population (those not in the checkpoint ``store``); merge them.

    ``spec`` is a :class:`PipelineSpec` (the result is a :class:`Columns`) or a
    :class:`PairSpec` (a :class:`~rulesim.records.PairColumns`).
    """
    total = len(population)
    bounds = population.chunk_bounds(chunk_size) if total else []
    results: dict[int, Any] = {}
    if store is not None:
        results.update(store.load())
    bar = _progress(progress, total)
    if bar is not None and results:
        bar.update(sum(len(c) for c in results.values()))
    names = spec.rule_names()

    def on_chunk(index: int, cols: Any) -> None:
        results[index] = cols.pack(names)
        if store is not None:
            store.save(index, cols)
        if bar is not None:
            bar.update(len(cols))
        if on_progress is not None:
            on_progress(sum(len(c) for c in results.values()), total)

    todo = [(i, b) for i, b in enumerate(bounds) if i not in results]
    try:
        complete = _execute(spec, population, todo, workers, executor, on_chunk, crash_at,
                            cancel)
    finally:
        if bar is not None:
            bar.close()
    merged = spec.new_sink()
    for index in sorted(results):
        merged.extend(results[index])
    merged.complete = complete and len(results) == len(bounds)
    return merged


def _manifest(ruleset: RuleSet | Flow, spec: PipelineSpec, seed: int, chunk_size: int,
              pop_spec: Any, logins: int, started: _dt.datetime) -> dict[str, Any]:
    flow = flow_of(ruleset)
    return {
        "seed": seed,
        "chunk_size": chunk_size,
        "ruleset_sha256": flow.sha256,
        **flow.manifest(),
        "population": pop_spec if isinstance(pop_spec, Mapping) else str(pop_spec),
        "logins": logins,
        "configuration_keys": sorted(spec.configuration),
        "limits": dict(vars(spec.limits).items()),
        "versions": versions(),
        "started_at": started.isoformat(),
        "finished_at": _dt.datetime.now(_dt.timezone.utc).isoformat(),
    }


def simulate_pair(baseline: RuleSet, candidate: RuleSet, population: Any, *, prefix: int,
                  global_prefix: bool = False, safe_prefix: int | None = None,
                  configuration: Any = None, services: Any = None,
                  limits: Limits | None = None, seed: int = 0, workers: int | None = None,
                  executor: Any = None, progress: bool | None = None,
                  on_redirect: str = "stop", continue_handler: Any = None,
                  modules: Mapping[str, str] | None = None, legacy_globals: bool = False,
                  modules_dir: str | os.PathLike[str] | None = None,
                  chunk_size: int = DEFAULT_CHUNK_SIZE,
                  cancel: threading.Event | None = None,
                  on_progress: Callable[[int, int], None] | None = None,
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
    check_one_of("on_redirect", on_redirect, ("stop", "continue"))
    check_int("chunk_size", chunk_size, minimum=1)
    check_int("seed", seed)
    pop_spec = getattr(population, "spec", None) or {}
    specs = [_spec(rs_, configuration, services, limits, seed, modules, legacy_globals,
                   modules_dir, on_redirect, continue_handler) for rs_ in (baseline, candidate)]
    started = _dt.datetime.now(_dt.timezone.utc)
    merged = _run_chunks(PairSpec(specs[0], specs[1], prefix, global_prefix, safe_prefix),
                         population,
                         chunk_size=chunk_size, workers=workers, executor=executor,
                         progress=progress, cancel=cancel, on_progress=on_progress,
                         crash_at=_crash_at)
    sims = []
    for ruleset, spec, cols in ((baseline, specs[0], merged.a), (candidate, specs[1], merged.b)):
        sim = Simulation.from_columns(
            cols, ruleset.names,
            _manifest(ruleset, spec, seed, chunk_size, pop_spec, len(cols), started),
            population=population)
        for observer in SIMULATION_OBSERVERS:
            observer(sim)
        sims.append(sim)
    return sims[0], sims[1], merged.shared


SIMULATION_OBSERVERS: list[Callable[[Simulation], None]] = []
"""Called with every finished simulation (the pytest plugin's ``--rulesim-cov`` uses it)."""


def _execute(spec: Any, population: Any, bounds: list[tuple[int, tuple[int, int]]],
             workers: int | None, executor: Any, on_chunk: Any, crash_at: int | None,
             cancel: threading.Event | None = None) -> bool:
    if executor in (None, "local"):
        from rulesim.executor import LocalExecutor

        n = workers if workers is not None else (os.cpu_count() or 1)
        check_int("workers", n, minimum=1)
        n = min(n, max(1, len(bounds)))
        return LocalExecutor(n, crash_at=crash_at, cancel=cancel).run(
            spec, _chunks(population, bounds), len(bounds), on_chunk)
    from rulesim.executor import run_dask

    if executor == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise MissingExtraError("dask", "dask[distributed]", "executor='dask'") from None
        n = workers or (os.cpu_count() or 1)
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            return run_dask(spec, list(_chunks(population, bounds)), client, on_chunk)
    if hasattr(executor, "submit") and hasattr(executor, "scatter"):
        return run_dask(spec, list(_chunks(population, bounds)), executor, on_chunk)
    raise UsageError(f"expected executor to be None, 'local', 'dask' or a dask Client, "
                     f"got {executor!r}")


def run_login(rules: Any, *, user: Mapping[str, Any] | None = None,
              context: Mapping[str, Any] | None = None, configuration: Any = None,
              services: Any = None, seed: int = 0, limits: Limits | None = None,
              modules: Mapping[str, str] | None = None,
              timestamp_ms: int | None = None, on_redirect: str = "stop",
              continue_handler: Any = None, secrets: Any = None,
              action_settings: Mapping[str, Any] | None = None) -> LoginTrace:
    """Run one login through the rules, like Auth0's "Try this rule" for the whole pipeline.

    Parameters
    ----------
    rules
        A RuleSet, a Rule, a list of rules or a path; or a Tenant, an ActionSet or Actions
        (the whole post-login flow: Rules, then Actions).
    user, context
        The login's ``user`` and ``context``, partial: missing fields are filled from
        realistic defaults (the population providers), so a test states only what matters.
    configuration, services, seed, limits, modules, secrets, action_settings
        As for :func:`simulate`.
    timestamp_ms
        Virtual time of the login (default: the population default).

    Returns
    -------
    LoginTrace
        The same data as ``sim.trace(login_id)``.
    """
    from rulesim.population import Population

    login: dict[str, Any] = {"user": dict(user or {}), "context": dict(context or {})}
    if timestamp_ms is not None:
        login["timestamp_ms"] = int(timestamp_ms)
    pop = Population.from_logins([login])
    flow = flow_of(rules)
    spec = _spec(flow, configuration, services, limits, seed, modules, False, None,
                 check_one_of("on_redirect", on_redirect, ("stop", "continue")), continue_handler,
                 secrets=secrets, action_settings=action_settings)
    chunk = next(_chunks(pop, [(0, (0, 1))]))
    columns = _session().run(spec, chunk)
    manifest = {"seed": seed, "ruleset_sha256": flow.sha256, "logins": 1, **flow.manifest(),
                "configuration_keys": sorted(spec.configuration), "versions": versions()}
    sim = Simulation.from_columns(columns, spec.rule_names(), manifest, population=pop)
    for observer in SIMULATION_OBSERVERS:
        observer(sim)
    return sim.trace(str(sim.logins["login_id"].iloc[0]))


_SESSION: Any = None


def _session() -> Any:
    """The process-wide worker session used by :func:`run_login` (closed at exit)."""
    global _SESSION
    if _SESSION is None:
        import atexit

        from rulesim.executor import WorkerSession

        _SESSION = WorkerSession()
        atexit.register(_SESSION.close)
    return _SESSION
