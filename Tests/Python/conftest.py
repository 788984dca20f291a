"""Fixtures that start real Sluice processes for the Python end-to-end tests.

    def test_something(sluice):
        server = sluice.start()                       # embedded default: in-process mock provider
        server = sluice.start(config="cache: {enabled: false}\n")   # extra YAML, merged after the defaults
        server.get("/v1/batches")                     # -> (status, headers, body bytes), admin key attached
        server.base_url, server.admin_key, server.data_dir

Every server listens on a free port of 127.0.0.1 with its own temporary data directory and a known admin key
(SLUICE_ADMIN_KEY); it is stopped (SIGTERM, then SIGKILL) when the test ends and its log is printed on failure.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

BINARY = os.environ.get("SLUICE_BINARY", os.path.join(os.path.dirname(__file__), "../../.build/debug/sluice"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SluiceProcess:
    def __init__(self, config, env, work):
        self.port = free_port()
        self.work = work
        self.data_dir = os.path.join(work, "data")
        self.admin_key = "sk-sluice-test-admin-" + secrets.token_hex(8)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.config_path = os.path.join(work, "sluice.yaml")
        with open(self.config_path, "w") as f:
            f.write(f"listen: {{host: 127.0.0.1, port: {self.port}}}\ndata_dir: {self.data_dir}\n")
            f.write(config)
        self.log_path = os.path.join(work, "server.log")
        self.env = dict(os.environ, SLUICE_ADMIN_KEY=self.admin_key, **(env or {}))
        self.process = None

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([BINARY, "serve", "--config", self.config_path], env=self.env,
                                        stdout=log, stderr=log)
        deadline = time.time() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"sluice exited with {self.process.returncode}; log: {self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=1):
                    return self
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"sluice did not listen in {timeout} s; log: {self.log()}")
                time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-20000:]
        except OSError:
            return ""

    def request(self, method, path, body=None, headers=None, key=None, timeout=60):
        """One HTTP call with the admin key (or `key`); returns (status, headers, body bytes), never raises on
        an HTTP status."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {key or self.admin_key}")
        if data is not None and not (headers and "Content-Type" in headers):
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body=body, **kwargs)


class SluiceFactory:
    def __init__(self):
        self.servers = []

    def start(self, config="mock: {enabled: true}\n", env=None):
        """Starts `sluice serve` with `config` (YAML appended after `listen` and `data_dir`). The default
        enables the in-process mock provider (provider `mock`, models mock-chat and mock-embed)."""
        server = SluiceProcess(config, env, tempfile.mkdtemp(prefix="sluice-pytest-"))
        self.servers.append(server)
        return server.start()


@pytest.fixture
def sluice(request):
    factory = SluiceFactory()
    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for server in factory.servers:
        server.stop()
        if failed:
            print(f"--- sluice log ({server.log_path}) ---\n{server.log()}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
