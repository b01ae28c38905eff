"""The Dask backend runs the same chunk function and gives the same Simulation."""

from __future__ import annotations

import pandas as pd
import pytest

import rulesim as rs
from tests.frames import comparable

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

RULES = rs.RuleSet([
    rs.Rule.from_source("deny-gmail", (
        "function (user, context, callback) {\n"
        "  if (/@gmail\\.com$/.test(user.email || '')) return callback(new UnauthorizedError('no'));\n"
        "  context.idToken['https://acme.com/r'] = Math.random();\n"
        "  callback(null, user, context);\n}"), order=1)])




@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_frames_as_local_execution() -> None:
    pop = rs.population(600, seed=4)
    local = rs.simulate(RULES, pop, workers=2, chunk_size=150, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = rs.simulate(RULES, pop, executor=client, chunk_size=150, progress=False)
    for table in rs.COLUMNS:
        pd.testing.assert_frame_equal(comparable(getattr(remote, table)),
                                      comparable(getattr(local, table)))


def test_an_unknown_executor_is_a_usage_error() -> None:
    with pytest.raises(rs.UsageError, match="executor"):
        rs.simulate(RULES, rs.population(10, seed=1), executor="spark")
