"""Processes on loopback: free ports, HTTP helpers, CPU and memory of a process tree from /proc."""
import json, os, signal, socket, subprocess, threading, time, urllib.error, urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, key=None, content_type="application/json", timeout=300):
    """One HTTP request with urllib; returns (status, body bytes), also for 4xx/5xx answers."""
    req = urllib.request.Request(url, data=body, method=method)
    if key: req.add_header("Authorization", f"Bearer {key}")
    if body is not None: req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get_json(url, key=None, timeout=30):
    status, raw = request("GET", url, key=key, timeout=timeout)
    if status != 200: raise RuntimeError(f"GET {url} -> {status}: {raw[:200]!r}")
    return json.loads(raw)


def wait_http(url, deadline=60.0, proc=None):
    """Polls `url` until it answers 200; returns the seconds waited."""
    t0 = time.perf_counter()
    end = t0 + deadline
    while time.perf_counter() < end:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"bench: process for {url} exited with {proc.returncode} (log: {getattr(proc, 'log_path', '?')})")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200: return time.perf_counter() - t0
        except Exception:
            pass
        time.sleep(0.01)
    raise SystemExit(f"bench: {url} did not come up within {deadline:.0f} s")


def _children_map():
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit(): continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    return children


def tree_pids(pid):
    """`pid` and all its live descendants."""
    children = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    """User + system CPU seconds of one process, including its reaped children."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK_TCK


def tree_cpu_seconds(pid):
    return sum(cpu_seconds(p) for p in tree_pids(pid))


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE / 2**20
    except OSError:
        return 0.0


def tree_rss_mb(pid):
    return sum(rss_mb(p) for p in tree_pids(pid))


def peak_rss_mb(pid):
    """VmHWM of one process (its peak resident set since start)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"): return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RSSSampler:
    """Samples the resident set of a process tree every `interval` seconds in a thread; `peak` is the largest sum."""

    def __init__(self, pid, interval=0.05, tree=False):
        self.pid, self.interval, self.tree = pid, interval, tree
        self.peak, self.samples = 0.0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            v = tree_rss_mb(self.pid) if self.tree else rss_mb(self.pid)
            self.samples.append(v)
            self.peak = max(self.peak, v)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def spawn(argv, log_path, env=None):
    log = open(log_path, "ab")
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    p.log_path = log_path
    log.close()
    return p


def stop(proc, timeout=10.0, hard=False):
    """Stops a process we started (and its process group): SIGTERM then SIGKILL, or SIGKILL at once."""
    if proc is None or proc.poll() is not None: return
    try:
        os.killpg(proc.pid, signal.SIGKILL if hard else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
