"""The competitors as processes: the mock provider, a Sluice server and a LiteLLM proxy."""
import hashlib, json, os, shutil, subprocess, sys, tempfile, time

from . import procs

KEY = "sk-bench-admin"
# LiteLLM refuses to start without a master key; master-key auth needs no database.
LITELLM_KEY = "sk-" + hashlib.sha256(b"sluice-bench-litellm").hexdigest()
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(ROOT, ".venv-bench")
REQUIREMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements.txt")
LITELLM_ENV = {
    # Never fetch the model price map from the network (this machine reaches only package registries).
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_LOG": "ERROR",
    "LITELLM_TELEMETRY": "False",
    "DISABLE_SCHEMA_UPDATE": "True",
}


class Workdir:
    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="sluice-bench-")

    def file(self, name):
        return os.path.join(self.path, name)

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)


class Mock:
    """`sluice mock-provider` on a free loopback port."""

    def __init__(self, binary, work, latency_ms=0, jitter_ms=0, rpm=None, tpm=None, hang=0.0):
        self.port = procs.free_port()
        argv = [binary, "mock-provider", "--port", str(self.port), "--latency-ms", str(latency_ms),
                "--jitter-ms", str(jitter_ms)]
        if rpm: argv += ["--rpm", str(rpm)]
        if tpm: argv += ["--tpm", str(tpm)]
        if hang: argv += ["--hang", str(hang)]
        self.proc = procs.spawn(argv, work.file(f"mock-{self.port}.log"))
        self.url = f"http://127.0.0.1:{self.port}"
        procs.wait_http(self.url + "/_mock/stats", proc=self.proc)

    def stats(self):
        return procs.get_json(self.url + "/_mock/stats")

    def reset(self):
        procs.request("POST", self.url + "/_mock/reset")

    def close(self):
        procs.stop(self.proc, hard=True)


class Sluice:
    """`sluice serve` with one OpenAI-kind provider `bench` pointing at a mock, on its own data directory."""

    def __init__(self, binary, work, mock_url, max_concurrency=256, rpm=None, tpm=None, data_dir=None,
                 synchronous="full", wrapper=(), startup_deadline=300):
        self.binary, self.work = binary, work
        self.port = procs.free_port()
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="data-", dir=work.path)
        limits = [f"max_concurrency: {max_concurrency}"] + ([f"rpm: {rpm}"] if rpm else []) + \
                 ([f"tpm: {tpm}"] if tpm else [])
        self.config = work.file(f"sluice-{self.port}.yaml")
        with open(self.config, "w") as f:
            f.write(f"""listen: {{host: 127.0.0.1, port: {self.port}}}
data_dir: {self.data_dir}
queue: {{synchronous: {synchronous}, shutdown_timeout_seconds: 0}}
providers:
  - name: bench
    kind: openai
    base_url: {mock_url}/v1
    models: [mock-chat, mock-embed]
    limits: {{{', '.join(limits)}}}
""")
        self.base = f"http://127.0.0.1:{self.port}"
        t0 = time.perf_counter()
        self.proc = procs.spawn(list(wrapper) + [binary, "serve", "--config", self.config],
                                work.file(f"sluice-{self.port}.log"),
                                env=dict(os.environ, SLUICE_ADMIN_KEY=KEY, SLUICE_LOG_LEVEL="warning"))
        procs.wait_http(self.base + "/healthz", deadline=startup_deadline, proc=self.proc)
        self.startup_seconds = time.perf_counter() - t0
        self.pid = self.proc.pid

    def submit_batch(self, body):
        status, raw = procs.request("POST", self.base + "/v1/batches", body, key=KEY, content_type="application/jsonl")
        if status != 202: raise RuntimeError(f"batch submit -> {status}: {raw[:300]!r}")
        return json.loads(raw)["id"]

    def batch(self, batch_id):
        return procs.get_json(f"{self.base}/v1/batches/{batch_id}", key=KEY)

    def wait_batch(self, batch_id, timeout=900, interval=0.01):
        end = time.time() + timeout
        while time.time() < end:
            b = self.batch(batch_id)
            if b["status"] in ("completed", "failed", "expired", "cancelled"): return b
            time.sleep(interval)
        raise RuntimeError(f"batch {batch_id} did not finish in {timeout} s")

    def close(self):
        procs.stop(self.proc, hard=True)


def jsonl(n, prefix="j", max_tokens=16):
    return "\n".join(json.dumps({"custom_id": f"{prefix}-{i}", "method": "POST", "url": "/v1/chat/completions",
                                 "body": {"model": "mock-chat", "max_tokens": max_tokens,
                                          "messages": [{"role": "user",
                                                        "content": f"Classify document number {i} please."}]}},
                                separators=(",", ":"))
                     for i in range(n)).encode()


# ---- the baselines' virtual environment -------------------------------------------------------------------

def venv_python():
    return os.path.join(VENV, "bin", "python")


def _requirements_digest():
    with open(REQUIREMENTS, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def venv_ready():
    try:
        with open(os.path.join(VENV, ".bench-requirements")) as f:
            return f.read().strip() == _requirements_digest()
    except OSError:
        return False


def ensure_venv(log):
    """Creates or updates .venv-bench/ from requirements.txt (pip, from PyPI); cached by the file's digest."""
    if venv_ready(): return True
    log(f"bench: installing the baselines into {os.path.relpath(VENV, ROOT)}/ (pip; a few minutes the first time)")
    if not os.path.exists(venv_python()):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    r = subprocess.run([venv_python(), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", REQUIREMENTS],
                       stdout=sys.stderr, stderr=sys.stderr)
    if r.returncode != 0:
        log("bench: pip install failed; the baselines are skipped")
        return False
    with open(os.path.join(VENV, ".bench-requirements"), "w") as f:
        f.write(_requirements_digest() + "\n")
    return True


def litellm_version():
    r = subprocess.run([venv_python(), "-c", "import importlib.metadata as m; print(m.version('litellm'))"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "?"


class LiteLLM:
    """The LiteLLM proxy (no database, one uvicorn worker: its default) with model `mock-chat` on the mock."""

    def __init__(self, work, mock_url, rpm=None, tpm=None, workers=1):
        self.port = procs.free_port()
        limits = ""
        router = ""
        if rpm or tpm:
            limits = "".join([f"\n      rpm: {rpm}" if rpm else "", f"\n      tpm: {tpm}" if tpm else ""])
            # The documented way to make the proxy keep a deployment's rpm/tpm itself.
            router = "router_settings:\n  routing_strategy: usage-based-routing-v2\n  enable_pre_call_checks: true\n"
        self.config = work.file(f"litellm-{self.port}.yaml")
        with open(self.config, "w") as f:
            f.write(f"""model_list:
  - model_name: mock-chat
    litellm_params:
      model: openai/mock-chat
      api_base: {mock_url}/v1
      api_key: sk-bench-upstream{limits}
litellm_settings:
  drop_params: true
general_settings:
  master_key: {LITELLM_KEY}
{router}""")
        self.base = f"http://127.0.0.1:{self.port}"
        t0 = time.perf_counter()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "LITELLM", "DATABASE"))}
        env.update(LITELLM_ENV)
        self.proc = procs.spawn([os.path.join(VENV, "bin", "litellm"), "--config", self.config, "--host", "127.0.0.1",
                                 "--port", str(self.port), "--num_workers", str(workers)],
                                work.file(f"litellm-{self.port}.log"), env=env)
        procs.wait_http(self.base + "/health/liveliness", deadline=180, proc=self.proc)
        self.startup_seconds = time.perf_counter() - t0
        self.pid = self.proc.pid

    def close(self):
        procs.stop(self.proc, timeout=10)
