"""The official `openai` SDK's Files calls against a real `sluice serve`: every way the SDK labels an upload (a
path, raw bytes, a (name, bytes, mime) tuple), `expires_after`, retrieve, wait_for_processing, list with
auto-pagination and filters, content, delete, and `Idempotency-Key` through `extra_headers` (a repeat returns the
original, another body is a 422 the SDK does not retry)."""

import json

import openai
import pytest
from openai import OpenAI


def client_for(server, max_retries=0):
    return OpenAI(base_url=server.base_url + "/v1", api_key=server.admin_key, max_retries=max_retries, timeout=60)


def batch_jsonl(count, prefix="r"):
    lines = [
        {"custom_id": f"{prefix}-{index}", "method": "POST", "url": "/v1/chat/completions",
         "body": {"model": "mock-chat", "messages": [{"role": "user", "content": f"line {index}"}]}}
        for index in range(count)
    ]
    return ("\n".join(json.dumps(line) for line in lines) + "\n").encode()


def test_sdk_uploads_in_every_form_and_reads_back(sluice, tmp_path):
    server = sluice.start()
    client = client_for(server)

    path = tmp_path / "nightly_input.jsonl"
    path.write_bytes(batch_jsonl(3))
    with open(path, "rb") as handle:
        from_path = client.files.create(file=handle, purpose="batch")
    assert from_path.filename == "nightly_input.jsonl"
    assert from_path.purpose == "batch"
    assert from_path.status == "processed"
    assert from_path.bytes == len(path.read_bytes())
    assert from_path.expires_at == from_path.created_at + 30 * 86400

    raw = client.files.create(file=b"free text\nnot json\n", purpose="user_data")
    assert raw.filename == "upload"
    assert raw.expires_at is None

    tupled = client.files.create(
        file=("named.jsonl", batch_jsonl(1), "application/jsonl"),
        purpose="batch",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )
    assert tupled.filename == "named.jsonl"
    assert tupled.expires_at == tupled.created_at + 3600

    assert client.files.retrieve(from_path.id).id == from_path.id
    assert client.files.wait_for_processing(from_path.id).status == "processed"
    assert client.files.content(from_path.id).read() == path.read_bytes()
    with pytest.warns(DeprecationWarning):  # the SDK's older call, still used: the same route with Accept: JSON
        assert client.files.retrieve_content(raw.id) == "free text\nnot json\n"

    deleted = client.files.delete(raw.id)
    assert deleted.deleted is True and deleted.id == raw.id
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(raw.id)
    with pytest.raises(openai.NotFoundError):
        client.files.content(raw.id)


def test_sdk_lists_files_page_by_page_with_filters(sluice):
    server = sluice.start()
    client = client_for(server)
    ids = [client.files.create(file=batch_jsonl(1, prefix=f"f{index}"), purpose="batch").id for index in range(5)]
    other = client.files.create(file=b"x", purpose="user_data").id

    newest_first = [file.id for file in client.files.list(limit=2)]
    assert newest_first == [other] + ids[::-1]
    first_page = client.files.list(limit=2)
    assert first_page.has_more is True and len(first_page.data) == 2

    oldest_first = [file.id for file in client.files.list(limit=2, order="asc", purpose="batch")]
    assert oldest_first == ids
    assert [file.id for file in client.files.list(purpose="user_data")] == [other]


def test_sdk_bad_batch_file_and_idempotency(sluice):
    server = sluice.start()
    client = client_for(server, max_retries=2)

    bad = batch_jsonl(2) + b'{"custom_id": "x", "method": "POST", "url": "/v1/chat/completions"}\n'
    with pytest.raises(openai.BadRequestError) as refused:
        client.files.create(file=bad, purpose="batch")
    assert "Line 3" in refused.value.message
    assert refused.value.code == "invalid_file_line"
    assert list(client.files.list()) == []

    key = {"Idempotency-Key": "upload-2026-01-01"}
    first = client.files.create(file=batch_jsonl(2), purpose="batch", extra_headers=key)
    again = client.files.create(file=batch_jsonl(2), purpose="batch", extra_headers=key)
    assert again.id == first.id
    with pytest.raises(openai.UnprocessableEntityError) as reused:
        client.files.create(file=batch_jsonl(3), purpose="batch", extra_headers=key)
    assert reused.value.code == "idempotency_key_reused"
    assert [file.id for file in client.files.list()] == [first.id]


def test_sdk_upload_over_the_configured_limit_is_413(sluice):
    server = sluice.start(config="mock: {enabled: true}\nfiles: {max_upload_bytes: 20000}\n")
    client = client_for(server)
    with pytest.raises(openai.APIStatusError) as refused:
        client.files.create(file=batch_jsonl(200), purpose="batch")
    assert refused.value.status_code == 413
    assert client.files.create(file=batch_jsonl(2), purpose="batch").bytes > 0
