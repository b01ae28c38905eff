"""What a worker runs over each chunk: one pipeline, two side by side (``compare``), or the
stages of a migration plan.

A :class:`Job` is the picklable recipe a worker process receives once. It builds the runner (a
:class:`~rulesim.pipeline.Pipeline` or a :class:`~rulesim.paired.PairedPipeline`), makes the
empty sink the runner appends to, names the rules of the records and writes the rows of a login
whose worker died. Everything that differs between a plain and a paired run is here, so the
executors, the worker loop and the result store never ask which kind of job they hold.
"""

from __future__ import annotations

import abc
import dataclasses
import hashlib
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from rulesim.columns import failed_login_row
from rulesim.errors import ErrorCode, UsageError
from rulesim.outcomes import RuleOutcome
from rulesim.records import Columns, PairColumns, StageColumns
from rulesim.runtime.actions import row_names
from rulesim.runtime.limits import Limits
from rulesim.runtime.sandbox import SandboxOptions
from rulesim.runtime.watchdog import EXIT_CPU_LIMIT
from rulesim.sources import Action, Rule, load_configuration

__all__ = ["Job", "PairJob", "PipelineJob", "Runner", "Sink", "StagesJob"]


class Sink(Protocol):
    """Records of a chunk: a :class:`~rulesim.records.Columns` or a ``PairColumns``."""

    complete: bool

    def __len__(self) -> int: ...

    def extend(self, other: Any) -> None: ...

    def pack(self, rule_names: Any) -> Any: ...


class Runner(Protocol):
    """What a job builds in the worker: a pipeline, or two in lockstep."""

    def reset(self) -> None: ...

    def run(self, payload: str, index: int, sink: Any, *, login_id: str,
            user_id: str | None = None) -> None: ...

    def run_many(self, payloads: Sequence[str], start: int, sink: Any, *,
                 login_ids: Sequence[str], user_ids: Sequence[str | None],
                 on_progress: Callable[[int], None] | None = None) -> None: ...

    def collect(self, sink: Any) -> None: ...


class Job(abc.ABC):
    """The recipe of a run that a worker process receives once (picklable).

    Subclasses say how to build the runner and what their records look like; the executors
    and the worker loop only use this interface.
    """

    @property
    @abc.abstractmethod
    def key(self) -> str:
        """Identity of the job, to reuse a built runner across chunks."""

    @abc.abstractmethod
    def build(self) -> Runner:
        """Build the runner (compiles the rules: call once per worker process)."""

    @abc.abstractmethod
    def new_sink(self) -> Any:
        """An empty sink for this job's records."""

    @abc.abstractmethod
    def rule_names(self) -> Any:
        """Rule names in pipeline order, in the form ``sink.pack`` takes."""

    @abc.abstractmethod
    def columns(self, sink: Any) -> dict[str, Columns]:
        """The sink's records by side name (see :attr:`sides`)."""

    @abc.abstractmethod
    def side_jobs(self) -> dict[str, PipelineJob]:
        """The pipeline of each record set by side name: ``""``, or ``"a"`` and ``"b"``."""

    @property
    def sides(self) -> tuple[str, ...]:
        """Names of the record sets a sink holds: ``("",)``, or ``("a", "b")`` for a pair."""
        return tuple(self.side_jobs())

    def side_rule_names(self) -> dict[str, list[str]]:
        """Rule names in pipeline order, by side name."""
        return {side: job.rule_names() for side, job in self.side_jobs().items()}

    @abc.abstractmethod
    def crash_rows(self, login_id: str, user_id: str | None, detail: str,
                   exit_code: int | None = None) -> Any:
        """Records (a sink) for a login whose worker process died while running it.

        A worker ended by the hard CPU watchdog (exit status
        :data:`~rulesim.runtime.watchdog.EXIT_CPU_LIMIT`) gives a ``cpu_limit`` error; any
        other death a ``sandbox_crash``.
        """

    def shared(self, sink: Any) -> int:
        """Logins of ``sink`` that continued from a shared prefix (pairs only)."""
        return 0

    def begin(self, runner: Runner, *, login_by_login: bool) -> None:
        """Prepare ``runner`` for a chunk run whole (``False``) or login by login (``True``)."""
        runner.reset()


def _services(services: Any, ruleset: Any) -> Any:
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


@dataclasses.dataclass(frozen=True)
class PipelineJob(Job):
    """Everything a worker needs to build one pipeline (picklable).

    Attributes
    ----------
    rules
        Every rule of the set in pipeline order (disabled ones too, for the records).
    configuration
        ``configuration`` values.
    limits
        Sandbox limits.
    services
        Fake external services (a picklable :class:`~rulesim.runtime.services.Services`).
    options
        Sandbox environment settings.
    seed
        Run seed.
    on_redirect, continue_handler
        Redirect handling (see :class:`~rulesim.pipeline.Pipeline`).
    actions, action_secrets, action_settings
        The post-login Actions that run after the rules (every Action of the set, in flow
        order), their ``event.secrets`` by name, and Actions settings.
    """

    rules: tuple[Rule, ...]
    configuration: Mapping[str, str]
    limits: Limits
    services: Any
    options: SandboxOptions
    seed: int
    on_redirect: str = "stop"
    continue_handler: Any = None
    actions: tuple[Action, ...] = ()
    action_secrets: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    action_settings: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_ruleset(cls, ruleset: Any, *, configuration: Any = None, services: Any = None,
                     limits: Limits | None = None, seed: int = 0,
                     modules: Mapping[str, str] | None = None, legacy_globals: bool = False,
                     modules_dir: str | os.PathLike[str] | None = None,
                     on_redirect: str = "stop", continue_handler: Any = None,
                     secrets: Any = None,
                     action_settings: Mapping[str, Any] | None = None) -> PipelineJob:
        """The job of :func:`rulesim.simulate`'s options (see there). ``ruleset`` may be a
        tenant with post-login Actions (anything :func:`rulesim._flow.flow_of` takes)."""
        from rulesim._flow import Flow, flow_of

        flow = flow_of(ruleset)
        conf = dict(flow.rules.configuration)
        if configuration is not None:
            conf.update(load_configuration(configuration))
        if secrets is not None and flow.actions is not None:
            flow = Flow(flow.rules, flow.actions.with_secrets(secrets))
        opts = SandboxOptions(legacy_globals=legacy_globals, modules=modules,
                              modules_dir=modules_dir)
        return cls(rules=tuple(flow.rules), configuration=conf, limits=limits or Limits(),
                   services=_services(services, flow), options=opts, seed=seed,
                   on_redirect=on_redirect, continue_handler=continue_handler,
                   actions=tuple(flow.actions or ()), action_secrets=flow.secrets(),
                   action_settings=dict(action_settings or {}))

    @property
    def key(self) -> str:
        """Identity of the job (a hash of its pickle)."""
        return hashlib.sha256(pickle.dumps(self)).hexdigest()

    def build(self) -> Runner:
        """Build the pipeline: one QuickJS context, each rule compiled once."""
        from rulesim.pipeline import Pipeline

        return Pipeline(self.rules, self.configuration, limits=self.limits,
                        services=self.services, options=self.options, seed=self.seed,
                        on_redirect=self.on_redirect, continue_handler=self.continue_handler,
                        actions=self.actions, action_secrets=self.action_secrets,
                        action_settings=self.action_settings)

    def new_sink(self) -> Columns:
        """An empty :class:`~rulesim.records.Columns`."""
        return Columns()

    def rule_names(self) -> list[str]:
        """The row names, in pipeline order: the rules', then the Actions'."""
        names = [r.name for r in self.rules]
        return names + row_names(names, [a.name for a in self.actions])

    def row_orders(self) -> list[int]:
        """The ``order`` of every row of :meth:`rule_names`."""
        return [r.order for r in self.rules] + [a.order for a in self.actions]

    def row_kinds(self) -> list[str]:
        """``rule`` or ``action``, for every row of :meth:`rule_names`."""
        return ["rule"] * len(self.rules) + ["action"] * len(self.actions)

    def columns(self, sink: Any) -> dict[str, Columns]:
        """``{"": sink}``."""
        return {"": sink}

    def side_jobs(self) -> dict[str, PipelineJob]:
        """``{"": self}``."""
        return {"": self}

    def crash_rows(self, login_id: str, user_id: str | None, detail: str,
                   exit_code: int | None = None) -> Columns:
        """One ``error`` login row and a ``skipped`` row per rule (see :meth:`Job.crash_rows`)."""
        sink = Columns()
        names = self.rule_names()
        orders = self.row_orders()
        n = len(names)
        if exit_code == EXIT_CPU_LIMIT:
            code = ErrorCode.CPU_LIMIT
            message = (f"CPU time limit exceeded in work the engine could not interrupt (a "
                       f"catastrophic regular expression?); the worker was ended after "
                       f"{self.limits.cpu_ms:g} ms of CPU and the rule that was running is "
                       "unknown")
            flag = "cpu_limit"
        else:
            code = ErrorCode.SANDBOX_CRASH
            message = (f"the sandbox process died while running this login ({detail}); "
                       "the rule that was running is unknown")
            flag = "sandbox_crash"
        sink.add_login(login_id=login_id, user_id=user_id, **failed_login_row(
            error_code=code.value, error_message=message, app_error=self.limits.error_mapping,
            flags=flag))
        sink.add_rule_runs(login_id, names, orders, [RuleOutcome.SKIPPED.value] * n, [None] * n, [None] * n,
                           [0] * n, [0.0] * n, [0.0] * n, [0] * n, [0] * n, [""] * n,
                           kinds=self.row_kinds())
        return sink


@dataclasses.dataclass(frozen=True)
class PairJob(Job):
    """Two pipelines run side by side on the same logins, sharing their first rules.

    Attributes
    ----------
    baseline, candidate
        The two sides (the same seed, limits, services and options).
    prefix
        How many leading active rules both sides share (see :mod:`rulesim.paired`).
    global_prefix
        The shared rules use ``global`` (and no later rule does on either side).
    safe_prefix
        With ``global_prefix``: the shared rules before the first that uses ``global``, what
        a login-by-login run (crash recovery) shares.
    """

    baseline: PipelineJob
    candidate: PipelineJob
    prefix: int
    global_prefix: bool = False
    safe_prefix: int | None = None

    @property
    def key(self) -> str:
        """Identity of the job, from both sides' and the sharing plan."""
        return hashlib.sha256(f"{self.baseline.key}|{self.candidate.key}|{self.prefix}|"
                              f"{self.global_prefix}|{self.safe_prefix}".encode()).hexdigest()

    @property
    def limits(self) -> Limits:
        """The limits both sides run under."""
        return self.baseline.limits

    def build(self) -> Runner:
        """Build both pipelines and pair them."""
        from rulesim.paired import PairedPipeline

        return PairedPipeline(self.baseline.build(), self.candidate.build(),  # type: ignore[arg-type]
                              self.prefix, global_prefix=self.global_prefix,
                              safe_prefix=self.safe_prefix)

    def new_sink(self) -> PairColumns:
        """An empty :class:`~rulesim.records.PairColumns`."""
        return PairColumns()

    def rule_names(self) -> tuple[list[str], list[str]]:
        """The rule names of each side, in pipeline order."""
        return (self.baseline.rule_names(), self.candidate.rule_names())

    def columns(self, sink: Any) -> dict[str, Columns]:
        """``{"a": baseline records, "b": candidate records}``."""
        return {"a": sink.a, "b": sink.b}

    def side_jobs(self) -> dict[str, PipelineJob]:
        """The baseline as ``"a"``, the candidate as ``"b"``."""
        return {"a": self.baseline, "b": self.candidate}

    def crash_rows(self, login_id: str, user_id: str | None, detail: str,
                   exit_code: int | None = None) -> PairColumns:
        """Crash rows on both sides (see :meth:`Job.crash_rows`)."""
        return PairColumns(self.baseline.crash_rows(login_id, user_id, detail, exit_code),
                           self.candidate.crash_rows(login_id, user_id, detail, exit_code))

    def shared(self, sink: Any) -> int:
        """Logins that continued from the shared prefix."""
        return int(sink.shared)

    def begin(self, runner: Runner, *, login_by_login: bool) -> None:
        """Pick the sharing mode (login by login shares only the safe prefix), then reset."""
        runner.login_by_login(login_by_login)  # type: ignore[attr-defined]
        runner.reset()


@dataclasses.dataclass(frozen=True)
class StagesJob(Job):
    """The stages of a migration plan run on the same logins, sharing Rules with stage 0.

    Attributes
    ----------
    stages
        One pipeline per stage, stage 0 first (the same seed, limits, services and options).
    prefixes
        ``prefixes[k]``: the leading active rules stage ``k`` shares with stage 0 (see
        :mod:`rulesim.staged`).
    """

    stages: tuple[PipelineJob, ...]
    prefixes: tuple[int, ...]

    @property
    def key(self) -> str:
        """Identity of the job, from every stage's and the sharing plan."""
        keys = "|".join(job.key for job in self.stages)
        return hashlib.sha256(f"{keys}|{self.prefixes}".encode()).hexdigest()

    @property
    def limits(self) -> Limits:
        """The limits every stage runs under."""
        return self.stages[0].limits

    def build(self) -> Runner:
        """Build every stage's pipeline and run them in lockstep."""
        from rulesim.staged import StagedPipeline

        return StagedPipeline([job.build() for job in self.stages],  # type: ignore[misc]
                              self.prefixes)

    def new_sink(self) -> StageColumns:
        """An empty :class:`~rulesim.records.StageColumns`."""
        return StageColumns(len(self.stages))

    def rule_names(self) -> list[list[str]]:
        """The rule names of each stage, in pipeline order."""
        return [job.rule_names() for job in self.stages]

    def columns(self, sink: Any) -> dict[str, Columns]:
        """``{"0": stage 0's records, "1": …}``."""
        return {str(k): side for k, side in enumerate(sink.sides)}

    def side_jobs(self) -> dict[str, PipelineJob]:
        """Stage ``k`` as ``str(k)``."""
        return {str(k): job for k, job in enumerate(self.stages)}

    def crash_rows(self, login_id: str, user_id: str | None, detail: str,
                   exit_code: int | None = None) -> StageColumns:
        """Crash rows in every stage (see :meth:`Job.crash_rows`)."""
        return StageColumns(len(self.stages), [job.crash_rows(login_id, user_id, detail, exit_code)
                                               for job in self.stages])

    def shared(self, sink: Any) -> int:
        """Stage runs that continued from stage 0's state."""
        return int(sink.shared)

    def begin(self, runner: Runner, *, login_by_login: bool) -> None:
        """Reset every stage (the sharing is the same login by login)."""
        runner.login_by_login(login_by_login)  # type: ignore[attr-defined]
        runner.reset()
