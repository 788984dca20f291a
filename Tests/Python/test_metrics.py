"""`GET /metrics` read by Prometheus' own text-format parser: the series issue 6 asks for are there, and they move
when a batch runs through the in-process mock provider."""

import json
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def scrape(server):
    """Every sample as {(name, frozenset(labels)): value}, plus {family name: type}. No key: /metrics is open."""
    with urllib.request.urlopen(server.base_url + "/metrics", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    samples, types = {}, {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples, types


def total(samples, name, **labels):
    """The sum of the samples of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(value for (sample, have), value in samples.items() if sample == name and wanted <= have)


def present(samples, name, **labels):
    wanted = set(labels.items())
    return any(sample == name and wanted <= have for (sample, have) in samples)


def run_batch(server, lines):
    body = "".join(
        json.dumps({"custom_id": f"m-{i}", "method": "POST", "url": "/v1/chat/completions",
                    "body": {"model": "mock-chat", "messages": [{"role": "user", "content": f"Summarise {i}"}]}})
        + "\n"
        for i in range(lines)
    ).encode()
    status, _, created = server.post("/v1/batches", body=body, headers={"Content-Type": "application/jsonl"})
    assert status == 202, created
    batch_id = json.loads(created)["id"]
    deadline = time.time() + 120
    while True:
        _, _, raw = server.get(f"/v1/batches/{batch_id}")
        batch = json.loads(raw)
        if batch["status"] in ("completed", "failed", "expired", "cancelled"):
            return batch
        assert time.time() < deadline, f"batch not final: {batch}"
        time.sleep(0.05)


def test_metrics_are_parseable_and_move_with_a_batch(sluice):
    server = sluice.start()
    before, types = scrape(server)
    assert present(before, "sluice_queue_depth", provider="mock", state="queued")
    assert present(before, "sluice_queue_depth", provider="mock", state="running")
    assert types["sluice_queue_depth"] == "gauge"
    assert before[("sluice_circuit_breaker_state", frozenset({("provider", "mock")}))] == 0
    assert total(before, "sluice_lane_limit", provider="mock", kind="concurrency") > 0
    assert present(before, "sluice_lane_in_flight", provider="mock")
    for outcome in ("delivered", "retry", "failed", "disabled"):
        assert present(before, "sluice_webhook_deliveries_total", outcome=outcome), outcome

    batch = run_batch(server, 25)
    assert batch["status"] == "completed"
    assert batch["request_counts"]["completed"] == 25

    after, types = scrape(server)
    succeeded = dict(provider="mock", outcome="succeeded")
    assert total(after, "sluice_jobs_finished_total", **succeeded) - total(before, "sluice_jobs_finished_total",
                                                                            **succeeded) == 25
    assert total(after, "sluice_jobs_started_total", provider="mock") >= 25
    assert types["sluice_jobs_finished"] == "counter"

    chat = dict(provider="mock", model="mock-chat")
    assert total(after, "sluice_tokens_total", kind="prompt", **chat) > 0
    assert total(after, "sluice_tokens_total", kind="completion", **chat) > 0
    assert present(after, "sluice_tokens_total", kind="cached", **chat)
    # The mock's made-up prices: the batch cost something, and the counter agrees with the batch's own total.
    dollars = total(after, "sluice_cost_dollars_total", **chat)
    assert dollars > 0
    assert abs(dollars - batch["cost_micros"] / 1e6) < 1e-6

    assert types["sluice_upstream_latency_seconds"] == "histogram"
    assert total(after, "sluice_upstream_latency_seconds_count", provider="mock") >= 25
    assert total(after, "sluice_upstream_latency_seconds_bucket", provider="mock", le="+Inf") >= 25
    assert total(after, "sluice_queue_wait_seconds_count", provider="mock") >= 25
    assert total(after, "sluice_upstream_responses_total", provider="mock", status="2xx") >= 25
    for name in ("sluice_upstream_rate_limited_total", "sluice_rate_limit_pauses_total",
                 "sluice_cache_hits_total", "sluice_circuit_breaker_opens_total"):
        assert present(after, name, provider="mock"), name
    assert total(after, "sluice_queue_depth", provider="mock", state="queued") >= 0


def test_readyz_is_ready_while_serving(sluice):
    server = sluice.start()
    with urllib.request.urlopen(server.base_url + "/readyz", timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ready"}
