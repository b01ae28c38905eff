"""Fake external services: matching, latency, failures, handlers and service files."""

from __future__ import annotations

import json
import pickle
import random
import statistics
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from rulesim.errors import ServicesError, UsageError
from rulesim.runtime.services import (
    DEFAULT_HANG_MS,
    Failure,
    HttpRequest,
    Latency,
    Route,
    ServiceHandlerError,
    Services,
)

ENRICH = "https://enrich.acme-partners.example/v2/person"


def get(url: str, headers: Mapping[str, str] | None = None, timeout_ms: float | None = None
        ) -> HttpRequest:
    return HttpRequest("GET", url, headers or {}, None, timeout_ms)


def post(url: str, body: str, headers: Mapping[str, str] | None = None) -> HttpRequest:
    return HttpRequest("POST", url, headers or {}, body)


def rng(seed: int = 0) -> random.Random:
    return random.Random(seed)


def echo_handler(request: HttpRequest) -> dict[str, Any]:
    """A module-level (picklable) handler."""
    return {"method": request.method, "url": request.url}


# -- matching -----------------------------------------------------------------------------------


def test_the_first_matching_route_answers_in_declaration_order() -> None:
    services = (Services()
                .add("specific", f"{ENRICH}*", json={"who": "specific"})
                .add("catch-all", "https://enrich.acme-partners.example/*", json={"who": "all"}))
    assert services.handle(get(f"{ENRICH}?email=a@b.c"), rng()).route == "specific"
    assert services.handle(get("https://enrich.acme-partners.example/v1/x"), rng()).route == (
        "catch-all")


def test_a_glob_matches_the_url_without_its_query_string() -> None:
    services = Services().add("exact", ENRICH).add("prefix", "https://api.example.com/v1/*")
    assert services.handle(get(f"{ENRICH}?email=a%40b.c#frag"), rng()).route == "exact"
    assert services.handle(get(f"{ENRICH}/extra"), rng()).route is None
    assert services.handle(get("https://api.example.com/v1/users/42"), rng()).route == "prefix"
    assert services.handle(get("https://api.example.com/v2/users"), rng()).route is None


def test_a_glob_star_matches_across_path_segments_and_in_the_middle() -> None:
    services = Services().add("mid", "https://*.example.com/*/users")
    assert services.handle(get("https://eu.api.example.com/a/b/users"), rng()).route == "mid"
    assert services.handle(get("https://eu.example.com/a/users/1"), rng()).route is None


def test_a_regex_route_is_searched_in_the_full_url_including_the_query() -> None:
    services = Services().add("by-query", r"re:^https://api\.example\.com/search\?q=\w+$")
    assert services.handle(get("https://api.example.com/search?q=abc"), rng()).route == (
        "by-query")
    assert services.handle(get("https://api.example.com/search?q=a-b"), rng()).route is None


def test_method_matching_is_case_insensitive_and_star_matches_any_method() -> None:
    services = Services().add("only-post", "https://x.example/*", method="post").add(
        "any", "https://x.example/*")
    assert services.handle(post("https://x.example/a", "{}"), rng()).route == "only-post"
    assert services.handle(HttpRequest("post", "https://x.example/a", {}, ""), rng()).route == (
        "only-post")
    assert services.handle(get("https://x.example/a"), rng()).route == "any"


def test_header_matchers_compare_names_case_insensitively_and_values_exactly() -> None:
    services = Services().add("keyed", "https://x.example/*", match_headers={"X-Api-Key": "k1"})
    assert services.handle(get("https://x.example/", {"x-api-key": "k1"}), rng()).route == "keyed"
    assert services.handle(get("https://x.example/", {"X-API-KEY": "k1"}), rng()).route == "keyed"
    assert services.handle(get("https://x.example/", {"x-api-key": "k2"}), rng()).route is None
    assert services.handle(get("https://x.example/"), rng()).route is None


def test_a_body_matcher_needs_the_text_in_the_request_body() -> None:
    services = Services().add("alerts", "https://hooks.example/*", body_contains='"level":"high"')
    hit = post("https://hooks.example/h", '{"level":"high","x":1}')
    assert services.handle(hit, rng()).route == "alerts"
    assert services.handle(post("https://hooks.example/h", '{"level":"low"}'), rng()).route is None
    assert services.handle(get("https://hooks.example/h"), rng()).route is None


def test_an_unmatched_request_fails_with_enotfound_and_no_route() -> None:
    result = Services().add("a", "https://a.example/*").handle(get("https://b.example/x"), rng())
    assert (result.status, result.route, result.error) == (None, None, "ENOTFOUND")
    assert result.error_message == "getaddrinfo ENOTFOUND b.example"
    assert result.latency_ms == 0.0


# -- answers ------------------------------------------------------------------------------------


def test_a_json_answer_is_compact_ordered_and_typed_as_json() -> None:
    services = Services().add("enrich", f"{ENRICH}*", json={"z": 1, "a": [1, "é"]},
                              headers={"X-Trace": "t"})
    result = services.handle(get(ENRICH), rng())
    assert result.status == 200
    assert result.body == '{"z":1,"a":[1,"é"]}'
    assert result.headers == {"x-trace": "t", "content-type": "application/json"}
    assert result.error is None
    assert result.error_message is None


def test_a_text_answer_keeps_its_status_and_headers() -> None:
    services = Services().add("t", "https://t.example/*", status=201, body="created",
                              headers={"content-type": "text/plain"})
    result = services.handle(get("https://t.example/"), rng())
    assert (result.status, result.body, result.headers) == (201, "created",
                                                            {"content-type": "text/plain"})


def test_result_headers_are_a_fresh_dict_each_time() -> None:
    services = Services().add("t", "https://t.example/*", json={})
    first = services.handle(get("https://t.example/"), rng())
    first.headers["x"] = "mutated"
    assert "x" not in services.handle(get("https://t.example/"), rng()).headers


# -- handlers -----------------------------------------------------------------------------------


def test_a_handler_returning_a_dict_answers_json_with_the_route_status() -> None:
    services = Services().add("echo", "https://e.example/*", handler=echo_handler, status=202)
    result = services.handle(get("https://e.example/p?q=1"), rng())
    assert result.status == 202
    assert json.loads(result.body) == {"method": "GET", "url": "https://e.example/p?q=1"}
    assert result.headers["content-type"] == "application/json"


def test_a_handler_returning_a_tuple_sets_status_headers_and_body() -> None:
    services = (Services()
                .add("two", "https://two.example/*", handler=lambda r: (404, "missing"))
                .add("three", "https://three.example/*",
                     handler=lambda r: (429, {"Retry-After": 3}, {"error": "slow down"})))
    two = services.handle(get("https://two.example/"), rng())
    assert (two.status, two.body) == (404, "missing")
    three = services.handle(get("https://three.example/"), rng())
    assert three.status == 429
    assert three.headers == {"retry-after": "3", "content-type": "application/json"}
    assert json.loads(three.body) == {"error": "slow down"}


def test_a_handler_returning_none_answers_204_with_an_empty_body() -> None:
    services = Services().add("hook", "https://hook.example/*", handler=lambda r: None)
    result = services.handle(post("https://hook.example/", "{}"), rng())
    assert (result.status, result.body) == (204, "")


def test_a_raising_handler_becomes_a_service_handler_error_naming_the_route() -> None:
    def broken(request: HttpRequest) -> Any:
        raise KeyError("email")

    services = Services().add("broken", "https://b.example/*", handler=broken)
    with pytest.raises(ServiceHandlerError) as info:
        services.handle(get("https://b.example/"), rng())
    assert info.value.route == "broken"
    assert isinstance(info.value.original, KeyError)
    assert info.value.__cause__ is info.value.original
    assert "broken" in str(info.value)
    assert "KeyError" in str(info.value)
    assert isinstance(info.value, ServicesError)


def test_a_handler_returning_an_unsupported_value_is_a_service_handler_error() -> None:
    services = Services().add("odd", "https://o.example/*", handler=lambda r: 42)
    with pytest.raises(ServiceHandlerError, match="returned int"):
        services.handle(get("https://o.example/"), rng())


def test_a_handler_is_not_called_when_a_failure_is_injected() -> None:
    calls: list[HttpRequest] = []
    services = Services().add("h", "https://h.example/*", handler=calls.append,
                              failure=Failure(1.0, "reset"))
    assert services.handle(get("https://h.example/"), rng()).error == "ECONNRESET"
    assert calls == []


# -- latency ------------------------------------------------------------------------------------


def test_a_fixed_latency_is_returned_exactly_and_draws_no_randomness() -> None:
    services = Services().add("slow", "https://s.example/*", latency=250)
    generator = rng(3)
    state = generator.getstate()
    assert services.handle(get("https://s.example/"), generator).latency_ms == 250.0
    assert generator.getstate() == state


def test_a_median_and_p95_latency_has_that_median_and_p95_over_10k_samples() -> None:
    latency = Latency.from_percentiles(120, 400)
    generator = rng(42)
    samples = sorted(latency.sample(generator) for _ in range(10_000))
    assert statistics.median(samples) == pytest.approx(120, rel=0.05)
    assert samples[9_500] == pytest.approx(400, rel=0.07)
    assert min(samples) > 0


def test_latency_samples_are_deterministic_for_a_seed() -> None:
    services = Services().add("d", "https://d.example/*", latency={"median_ms": 50, "p95_ms": 90})
    first = [services.handle(get("https://d.example/"), rng(7)).latency_ms for _ in range(3)]
    generator_a, generator_b = rng(11), rng(11)
    run_a = [services.handle(get("https://d.example/"), generator_a).latency_ms for _ in range(50)]
    run_b = [services.handle(get("https://d.example/"), generator_b).latency_ms for _ in range(50)]
    assert first[0] == first[1] == first[2]
    assert run_a == run_b
    assert len(set(run_a)) == 50


def test_with_latency_returns_a_new_services_and_leaves_the_original_alone() -> None:
    base = Services().add("api", "https://api.example/*")
    slow = base.with_latency("api", fixed_ms=25_000)
    assert slow.handle(get("https://api.example/"), rng()).latency_ms == 25_000
    assert base.handle(get("https://api.example/"), rng()).latency_ms == 0
    spread = base.with_latency("api", median_ms=10, p95_ms=20)
    assert spread.route("api").latency == Latency(10, 20)


def test_with_latency_needs_fixed_or_both_median_and_p95() -> None:
    base = Services().add("api", "https://api.example/*")
    with pytest.raises(UsageError, match="either fixed_ms"):
        base.with_latency("api", median_ms=10)
    with pytest.raises(UsageError, match="either fixed_ms"):
        base.with_latency("api", fixed_ms=1, median_ms=10, p95_ms=20)
    with pytest.raises(ServicesError, match=r"route `api`: p95_ms must be >= median_ms"):
        base.with_latency("api", median_ms=10, p95_ms=5)


@pytest.mark.parametrize(
    ("median", "p95", "message"),
    [(-1, None, "median_ms must be >= 0"), (10, 5, "p95_ms must be >= median_ms"),
     (0, 10, "median_ms must be > 0"), (float("nan"), None, "finite number"),
     (True, None, "finite number")],
)
def test_a_bad_latency_is_refused(median: Any, p95: Any, message: str) -> None:
    with pytest.raises(ServicesError, match=message):
        Latency(median, p95)


# -- failures and timeouts ----------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.01, 0.2, 0.5])
def test_injected_failures_happen_at_the_given_rate(rate: float) -> None:
    services = Services().add("flaky", "https://f.example/*", failure={"rate": rate})
    generator = rng(5)
    failures = sum(services.handle(get("https://f.example/"), generator).status == 503
                   for _ in range(10_000))
    tolerance = 4 * (rate * (1 - rate) / 10_000) ** 0.5 * 10_000  # four standard deviations
    assert abs(failures - rate * 10_000) <= tolerance


def test_a_5xx_failure_answers_its_status_with_a_text_body() -> None:
    services = Services().add("api", "https://a.example/*", json={"ok": True}).with_failure(
        "api", 1.0, status=429)
    result = services.handle(get("https://a.example/"), rng())
    assert (result.status, result.body, result.route, result.error) == (
        429, "Too Many Requests", "api", None)


def test_a_reset_failure_gives_econnreset_after_the_latency() -> None:
    services = Services().add("api", "https://a.example/*", latency=80).with_failure(
        "api", 1.0, "reset")
    result = services.handle(get("https://a.example/"), rng())
    assert (result.status, result.error, result.latency_ms) == (None, "ECONNRESET", 80.0)
    assert result.error_message == "read ECONNRESET"


def test_a_timeout_failure_hangs_until_the_request_timeout() -> None:
    services = Services().add("api", "https://a.example/*", latency=5_000).with_failure(
        "api", 1.0, "timeout")
    result = services.handle(get("https://a.example/", timeout_ms=1_500), rng())
    assert (result.error, result.latency_ms) == ("ETIMEDOUT", 1_500.0)
    assert result.error_message == "connect ETIMEDOUT a.example"


def test_a_timeout_failure_waits_for_the_request_timeout_even_past_the_route_latency() -> None:
    services = Services().add("api", "https://a.example/*", latency=100).with_failure(
        "api", 1.0, "timeout")
    assert services.handle(get("https://a.example/", timeout_ms=2_000), rng()).latency_ms == 2_000
    capped = services.handle(get("https://a.example/", timeout_ms=60_000), rng())
    assert capped.latency_ms == DEFAULT_HANG_MS


def test_a_timeout_failure_without_a_request_timeout_hangs_for_the_route_latency() -> None:
    services = Services().add("api", "https://a.example/*", latency=5_000).with_failure(
        "api", 1.0, "timeout")
    assert services.handle(get("https://a.example/"), rng()).latency_ms == 5_000


def test_a_timeout_failure_with_no_bound_hangs_for_thirty_seconds() -> None:
    unbounded = Services().add("api", "https://a.example/*").with_failure("api", 1.0, "timeout")
    assert unbounded.handle(get("https://a.example/"), rng()).latency_ms == DEFAULT_HANG_MS == 30e3
    huge = unbounded.with_latency("api", fixed_ms=90_000)
    assert huge.handle(get("https://a.example/"), rng()).latency_ms == DEFAULT_HANG_MS


def test_a_request_timeout_shorter_than_the_latency_gives_etimedout_at_the_timeout() -> None:
    services = Services().add("slow", "https://s.example/*", latency=2_000, json={})
    timed_out = services.handle(get("https://s.example/", timeout_ms=500), rng())
    assert (timed_out.status, timed_out.error, timed_out.latency_ms) == (None, "ETIMEDOUT", 500)
    in_time = services.handle(get("https://s.example/", timeout_ms=5_000), rng())
    assert (in_time.status, in_time.latency_ms) == (200, 2_000)


def test_a_zero_request_timeout_means_no_timeout() -> None:
    services = Services().add("slow", "https://s.example/*", latency=2_000)
    assert services.handle(get("https://s.example/", timeout_ms=0), rng()).status == 200


def test_with_failure_returns_a_new_services_and_rate_zero_never_fails() -> None:
    base = Services().add("api", "https://a.example/*")
    failing = base.with_failure("api", 1.0)
    assert failing.handle(get("https://a.example/"), rng()).status == 503
    assert base.handle(get("https://a.example/"), rng()).status == 200
    healed = failing.with_failure("api", 0.0)
    assert all(healed.handle(get("https://a.example/"), rng(i)).status == 200 for i in range(50))


@pytest.mark.parametrize(
    ("rate", "kind", "message"),
    [(1.5, "5xx", "rate must be between 0 and 1"), (-0.1, "5xx", "rate must be >= 0"),
     (0.5, "crash", "kind must be one of 5xx, reset, timeout")],
)
def test_a_bad_failure_is_refused_naming_the_route(rate: float, kind: str, message: str) -> None:
    with pytest.raises(ServicesError, match=f"route `api`: {message}"):
        Services().add("api", "https://a.example/*").with_failure("api", rate, kind)


def test_an_unknown_route_name_is_a_usage_error_listing_the_routes() -> None:
    with pytest.raises(UsageError, match="no route named `nope`; the routes are: `api`"):
        Services().add("api", "https://a.example/*").with_failure("nope", 1.0)


# -- building and serialising -------------------------------------------------------------------


def test_route_patterns_that_cannot_work_are_refused_when_built() -> None:
    with pytest.raises(ServicesError, match="route `r`: url is not a valid regular expression"):
        Route("r", "re:https://(unclosed")
    with pytest.raises(ServicesError, match="contains '\\?' or '#'"):
        Route("q", "https://a.example/search?q=*")
    with pytest.raises(ServicesError, match="absolute http"):
        Route("rel", "/v1/users/*")
    with pytest.raises(ServicesError, match="whitespace"):
        Route("ws", "https://a.example/ x")


def test_duplicate_route_names_are_refused() -> None:
    with pytest.raises(ServicesError, match="duplicate route name `a`"):
        Services().add("a", "https://a.example/*").add("a", "https://b.example/*")


def test_a_route_cannot_have_both_json_and_body_or_a_handler_and_an_answer() -> None:
    with pytest.raises(ServicesError, match="body cannot be given together with json"):
        Route("r", "https://a.example/", json={}, body="x")
    with pytest.raises(ServicesError, match="handler cannot be given together with json"):
        Route("r", "https://a.example/", json={}, handler=echo_handler)


def test_services_round_trip_through_to_dict_and_from_dict() -> None:
    services = Services(name="acme").add(
        "enrich", f"{ENRICH}*", method="GET", status=200, headers={"x-a": "1"},
        json={"company": "Initech"}, latency={"median_ms": 120, "p95_ms": 400},
        failure={"rate": 0.01, "kind": "timeout"}, match_headers={"x-api-key": "k"},
        body_contains="x",
    ).add("hook", "re:^https://hooks\\.", body="ok")
    data = services.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert Services.from_dict(data) == services
    assert data["routes"][1] == {"name": "hook", "url": "re:^https://hooks\\.", "body": "ok"}


def test_to_dict_refuses_handlers_but_pickling_ships_them_to_workers() -> None:
    services = Services().add("echo", "https://e.example/*", handler=echo_handler)
    with pytest.raises(ServicesError, match="cannot be written as data; pickle"):
        services.to_dict()
    clone = pickle.loads(pickle.dumps(services))
    assert clone == services
    assert json.loads(clone.handle(get("https://e.example/"), rng()).body)["method"] == "GET"


# -- service files ------------------------------------------------------------------------------

ACME_YAML = """\
routes:
  - name: enrich-person            # unique
    method: GET
    url: "https://enrich.acme-partners.example/v2/person*"
    status: 200
    headers: {content-type: application/json}
    json: {company: "Initech"}
    latency: {median_ms: 120, p95_ms: 400}
    failure: {rate: 0.01, kind: 5xx}
  - name: slack
    method: POST
    url: "re:^https://hooks\\\\.slack\\\\.com/services/"
    body: ok
    latency: {fixed_ms: 50}
    match: {headers: {content-type: application/json}, body_contains: "text"}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_yaml_services_file_loads_in_the_documented_schema(tmp_path: Path) -> None:
    services = Services.from_file(write(tmp_path, "services.yaml", ACME_YAML))
    assert [r.name for r in services.routes] == ["enrich-person", "slack"]
    enrich = services.route("enrich-person")
    assert (enrich.latency, enrich.failure) == (Latency(120, 400), Failure(0.01, "5xx"))
    slack = post("https://hooks.slack.com/services/T/B/X", '{"text":"hi"}',
                 {"Content-Type": "application/json"})
    assert services.handle(slack, rng()).latency_ms == 50


def test_a_json_services_file_loads_like_the_yaml_one(tmp_path: Path) -> None:
    from_yaml = Services.from_file(write(tmp_path, "services.yaml", ACME_YAML))
    path = write(tmp_path, "services.json", json.dumps(from_yaml.to_dict()))
    assert Services.from_file(path) == from_yaml


def route_yaml(extra: str, name: str = "bad") -> str:
    """A file whose second route (line 4 on) is `name` plus the `extra` lines."""
    return ("routes:\n"
            "  - name: ok\n"
            "    url: https://ok.example/*\n"
            f"  - name: {name}\n"
            "    url: https://bad.example/*\n" + extra)


@pytest.mark.parametrize(
    ("extra", "message", "line"),
    [
        ("    colour: blue\n", "colour is not a known key", 6),
        ("    status: two hundred\n", "status must be an HTTP status", 6),
        ("    status: true\n", "status must be an HTTP status", 6),
        ("    latency: {fixed_ms: -5}\n", "latency.fixed_ms must be >= 0", 6),
        ("    latency:\n      median_ms: 100\n      p95_ms: 50\n",
         "latency.p95_ms must be >= median_ms", 8),
        ("    latency: {median_ms: 100}\n", "latency.median_ms and p95_ms must be given", 6),
        ("    latency: {fixed_ms: 5, spread: 2}\n", "latency.spread is not a known key", 6),
        ("    latency: 50\n", "latency must be a mapping", 6),
        ("    failure: {rate: 1.5}\n", "failure.rate must be between 0 and 1", 6),
        ("    failure:\n      rate: 0.5\n      kind: explode\n", "failure.kind must be one of", 8),
        ("    failure: {kind: reset}\n", "failure.rate is required", 6),
        ("    match: {headers: {x-api-key: [1]}}\n", "match.headers must map header names", 6),
        ("    match: {query: x}\n", "match.query is not a known key", 6),
        ("    headers: [a, b]\n", "headers must be a mapping", 6),
        ("    json: {a: 1}\n    body: text\n", "body cannot be given together with json", 7),
        ("    method: FETCH\n", "method must be an HTTP method", 6),
    ],
)
def test_a_malformed_route_names_the_file_route_and_line(
    tmp_path: Path, extra: str, message: str, line: int
) -> None:
    path = write(tmp_path, "services.yaml", route_yaml(extra))
    with pytest.raises(ServicesError) as info:
        Services.from_file(path)
    text = str(info.value)
    assert text.startswith(f"{path}: route `bad` (line {line}): ")
    assert message in text


@pytest.mark.parametrize(
    ("url", "message"),
    [("'re:https://(x'", "url is not a valid regular expression"),
     ("'https://bad.example/?q=*'", "contains '?' or '#'"),
     ("'ftp files'", "glob must not contain whitespace"),
     ("'bad.example/*'", "glob must be an absolute http(s) URL")],
)
def test_a_malformed_url_pattern_names_the_file_route_and_line(
    tmp_path: Path, url: str, message: str
) -> None:
    text = route_yaml("").replace("url: https://bad.example/*", f"url: {url}")
    path = write(tmp_path, "services.yaml", text)
    with pytest.raises(ServicesError, match="route `bad` \\(line 5\\): ") as info:
        Services.from_file(path)
    assert message in str(info.value)


def test_a_route_without_a_usable_name_is_named_by_its_index(tmp_path: Path) -> None:
    text = "routes:\n  - url: https://a.example/*\n"
    with pytest.raises(ServicesError, match=r"route routes\[0\] \(line 2\): name must be a"):
        Services.from_file(write(tmp_path, "s.yaml", text))
    with pytest.raises(ServicesError, match=r"route `x` \(line 2\): url is required"):
        Services.from_file(write(tmp_path, "s.yaml", "routes:\n  - name: x\n"))


def test_duplicate_route_names_in_a_file_point_at_both_definitions(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", route_yaml("", name="ok"))
    with pytest.raises(ServicesError) as info:
        Services.from_file(path)
    assert str(info.value) == (f"{path}: route `ok` (line 4): duplicate route name "
                               "(first defined at routes[0], line 2)")


def test_duplicate_mapping_keys_in_yaml_are_refused_with_their_line(tmp_path: Path) -> None:
    text = "routes:\n  - name: a\n    url: https://a.example/*\n    url: https://b.example/*\n"
    with pytest.raises(ServicesError, match=r"\(line 4\): duplicate key `url`"):
        Services.from_file(write(tmp_path, "s.yaml", text))


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", "routes:\n  - name: a\n    url: [unclosed\n")
    with pytest.raises(ServicesError, match=rf"^{path} \(line \d\): invalid YAML"):
        Services.from_file(path)


def test_invalid_json_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", '{"routes": [\n  {"name": "a",}\n]}')
    with pytest.raises(ServicesError, match=r"\(line 2, column \d+\): invalid JSON"):
        Services.from_file(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "expected a mapping with a `routes` list, got NoneType"),
     ("- a\n- b\n", "expected a mapping with a `routes` list, got list"),
     ("routes: {a: 1}\n", "(line 1): `routes` must be a list"),
     ("routez: []\n", "(line 1): unknown top-level key `routez`"),
     ("routes:\n  - just a string\n", "route routes[0] (line 2): a route must be a mapping")],
)
def test_a_file_with_the_wrong_shape_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "s.yaml", text)
    with pytest.raises(ServicesError) as info:
        Services.from_file(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_an_unreadable_file_is_a_services_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ServicesError, match="cannot read the services file"):
        Services.from_file(tmp_path / "missing.yaml")


def test_an_empty_routes_list_is_valid_and_matches_nothing(tmp_path: Path) -> None:
    services = Services.from_file(write(tmp_path, "s.yaml", "name: empty\nroutes: []\n"))
    assert (services.name, len(services)) == ("empty", 0)
    assert services.handle(get("https://a.example/"), rng()).error == "ENOTFOUND"


def test_errors_from_from_dict_name_the_route_without_a_file() -> None:
    with pytest.raises(ServicesError, match=r"^services: route `a`: failure.rate must be"):
        Services.from_dict({"routes": [{"name": "a", "url": "https://a.example/*",
                                        "failure": {"rate": 2}}]})
