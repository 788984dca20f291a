"""Webhooks end to end (issue 5): a real `sluice serve` delivers its events to loopback receivers.

The receiver fails half of the FIRST attempts per message (500, or 503 with `retry-after: 1`); every request it
gets must verify with the pinned `standardwebhooks` library, every expected event must arrive, `webhook-id` must stay
the same across retries, and the delivery log (API) must show the retried deliveries. A receiver answering 410
disables its endpoint. Loopback is allowed explicitly in the configuration, with a fast retry schedule.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

CONFIG = """mock: {enabled: true, latency_ms: 1500}
webhooks: {allow: [loopback], retry_schedule_seconds: [0, 0.5, 1, 1, 2, 2]}
"""


def chat_line(custom_id, **extra):
    body = {"model": "mock-chat", "messages": [{"role": "user", "content": f"hello {custom_id}"}], **extra}
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


class Receiver:
    """A loopback HTTP receiver in a thread. `answer(message_id, nth_attempt_of_message, new_message_index)` picks
    (status, headers) for each request; every request is recorded."""

    def __init__(self, answer):
        self.answer = answer
        self.lock = threading.Lock()
        self.requests = []  # (headers dict lower-cased, body bytes, status answered)
        self.paths = []  # the request path of each entry of `requests`
        self.attempts = {}  # (path, webhook-id) -> attempts so far
        self.order = {}  # (path, webhook-id) -> index of first arrival
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                message_id = headers.get("webhook-id", "")
                key = (self.path, message_id)  # an event may go to an endpoint and to a job's own URL
                with receiver.lock:
                    receiver.attempts[key] = receiver.attempts.get(key, 0) + 1
                    receiver.order.setdefault(key, len(receiver.order))
                    status, extra = receiver.answer(message_id, receiver.attempts[key], receiver.order[key])
                    receiver.requests.append((headers, body, status))
                    receiver.paths.append(self.path)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def snapshot_with_paths(self):
        with self.lock:
            return list(zip(self.requests, self.paths))

    def delivered_events(self, one_off=False):
        """(type, data.id) of every event answered 2xx on the endpoint's path (or on the one-off URL's)."""
        return {(json.loads(body)["type"], json.loads(body)["data"]["id"])
                for (_, body, status), path in self.snapshot_with_paths()
                if 200 <= status < 300 and ("one_off=1" in path) == one_off}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def flaky_first_attempts(message_id, attempt, index):
    """Half of the messages fail their first attempt: 500 for a quarter, 503 + retry-after: 1 for most of another
    quarter, and a redirect (which must not be followed) for one in eight."""
    if attempt == 1 and index % 2 == 0:
        if index % 4 == 0:
            return 500, {}
        return (302, {"location": "/redirected"}) if index % 8 == 2 else (503, {"retry-after": "1"})
    return 200, {}


def wait_for(what, condition, timeout=60, detail=lambda: ""):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what} {detail()}")


def post_ok(server, path, body=None, status=(200, 202), **kwargs):
    code, _, raw = server.post(path, body, **kwargs)
    assert code in status, f"POST {path} -> {code}: {raw[:500]!r}"
    return json.loads(raw)


def upload_batch_file(server, lines):
    boundary = "sluice-" + uuid.uuid4().hex
    content = "".join(json.dumps(line) + "\n" for line in lines).encode()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
            f"Content-Type: application/jsonl\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return post_ok(server, "/v1/files", body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def test_every_event_is_delivered_signed_and_retried_while_the_receiver_fails_half_of_first_attempts(sluice):
    receiver = Receiver(flaky_first_attempts)
    try:
        server = sluice.start(config=CONFIG)

        # SSRF: metadata and private addresses are refused at registration even with loopback allowed.
        for url in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook", "file:///etc/passwd"):
            code, _, raw = server.post("/v1/webhooks/endpoints", {"url": url})
            assert code == 400, raw
            assert json.loads(raw)["error"]["code"] == "invalid_webhook_url"

        endpoint = post_ok(server, "/v1/webhooks/endpoints", {"url": receiver.url})
        secret = endpoint["secret"]
        assert secret.startswith("whsec_")

        expected = set()
        job = post_ok(server, "/v1/jobs", chat_line("ok"))
        expected.add(("job.completed", job["id"]))
        failing = post_ok(server, "/v1/jobs", dict(chat_line("bad", n=1000), max_attempts=1))
        expected.add(("job.failed", failing["id"]))
        cancelled = post_ok(server, "/v1/jobs", chat_line("cancel-me"))
        post_ok(server, f"/v1/jobs/{cancelled['id']}/cancel")
        expected.add(("job.failed", cancelled["id"]))

        # A job's own one-off URL, signed with the tenant's one-off secret.
        code, _, raw = server.get("/v1/webhooks/secret")
        assert code == 200, raw
        one_off_secret = json.loads(raw)["secret"]
        one_off = post_ok(server, "/v1/jobs", dict(chat_line("one-off"), webhook_url=receiver.url + "?one_off=1"))

        batch = post_ok(server, "/v1/batches", {"requests": [chat_line("b1"), chat_line("b2")]})
        expected.add(("batch.completed", batch["id"]))
        doomed = post_ok(server, "/v1/batches", {"requests": [chat_line(f"c{i}") for i in range(3)]})
        post_ok(server, f"/v1/batches/{doomed['id']}/cancel")
        expected.add(("batch.cancelled", doomed["id"]))
        # A file batch whose line names an unknown model fails validation.
        file = upload_batch_file(server, [dict(chat_line("x"), body={"model": "no-such-model", "messages": [
            {"role": "user", "content": "hi"}]})])
        invalid = post_ok(server, "/v1/batches", {"input_file_id": file["id"], "endpoint": "/v1/chat/completions",
                                                  "completion_window": "24h"})
        expected.add(("batch.failed", invalid["id"]))

        expected.add(("job.completed", one_off["id"]))
        wait_for(f"every expected event delivered: {sorted(expected)}",
                 lambda: expected <= receiver.delivered_events(),
                 detail=lambda: f"(delivered: {sorted(receiver.delivered_events())})")
        wait_for("the one-off URL's event delivered",
                 lambda: ("job.completed", one_off["id"]) in receiver.delivered_events(one_off=True))
        requests = receiver.snapshot()
        assert not [path for path in receiver.paths if "redirected" in path], "a redirect was followed"
        assert any(status == 302 for _, _, status in requests)

        # Every request (failed first attempts included) verifies with the reference library.
        webhook, one_off_webhook = Webhook(secret), Webhook(one_off_secret)
        by_id = {}
        for (headers, body, _), path in receiver.snapshot_with_paths():
            event = (one_off_webhook if "one_off=1" in path else webhook).verify(body, headers)
            assert headers["content-type"].startswith("application/json")
            assert headers["user-agent"].startswith("Sluice")
            assert set(event) == {"id", "object", "type", "created_at", "data"}
            assert event["object"] == "event" and event["id"] == headers["webhook-id"]
            if "one_off=1" not in path:
                by_id.setdefault(headers["webhook-id"], []).append((headers, body))

        # webhook-id is stable across retries: same id, same body; the timestamp is per attempt.
        retried = {mid: attempts for mid, attempts in by_id.items() if len(attempts) > 1}
        assert retried, "the receiver failed half of the first attempts: some messages must have been retried"
        for mid, attempts in retried.items():
            assert len({body for _, body in attempts}) == 1
        first_failed = {mid for (path, mid), index in receiver.order.items()
                        if index % 2 == 0 and "one_off=1" not in path}
        assert first_failed <= set(retried)

        # The delivery log shows the retried deliveries with their attempts.
        code, _, raw = server.get(f"/v1/webhooks/endpoints/{endpoint['id']}/deliveries?limit=100")
        assert code == 200, raw
        log = {record["event_id"]: record for record in json.loads(raw)["data"]}
        for mid in first_failed:
            record = wait_for(f"delivery of {mid} logged as delivered",
                              lambda: (lambda r: r if r and r["status"] == "delivered" else None)(
                                  {d["event_id"]: d for d in json.loads(
                                      server.get(f"/v1/webhooks/endpoints/{endpoint['id']}/deliveries?limit=100")[2]
                                  )["data"]}.get(mid)), timeout=30)
            assert record["attempts"] >= 2
        for mid in set(by_id) - first_failed:
            assert log[mid]["attempts"] >= 1

        # OpenAI's own verifier accepts the batch events too.
        try:
            from openai import OpenAI
        except ImportError:
            return
        client = OpenAI(api_key="unused", base_url=server.base_url + "/v1")
        for headers, body, status in requests:
            event = json.loads(body)
            if event["type"].startswith("batch.") and 200 <= status < 300:
                unwrapped = client.webhooks.unwrap(body.decode(), headers, secret=secret)
                assert unwrapped.type == event["type"] and unwrapped.data.id == event["data"]["id"]
    finally:
        receiver.close()


def test_a_receiver_answering_410_disables_its_endpoint(sluice):
    gone = Receiver(lambda message_id, attempt, index: (410, {}))
    try:
        server = sluice.start(config=CONFIG)
        endpoint = post_ok(server, "/v1/webhooks/endpoints", {"url": gone.url})
        post_ok(server, "/v1/jobs", chat_line("one"))
        wait_for("the 410 receiver to be called", lambda: gone.snapshot())

        def disabled():
            code, _, raw = server.get(f"/v1/webhooks/endpoints/{endpoint['id']}")
            assert code == 200, raw
            record = json.loads(raw)
            return record if record["status"] == "disabled" else None

        record = wait_for("the endpoint to be disabled", disabled)
        assert record["disabled_reason"] == "gone"
        # Once disabled it gets nothing more: a later job's event makes no delivery for it.
        two = post_ok(server, "/v1/jobs", chat_line("two"))
        code, _, raw = server.get(f"/v1/jobs/{two['id']}?wait=30")
        assert code == 200 and json.loads(raw)["status"] == "succeeded", raw
        code, _, raw = server.get(f"/v1/webhooks/endpoints/{endpoint['id']}/deliveries?limit=100")
        assert code == 200
        deliveries = json.loads(raw)["data"]
        assert [d["status"] for d in deliveries] == ["failed"]
        assert all(d["subject"] != two["id"] for d in deliveries)
        assert len(gone.snapshot()) == 1
    finally:
        gone.close()
