"""Execution: split a population into chunks and run them in worker processes.

The caller sends each worker a job (:mod:`~rulesim.execution.jobs`: one pipeline, or two side
by side) and a reference to the population once, then chunk bounds only; workers render their
own logins from the population's spec (:mod:`~rulesim.execution.chunks`), run them
(:mod:`~rulesim.execution.worker`) and send back compressed tables that the caller files in
memory or on disk (:mod:`~rulesim.execution.results`, :mod:`~rulesim.execution.checkpoint`).
Backends: a local pool that survives worker crashes (:mod:`~rulesim.execution.local`) and
Dask (:mod:`~rulesim.execution.dask`); :mod:`~rulesim.execution.runner` ties them together.
Workers end with their caller. Nothing here is public API: use :func:`rulesim.simulate`.
"""
