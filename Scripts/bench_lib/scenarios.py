"""The five scenarios of Scripts/bench. Each returns {competitor: [one dict of figures per run]} plus notes."""
import json, os, shutil, subprocess, sys, time

from . import procs
from .stack import KEY, LITELLM_KEY, LiteLLM, Mock, Sluice, jsonl, venv_python

HERE = os.path.dirname(os.path.abspath(__file__))
SLUICE, LITELLM, DIRECT = "sluice", "litellm", "direct"


def log(message):
    print(message, file=sys.stderr, flush=True)


def order(run, competitors):
    """Competitors rotated by run, so none always goes first (warm caches, thermal state)."""
    k = run % len(competitors)
    return competitors[k:] + competitors[:k]


def client(url, n, concurrency, **options):
    """Runs loadclient.py in the venv; returns its JSON and the client's pid-less figures."""
    argv = [venv_python(), os.path.join(HERE, "loadclient.py"), "--url", url, "--n", str(n),
            "--concurrency", str(concurrency)]
    for k, v in options.items():
        if v is None or v is False: continue
        argv += [f"--{k.replace('_', '-')}"] + ([] if v is True else [str(v)])
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0: raise RuntimeError(f"load client failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def warm_up(litellm, n=200):
    client(litellm.base, n, 32, key=LITELLM_KEY)


# ---- 1. submit --------------------------------------------------------------------------------------------

def wrk(base, path, body, seconds, connections, key=KEY):
    env = dict(os.environ, BENCH_PATH=path, BENCH_BODY=body, BENCH_KEY=key)
    r = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
                        os.path.join(HERE, "submit.lua"), base], capture_output=True, text=True, env=env)
    line = next((l for l in r.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None: raise RuntimeError(f"wrk printed no figures: {r.stdout[-1000:]} {r.stderr[-1000:]}")
    w = json.loads(line.split(" ", 1)[1])
    return {"jobs_per_s": (w["requests"] - w["status_errors"]) / (w["duration_us"] / 1e6),
            "p50_ms": w["p50_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
            "errors": w["status_errors"] + w["socket_errors"]}


def submit(binary, work, runs, lines, seconds, connections=64):
    """Intake only: the provider is a mock that never answers (--hang 1) behind a lane of max_concurrency 1, so the
    workers hold one job and the figures are the API and the store's. Reference: the mock's own chat route
    (same Hummingbird stack, nothing stored) under the same wrk load."""
    body = jsonl(lines, "s")
    single = json.dumps({"url": "/v1/chat/completions", "body": {
        "model": "mock-chat", "max_tokens": 16, "messages": [{"role": "user", "content": "Classify this please."}]}})
    chat = json.dumps({"model": "mock-chat", "max_tokens": 16,
                       "messages": [{"role": "user", "content": "Classify this please."}]})
    paused = Mock(binary, work, hang=1.0)
    ref_mock = Mock(binary, work)
    out = {"batch": {SLUICE: []}, "single": {SLUICE: [], "mock": []}}
    try:
        for run in range(runs):
            for who in order(run, [SLUICE, "mock"]):
                if who == "mock":
                    r = wrk(ref_mock.url, "/v1/chat/completions", chat, seconds, connections, key="sk-bench")
                    out["single"]["mock"].append(r)
                    log(f"bench: submit run {run + 1} mock chat route {r['jobs_per_s']:,.0f} req/s "
                        f"p99 {r['p99_ms']:.1f} ms")
                    continue
                s = Sluice(binary, work, paused.url, max_concurrency=1)
                try:
                    t0 = time.perf_counter()
                    s.submit_batch(body)
                    elapsed = time.perf_counter() - t0
                    out["batch"][SLUICE].append({"lines_per_s": lines / elapsed, "seconds": elapsed})
                    r = wrk(s.base, "/v1/jobs", single, seconds, connections)
                    out["single"][SLUICE].append(r)
                    log(f"bench: submit run {run + 1} sluice batch {lines / elapsed:,.0f} lines/s, single "
                        f"{r['jobs_per_s']:,.0f} jobs/s p50 {r['p50_ms']:.2f} ms p99 {r['p99_ms']:.2f} ms "
                        f"errors {r['errors']}")
                finally:
                    s.close()
    finally:
        paused.close()
        ref_mock.close()
    return out


# ---- 2./3. pipeline ---------------------------------------------------------------------------------------

def sluice_pipeline(binary, work, mock, jobs, concurrency, lane_limits=None):
    mock.reset()
    s = Sluice(binary, work, mock.url, max_concurrency=concurrency, **(lane_limits or {}))
    try:
        body = jsonl(jobs, "p")
        cpu0 = procs.cpu_seconds(s.pid)
        with procs.RSSSampler(s.pid) as rss:
            t0 = time.perf_counter()
            batch = s.submit_batch(body)
            b = s.wait_batch(batch)
            wall = time.perf_counter() - t0
        cpu = procs.cpu_seconds(s.pid) - cpu0
        done = b["request_counts"]["completed"]
        if done != jobs: log(f"bench: warning: sluice completed {done} of {jobs} ({b['request_counts']})")
        return {"jobs_per_s": jobs / wall, "wall": wall, "cpu_per_1000": cpu / jobs * 1000,
                "rss_mb": max(procs.peak_rss_mb(s.pid), rss.peak), "completed": done}
    finally:
        s.close()


def litellm_pipeline(litellm, mock, jobs, concurrency):
    mock.reset()
    cpu0 = procs.tree_cpu_seconds(litellm.pid)
    with procs.RSSSampler(litellm.pid, interval=0.1, tree=True) as rss:
        c = client(litellm.base, jobs, concurrency, key=LITELLM_KEY)
    cpu = procs.tree_cpu_seconds(litellm.pid) - cpu0
    if c["ok"] != jobs: log(f"bench: warning: litellm answered {c['ok']} of {jobs} ok ({c['statuses']})")
    return {"jobs_per_s": jobs / c["wall"], "wall": c["wall"], "cpu_per_1000": cpu / jobs * 1000,
            "client_cpu_per_1000": c["cpu"] / jobs * 1000, "rss_mb": rss.peak, "completed": c["ok"]}


def direct_pipeline(mock, jobs, concurrency):
    mock.reset()
    c = client(mock.url, jobs, concurrency, key="sk-bench")
    return {"jobs_per_s": jobs / c["wall"], "wall": c["wall"], "cpu_per_1000": c["cpu"] / jobs * 1000,
            "rss_mb": c["max_rss_mb"], "completed": c["ok"]}


# Lane limits far above anything the mock sees: they make the lane's limits known, so it starts at its full
# concurrency instead of growing an adaptive window from a few calls per round trip.
DECLARED = {"rpm": 10_000_000, "tpm": 1_000_000_000}
SLUICE_DECLARED = "sluice_declared"
# Scenario 4: a Sluice lane told nothing about the limits, which it must learn from the provider's headers.
SLUICE_UNKNOWN = "sluice_unknown"


def pipeline(binary, work, runs, jobs, litellm_jobs, concurrency, baselines, latency_ms=0, jitter_ms=0, label="pipeline",
             declared=False):
    """End to end through one mock. Sluice: one batch of `jobs`, fresh server per run. LiteLLM: one proxy for all
    runs (warmed up), driven by the asyncio client at the same concurrency. Direct: the client on the mock."""
    mock = Mock(binary, work, latency_ms=latency_ms, jitter_ms=jitter_ms)
    competitors = [SLUICE] + ([SLUICE_DECLARED] if declared else []) + ([LITELLM, DIRECT] if baselines else [])
    out = {c: [] for c in competitors}
    litellm = None
    try:
        if baselines:
            litellm = LiteLLM(work, mock.url)
            warm_up(litellm)
        for run in range(runs):
            for who in order(run, competitors):
                if who == SLUICE: r = sluice_pipeline(binary, work, mock, jobs, concurrency)
                elif who == SLUICE_DECLARED: r = sluice_pipeline(binary, work, mock, jobs, concurrency, DECLARED)
                elif who == LITELLM: r = litellm_pipeline(litellm, mock, litellm_jobs, concurrency)
                else: r = direct_pipeline(mock, jobs, concurrency)
                out[who].append(r)
                log(f"bench: {label} run {run + 1} {who}: {r['jobs_per_s']:,.0f} jobs/s, wall {r['wall']:.2f} s, "
                    f"{r['cpu_per_1000']:.3f} CPU s/1000, {r['rss_mb']:.0f} MB")
    finally:
        if litellm: litellm.close()
        mock.close()
    return out


# ---- 4. rate-limit fidelity -------------------------------------------------------------------------------

def allowed_requests(rpm, tpm, cost, seconds):
    """Requests the mock's buckets (full at the start, refilling continuously) admit in `seconds`."""
    limits = []
    if rpm: limits.append(rpm + rpm / 60 * seconds)
    if tpm: limits.append((tpm + tpm / 60 * seconds) / cost)
    return min(limits)


class StatsSampler:
    """Polls the mock's successful-request count every `interval` seconds in a thread: [(seconds, count)]."""

    def __init__(self, mock, interval=0.5):
        import threading
        self.mock, self.interval, self.points = mock, interval, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        t0 = time.perf_counter()
        while not self._stop.is_set():
            try:
                ok = self.mock.stats()["models"].get("mock-chat", {}).get("requests", 0)
                self.points.append((time.perf_counter() - t0, ok))
            except Exception:
                pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive(): self._thread.join()

    def rate_after(self, start):
        """Successful requests per second from `start` seconds to the last point."""
        pts = [p for p in self.points if p[0] >= start]
        if len(pts) < 2 or pts[-1][0] - pts[0][0] <= 0: return None
        return (pts[-1][1] - pts[0][1]) / (pts[-1][0] - pts[0][0])


def ratelimit(binary, work, runs, jobs, rpm, tpm, baselines, max_tokens=16, with_litellm=True):
    """A fresh mock with --rpm/--tpm per run and competitor; each competitor is told the same limits (Sluice's lane
    rpm/tpm, LiteLLM's deployment rpm/tpm with usage-based routing, the direct client's cookbook-style throttle).
    Fidelity = successful upstream requests / what the mock's buckets allowed over the same wall time."""
    competitors = [SLUICE, SLUICE_UNKNOWN] + (([LITELLM] if with_litellm else []) + [DIRECT] if baselines else [])
    out = {c: [] for c in competitors}
    for run in range(runs):
        for who in order(run, competitors):
            mock = Mock(binary, work, rpm=rpm, tpm=tpm)
            sampler = StatsSampler(mock)
            try:
                # Ideal wall: the time the buckets need to admit every job (their first minute is pre-filled).
                probe = json.dumps({"model": "mock-chat", "max_tokens": max_tokens,
                                    "messages": [{"role": "user", "content": "Classify document number 1 please."}]})
                deadline = 3 * 60 * max(0.0, jobs / min(rpm, tpm / (len(probe) // 4 + max_tokens)) - 1) + 30
                note = ""
                if who in (SLUICE, SLUICE_UNKNOWN):
                    told = who == SLUICE
                    s = Sluice(binary, work, mock.url, max_concurrency=64, rpm=rpm if told else None,
                               tpm=tpm if told else None)
                    try:
                        body = jsonl(jobs, "r", max_tokens)
                        sampler.__enter__()
                        t0 = time.perf_counter()
                        batch = s.submit_batch(body)
                        try:
                            b = s.wait_batch(batch, timeout=deadline, interval=0.05)
                            counts = b["request_counts"]
                        except RuntimeError:
                            counts = s.batch(batch)["request_counts"]
                            note = "timed out"
                        wall = time.perf_counter() - t0
                        if counts.get("failed"): note = (note + ", " if note else "") + f"{counts['failed']} failed"
                    finally:
                        s.close()
                else:
                    url = mock.url
                    litellm = None
                    if who == LITELLM:
                        litellm = LiteLLM(work, mock.url, rpm=rpm, tpm=tpm)
                        url = litellm.base
                    try:
                        sampler.__enter__()
                        c = client(url, jobs, 64, key=LITELLM_KEY if litellm else "sk-bench", max_tokens=max_tokens, retry_429=True,
                                   pause_429=1.0, timeout=deadline,
                                   rpm=rpm if who == DIRECT else None, tpm=tpm if who == DIRECT else None)
                        wall = c["wall"]
                        note = f"{c['retried_429']} client-visible 429s retried" if c["retried_429"] else ""
                    finally:
                        if litellm: litellm.close()
                sampler.__exit__(None, None, None)
                st = mock.stats()
                usage = st["models"].get("mock-chat", {"requests": 0, "prompt_tokens": 0})
                ok = usage["requests"]
                cost = (usage["prompt_tokens"] / ok if ok else 10) + max_tokens
                allowed = allowed_requests(rpm, tpm, cost, wall)
                # Steady state: the second half of the run, after the buckets' pre-filled minute is spent.
                refill = min(x for x in [rpm / 60 if rpm else None, tpm / 60 / cost if tpm else None] if x)
                steady = sampler.rate_after(wall / 2)
                r = {"fidelity": ok / allowed, "steady_fidelity": steady / refill if steady is not None else None, "achieved_per_min": ok / wall * 60,
                     "allowed_per_min": allowed / wall * 60, "upstream_429": st["rate_limited"], "wall": wall,
                     "succeeded": ok, "note": note,
                     "share_429": st["rate_limited"] / max(1, st["rate_limited"] + ok)}
                out[who].append(r)
                log(f"bench: ratelimit run {run + 1} {who}: {ok} ok in {wall:.1f} s, fidelity {r['fidelity']:.1%}, "
                    f"steady {r['steady_fidelity'] or 0:.1%}, upstream 429s {st['rate_limited']} {note}")
            finally:
                sampler.__exit__(None, None, None)
                mock.close()
    return out


# ---- 5. scale ---------------------------------------------------------------------------------------------

def drained(mock):
    st = mock.stats()
    return st["requests"]


def scale(binary, work, total, batch_lines, drain_seconds):
    """`total` jobs queued in `total / batch_lines` batches behind a mock that never answers (nothing drains), then:
    RSS idle, a restart on that store (start-up time, idle RSS of a fresh process), and a restart against a live
    zero-latency mock: the drain rate per second (claim cost as the queue shrinks) and RSS while draining."""
    paused = Mock(binary, work, hang=1.0)
    live = None
    data = os.path.join(work.path, "scale-data")
    body = jsonl(batch_lines, "x")
    r = {}
    try:
        s = Sluice(binary, work, paused.url, max_concurrency=1, data_dir=data)
        try:
            t0 = time.perf_counter()
            batches = []
            for i in range(total // batch_lines):
                batches.append(s.submit_batch(body))
            r["submit_s"] = time.perf_counter() - t0
            r["submit_lines_per_s"] = total / r["submit_s"]
            time.sleep(2)
            r["rss_idle_after_submit_mb"] = procs.rss_mb(s.pid)
            r["rss_peak_submit_mb"] = procs.peak_rss_mb(s.pid)
            log(f"bench: scale: {total:,} jobs submitted in {r['submit_s']:.1f} s, RSS {r['rss_idle_after_submit_mb']:.0f} MB")
        finally:
            procs.stop(s.proc, timeout=60)
        r["db_mb"] = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data)
                         if f.startswith("sluice.sqlite")) / 2**20
        s = Sluice(binary, work, paused.url, max_concurrency=1, data_dir=data)
        try:
            r["startup_s"] = s.startup_seconds
            time.sleep(2)
            r["rss_idle_mb"] = procs.rss_mb(s.pid)
            log(f"bench: scale: restart with {total:,} queued: up in {s.startup_seconds:.2f} s, idle RSS "
                f"{r['rss_idle_mb']:.0f} MB")
        finally:
            procs.stop(s.proc, timeout=60)
        live = Mock(binary, work)
        s = Sluice(binary, work, live.url, max_concurrency=256, data_dir=data)
        try:
            r["startup_draining_s"] = s.startup_seconds
            rates = []
            with procs.RSSSampler(s.pid, interval=0.2) as rss:
                last, t_last = drained(live), time.perf_counter()
                end = t_last + drain_seconds
                while time.perf_counter() < end:
                    time.sleep(1.0)
                    now_n, now_t = drained(live), time.perf_counter()
                    rates.append((now_n - last) / (now_t - t_last))
                    last, t_last = now_n, now_t
            # Early window after the lane's start-up ramp (its adaptive window grows per round trip) vs the last.
            k = max(1, len(rates) // 4)
            skip = min(3, max(0, len(rates) - 2 * k))
            early = rates[skip:skip + k]
            r["drain_first_per_s"] = sum(early) / len(early)
            r["drain_last_per_s"] = sum(rates[-k:]) / k
            r["drain_median_per_s"] = sorted(rates[skip:])[len(rates[skip:]) // 2]
            r["drained"] = last
            r["rss_draining_mb"] = rss.peak
            r["drain_rates"] = [round(x) for x in rates]
            log(f"bench: scale: drained {last:,} in {drain_seconds} s; per second {r['drain_rates']}; RSS peak "
                f"{rss.peak:.0f} MB")
        finally:
            s.close()
    finally:
        paused.close()
        if live: live.close()
        shutil.rmtree(data, ignore_errors=True)
    return r
