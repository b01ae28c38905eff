"""Rules that call fake external services: logins/s per core with 2 HTTP calls per login.

    python benchmarks/bench_services.py [--logins 5000]

A two-rule pipeline: one rule calls an enrichment API with `request` (node callback), the
other a risk API with `axios` (promise), both answered by `rs.Services` routes with latency on
the virtual clock. Printed: logins/s in one process with full recording, and, measured in the
same run, the same pipeline with the two calls removed (the cost of the host-operation loop is
the difference). Target (issue 4): ≥ 3,000 logins/s per core.
"""

from __future__ import annotations

import argparse
import time

import rulesim as rs
from rulesim.pipeline import Pipeline
from rulesim.records import Columns
from rulesim.runtime.services import Latency, Route, Services

ENRICH = """function enrich(user, context, callback) {
  var request = require('request');
  request.get({url: 'https://enrich.example/v1/person', qs: {email: user.email}, json: true},
    function (err, response, body) {
      if (err) return callback(null, user, context);
      context.idToken['https://acme.com/company'] = body.company;
      callback(null, user, context);
    });
}"""
RISK = """function risk(user, context, callback) {
  const axios = require('axios');
  axios.post('https://risk.example/score', {ip: context.request && context.request.ip})
    .then(function (res) {
      if (res.data.score > 0.9) context.multifactor = {provider: 'any'};
      callback(null, user, context);
    })
    .catch(function () { callback(null, user, context); });
}"""
NO_IO = ("function (user, context, callback) {\n"
         "  context.idToken['https://acme.com/x'] = 1;\n  callback(null, user, context);\n}")


def run(rules: list[rs.Rule], payloads: list[str], services: Services) -> float:
    pipe = Pipeline(rules, {}, services=services, seed=1)
    sink = Columns()
    for i, p in enumerate(payloads[:200]):
        pipe.run(p, i, sink, login_id=str(i))
    sink = Columns()
    t = time.perf_counter()
    for i, p in enumerate(payloads):
        pipe.run(p, i, sink, login_id=str(i))
    return len(payloads) / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=5_000)
    args = parser.parse_args()
    services = Services([
        Route(name="enrich", method="GET", url="https://enrich.example/*",
              json={"company": "Initech"}, latency=Latency.from_percentiles(80, 250)),
        Route(name="risk", method="POST", url="https://risk.example/*", json={"score": 0.2},
              latency=Latency.fixed(40)),
    ])
    payloads = rs.population(args.logins, seed=1).payloads()
    with_io = run([rs.Rule.from_source("enrich", ENRICH, order=1),
                   rs.Rule.from_source("risk", RISK, order=2)], payloads, services)
    without = run([rs.Rule.from_source("a", NO_IO, order=1),
                   rs.Rule.from_source("b", NO_IO, order=2)], payloads, services)
    print(f"2 fake HTTP calls per login: {with_io:,.0f} logins/s per core (target >= 3,000)")
    print(f"same pipeline shape without I/O: {without:,.0f} logins/s "
          f"(the calls cost {1e6 / with_io - 1e6 / without:,.0f} µs per login)")


if __name__ == "__main__":
    main()
