"""`sluice run` end to end: a 2,000-line file against `sluice mock-provider` running as its own process.

- killed with SIGKILL part-way, then run again: exactly 2,000 output lines with unique custom_ids, and the mock saw
  at most 2,000 requests plus the calls that were in flight at the kill (the run's --concurrency);
- interrupted with SIGINT: drains, writes the partial results, exits 130; the next run finishes the rest;
- --dry-run's token estimate within 10 % of what the run billed.
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import BINARY, free_port

LINES = 2000
CONCURRENCY = 16


class MockProvider:
    def __init__(self, latency_ms):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="sluice-mock-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [BINARY, "mock-provider", "--port", str(self.port), "--latency-ms", str(latency_ms)],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while True:
            try:
                self.stats()
                return
            except OSError:
                if self.process.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the mock provider did not start")
                time.sleep(0.05)

    def stats(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_mock/stats", timeout=5) as response:
            return json.load(response)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def mock_provider():
    mock = MockProvider(latency_ms=50)
    yield mock
    mock.stop()


def write_input(path, lines=LINES):
    """Chat lines for mock-chat; every other line sets max_tokens (the estimate's two rules both show)."""
    with open(path, "w") as f:
        for i in range(lines):
            body = {"model": "mock-chat", "messages": [
                {"role": "system", "content": "You are a careful assistant who answers in one sentence."},
                {"role": "user", "content": f"Question {i}: why does the sky look blue at noon and red at sunset?"}]}
            if i % 2 == 0:
                body["max_tokens"] = 16
            f.write(json.dumps({"custom_id": f"req-{i}", "method": "POST", "url": "/v1/chat/completions",
                                "body": body}) + "\n")


class Run:
    """One `sluice run` working directory: input, config pointing at the mock, output and state beside it."""

    def __init__(self, mock):
        self.dir = tempfile.mkdtemp(prefix="sluice-run-pytest-")
        self.input = os.path.join(self.dir, "in.jsonl")
        self.output = os.path.join(self.dir, "out.jsonl")
        self.errors = os.path.join(self.dir, "out.errors.jsonl")
        self.state = self.output + ".sluice"
        self.config = os.path.join(self.dir, "sluice.yaml")
        with open(self.config, "w") as f:
            f.write("providers:\n"
                    f"  - {{name: local, kind: openai, base_url: 'http://127.0.0.1:{mock.port}/v1', "
                    "models: [mock-chat]}\n"
                    "cache: {enabled: false}\n")
        write_input(self.input)
        self.log_path = os.path.join(self.dir, "run.log")

    def command(self, *extra):
        return [BINARY, "run", self.input, "-o", self.output, "--config", self.config,
                "--concurrency", str(CONCURRENCY), "--progress-interval", "1", *extra]

    def start(self, *extra):
        self.log = open(self.log_path, "ab")
        return subprocess.Popen(self.command(*extra), stdout=self.log, stderr=self.log)

    def run(self, *extra, timeout=180):
        return subprocess.run(self.command(*extra), capture_output=True, text=True, timeout=timeout)

    def succeeded_in_state(self):
        """Lines the state store holds as succeeded (read-only, beside the running process)."""
        path = os.path.join(self.state, "sluice.sqlite")
        if not os.path.exists(path):
            return 0
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
                return db.execute("SELECT count(*) FROM jobs WHERE state = 'succeeded'").fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # not created yet

    def wait_for_progress(self, process, at_least, timeout=120):
        deadline = time.time() + timeout
        while self.succeeded_in_state() < at_least:
            assert process.poll() is None, f"sluice run ended early ({process.returncode}): {self.read_log()}"
            assert time.time() < deadline, f"no progress: {self.read_log()}"
            time.sleep(0.05)

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-5000:]

    def output_ids(self):
        with open(self.output) as f:
            return [json.loads(line)["custom_id"] for line in f]


def test_run_killed_then_resumed_writes_every_line_once(mock_provider):
    run = Run(mock_provider)
    process = run.start()
    run.wait_for_progress(process, at_least=200)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_before = run.succeeded_in_state()
    assert done_before < LINES, "the run finished before it could be killed; make it slower"

    finished = run.run()
    assert finished.returncode == 0, finished.stdout + finished.stderr
    ids = run.output_ids()
    assert len(ids) == LINES
    assert set(ids) == {f"req-{i}" for i in range(LINES)}
    assert not os.path.exists(run.errors)
    stats = mock_provider.stats()
    assert stats["requests"] <= LINES + CONCURRENCY, stats
    assert "Lines: 2,000 · succeeded 2,000 · failed 0" in finished.stdout


def test_run_interrupted_drains_writes_partial_results_and_exits_130(mock_provider):
    run = Run(mock_provider)
    process = run.start()
    run.wait_for_progress(process, at_least=100)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130, run.read_log()
    log = run.read_log()
    assert "Interrupted: partial results written." in log
    partial = run.output_ids()
    assert 100 <= len(partial) < LINES
    assert len(set(partial)) == len(partial)
    # A drain lets the running calls finish: nothing is sent twice, not even the calls in flight at the signal.
    sent_before = mock_provider.stats()["requests"]

    finished = run.run("--keep-order")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert run.output_ids() == [f"req-{i}" for i in range(LINES)]
    assert mock_provider.stats()["requests"] == LINES
    assert sent_before >= len(partial)


def test_dry_run_estimate_is_within_ten_percent_of_billed_tokens(mock_provider):
    run = Run(mock_provider)
    dry = run.run("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Nothing was sent." in dry.stdout
    assert mock_provider.stats()["requests"] == 0
    assert not os.path.exists(run.state)
    total = next(line for line in dry.stdout.splitlines() if line.startswith("total"))
    _, lines, prompt, completion, _cost = total.split()
    assert int(lines.replace(",", "")) == LINES
    estimated = int(prompt.replace(",", "")) + int(completion.replace(",", ""))

    finished = run.run()
    assert finished.returncode == 0, finished.stdout + finished.stderr
    billed = int(re.search(r"Tokens: ([\d,]+)", finished.stdout).group(1).replace(",", ""))
    usage = mock_provider.stats()["models"]["mock-chat"]
    assert billed == usage["prompt_tokens"] + usage["completion_tokens"]
    assert abs(estimated - billed) <= 0.10 * billed, (estimated, billed)
