"""The runner itself: a real server starts from the fixture and answers with the admin key."""

import json


def test_server_starts_and_serves_openapi_document(sluice):
    server = sluice.start()
    status, _, body = server.get("/openapi.json")
    assert status == 200
    assert json.loads(body)["openapi"] == "3.1.0"
    status, _, body = server.get("/v1/batches")
    assert status == 200
    assert json.loads(body)["object"] == "list"
