"""`sluice submit`, `keys`, `tenants`, `usage` and `batches` against a live server (the command-line client)."""

import json
import os
import subprocess

from conftest import BINARY


def cli(server, *args, key=None, check=True):
    env = dict(os.environ, SLUICE_SERVER=server.base_url, SLUICE_API_KEY=key or server.admin_key)
    env.pop("SLUICE_ADMIN_KEY", None)
    result = subprocess.run([BINARY, *args], env=env, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"sluice {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


def line(custom_id, content, **extra):
    body = {"model": "mock-chat", "messages": [{"role": "user", "content": content}], **extra}
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body})


def read_lines(path):
    with open(path) as f:
        return [json.loads(text) for text in f if text.strip()]


def test_submit_downloads_successes_and_errors_and_reattaches_on_rerun(sluice, tmp_path):
    server = sluice.start()
    key = cli(server, "keys", "create", "--tenant", "cli-team").stdout.strip()
    assert key.startswith("sk-sluice-")

    source = tmp_path / "prompts.jsonl"
    # "max_tokens": 0 passes Sluice's validation but the mock provider refuses it (400): a permanent failure.
    lines = [line(f"q{i}", f"question {i}") for i in range(1, 8)] + [line("bad", "too few", max_tokens=0)]
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "answers.jsonl"

    first = cli(server, "submit", str(source), "-o", str(output), key=key, check=False)
    assert first.returncode == 1, first.stderr
    answers = read_lines(output)
    assert sorted(a["custom_id"] for a in answers) == [f"q{i}" for i in range(1, 8)]
    assert all(a["response"]["status_code"] == 200 and a["error"] is None for a in answers)
    errors = read_lines(tmp_path / "answers.errors.jsonl")
    assert [e["custom_id"] for e in errors] == ["bad"]
    assert "7 succeeded, 1 failed of 8" in first.stderr
    summary = next(text for text in first.stderr.split("\n") if " succeeded, " in text)
    batch_id = summary.split()[0]
    assert batch_id.startswith("batch_") and summary.startswith(batch_id + " completed")

    # The same file again attaches to the same batch: nothing is submitted twice.
    output.unlink()
    second = cli(server, "submit", str(source), "-o", str(output), key=key, check=False)
    assert second.returncode == 1
    assert "submitted before" in second.stderr
    assert any(text.startswith(batch_id + ":") and "submitted before" in text for text in second.stderr.split("\n"))
    assert len(read_lines(output)) == 7
    status, _, body = server.get("/v1/batches?limit=100", key=key)
    assert status == 200 and len(json.loads(body)["data"]) == 1

    listing = cli(server, "batches", "list", key=key).stdout
    assert batch_id in listing and "completed" in listing and "8/8" in listing
    results = cli(server, "batches", "results", batch_id, key=key).stdout
    assert len(results.strip().split("\n")) == 8

    usage = cli(server, "usage", "--since", "1h", "--group-by", "model,tenant").stdout
    assert "mock-chat" in usage and "cli-team" in usage and "TOTAL" not in usage.split("\n")[0]


def test_submit_exit_code_zero_when_every_line_succeeds(sluice, tmp_path):
    server = sluice.start()
    source = tmp_path / "ok.jsonl"
    source.write_text("\n".join(line(f"k{i}", f"hello {i}") for i in range(3)) + "\n")
    result = cli(server, "submit", str(source), check=False)
    assert result.returncode == 0, result.stderr
    assert len(read_lines(tmp_path / "ok.output.jsonl")) == 3
    assert not (tmp_path / "ok.output.errors.jsonl").exists()


def test_submit_through_the_files_api_and_validation_errors(sluice, tmp_path):
    server = sluice.start()
    source = tmp_path / "via-files.jsonl"
    source.write_text("\n".join(line(f"v{i}", f"hello {i}") for i in range(5)) + "\n")
    first = cli(server, "submit", str(source), "--files", check=False)
    assert first.returncode == 0, first.stderr
    assert "validates the file" in first.stderr
    assert len(read_lines(tmp_path / "via-files.output.jsonl")) == 5
    status, _, body = server.get("/v1/files?purpose=batch")
    assert status == 200 and [f["filename"] for f in json.loads(body)["data"]] == ["via-files.jsonl"]
    # Again: the same file and batch are found through the idempotency keys (no second upload, no 422).
    again = cli(server, "submit", str(source), "--files", check=False)
    assert again.returncode == 0 and "submitted before" in again.stderr, again.stderr
    assert len(json.loads(server.get("/v1/files?purpose=batch")[2])["data"]) == 1

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"custom_id": "x", "method": "POST", "url": "/v1/chat/completions",
                               "body": {"model": "no-such-model", "messages": [{"role": "user", "content": "a"}]}}) + "\n")
    failed = cli(server, "submit", str(bad), "--files", check=False)
    assert failed.returncode == 2 and "line 1:" in failed.stderr and "no-such-model" in failed.stderr, failed.stderr


def test_keys_list_and_revoke(sluice):
    server = sluice.start()
    cli(server, "tenants", "create", "acme")
    key = cli(server, "keys", "create", "--tenant", "acme").stdout.strip()
    assert "acme" in cli(server, "tenants", "list").stdout.split()
    listing = cli(server, "keys", "list", "--tenant", "acme").stdout
    key_id = listing.split("\n")[2].split()[0]
    assert key_id.startswith("key_") and key[:18] in listing and key not in listing
    cli(server, "keys", "revoke", "--tenant", "acme", key_id)
    refused = cli(server, "batches", "list", key=key, check=False)
    assert refused.returncode != 0 and "Incorrect API key" in refused.stderr


def test_errors_are_readable(sluice, tmp_path):
    server = sluice.start()
    missing = cli(server, "batches", "get", "batch_999", check=False)
    assert missing.returncode != 0 and "No such batch" in missing.stderr
    bad_since = cli(server, "usage", "--since", "yesterday", check=False)
    assert bad_since.returncode != 0 and "--since takes" in bad_since.stderr
    unreachable = subprocess.run([BINARY, "batches", "list", "--server", "http://127.0.0.1:9", "--key", "k"],
                                 capture_output=True, text=True, timeout=60)
    assert unreachable.returncode != 0 and "Cannot reach" in unreachable.stderr
