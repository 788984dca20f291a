"""The official `openai` SDK (pinned in requirements.txt) against a real `sluice serve`, unchanged: upload a JSONL
file, create a batch from it, poll it to `completed`, download the output file, list batches page by page, cancel
a second batch, delete a file. Issue 5's acceptance test."""

import json
import time

import openai
import pytest
from openai import OpenAI

FINAL = {"completed", "failed", "expired", "cancelled"}


def client_for(server):
    # max_retries=0: a retried create would hide a status that the SDK must never see after a commit.
    return OpenAI(base_url=server.base_url + "/v1", api_key=server.admin_key, max_retries=0, timeout=60)


def chat_lines(count, prefix="req"):
    return [
        {
            "custom_id": f"{prefix}-{index}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": "mock-chat", "messages": [{"role": "user", "content": f"line {index}"}],
                     "max_tokens": 8},
        }
        for index in range(count)
    ]


def embedding_lines(count):
    return [
        {
            "custom_id": f"emb-{index}",
            "method": "POST",
            "url": "/v1/embeddings",
            "body": {"model": "mock-embed", "input": [f"text {index}", "another"]},
        }
        for index in range(count)
    ]


def jsonl(lines):
    return ("\n".join(json.dumps(line) for line in lines) + "\n").encode()


def wait_final(client, batch_id, timeout=120):
    deadline = time.time() + timeout
    while True:
        batch = client.batches.retrieve(batch_id)
        if batch.status in FINAL:
            return batch
        assert time.time() < deadline, f"batch {batch_id} still {batch.status} ({batch.request_counts})"
        time.sleep(0.1)


def output_lines(client, file_id):
    content = client.files.content(file_id).read().decode()
    return [json.loads(line) for line in content.splitlines() if line.strip()]


def test_sdk_uploads_runs_and_downloads_a_batch(sluice):
    server = sluice.start()
    client = client_for(server)
    lines = chat_lines(300)
    uploaded = client.files.create(file=("batch_input.jsonl", jsonl(lines), "application/jsonl"), purpose="batch")
    assert uploaded.purpose == "batch"
    assert uploaded.id.startswith("file-")

    batch = client.batches.create(
        input_file_id=uploaded.id,
        endpoint="/v1/chat/completions",
        completion_window="24h",
        metadata={"suite": "sdk"},
    )
    assert batch.status in {"validating", "in_progress", "finalizing", "completed"}
    assert batch.input_file_id == uploaded.id
    assert batch.metadata == {"suite": "sdk"}

    final = wait_final(client, batch.id)
    assert final.status == "completed", final.errors
    assert final.request_counts.total == 300
    assert final.request_counts.completed == 300
    assert final.completed_at is not None and final.finalizing_at is not None
    assert final.in_progress_at is not None
    assert final.error_file_id is None

    output = output_lines(client, final.output_file_id)
    custom_ids = [line["custom_id"] for line in output]
    assert sorted(custom_ids) == sorted(line["custom_id"] for line in lines)  # each exactly once
    assert all(line["response"]["status_code"] == 200 for line in output)
    assert all(line["error"] is None for line in output)
    assert client.files.retrieve(final.output_file_id).purpose == "batch_output"

    deleted = client.files.delete(uploaded.id)
    assert deleted.deleted is True
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(uploaded.id)


def test_sdk_runs_an_embeddings_batch(sluice):
    server = sluice.start()
    client = client_for(server)
    uploaded = client.files.create(file=jsonl(embedding_lines(20)), purpose="batch")
    batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/embeddings", completion_window="24h")
    final = wait_final(client, batch.id)
    assert final.status == "completed", final.errors
    output = output_lines(client, final.output_file_id)
    assert sorted(line["custom_id"] for line in output) == sorted(f"emb-{i}" for i in range(20))
    for line in output:
        body = line["response"]["body"]
        assert body["object"] == "list"
        assert len(body["data"]) == 2


def test_sdk_sees_validation_errors_of_a_bad_file(sluice):
    server = sluice.start()
    client = client_for(server)
    lines = chat_lines(3)
    lines[1]["body"]["model"] = "no-such-model"
    uploaded = client.files.create(file=jsonl(lines), purpose="batch")
    batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions",
                                  completion_window="24h")
    final = wait_final(client, batch.id)
    assert final.status == "failed"
    assert final.failed_at is not None
    assert [(error.line, error.code) for error in final.errors.data] == [(2, "model_not_found")]

    with pytest.raises(openai.NotFoundError):
        client.batches.create(input_file_id="file-999999", endpoint="/v1/chat/completions", completion_window="24h")


def test_sdk_lists_batches_with_auto_pagination(sluice):
    server = sluice.start()
    client = client_for(server)
    uploaded = client.files.create(file=jsonl(chat_lines(2)), purpose="batch")
    created = [
        client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h").id
        for _ in range(5)
    ]
    first_page = client.batches.list(limit=2)
    assert len(first_page.data) == 2
    assert first_page.has_more is True
    seen = [batch.id for batch in client.batches.list(limit=2)]  # iterating follows the pages
    assert seen == list(reversed(created))  # newest first, each once


def test_sdk_cancels_a_running_batch(sluice):
    server = sluice.start(config="mock: {enabled: true, latency_ms: 500}\n")
    client = client_for(server)
    uploaded = client.files.create(file=jsonl(chat_lines(200, prefix="slow")), purpose="batch")
    batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions",
                                  completion_window="24h")
    cancelling = client.batches.cancel(batch.id)
    assert cancelling.status in {"validating", "cancelling", "cancelled", "finalizing"}
    final = wait_final(client, batch.id)
    assert final.status == "cancelled"
    assert final.cancelled_at is not None
    assert final.request_counts.total in {0, 200}

    # Cancelling a finished batch is a 400 (never a 409, which the SDK would retry).
    with pytest.raises(openai.BadRequestError):
        client.batches.cancel(batch.id)

    if final.request_counts.total:
        # Every line is accounted for once, across the output and error files.
        lines = []
        for file_id in (final.output_file_id, final.error_file_id):
            if file_id:
                lines += output_lines(client, file_id)
        assert sorted(line["custom_id"] for line in lines) == sorted(f"slow-{i}" for i in range(200))
        cancelled = [line for line in lines if line["error"] and line["error"]["code"] == "batch_cancelled"]
        assert cancelled
