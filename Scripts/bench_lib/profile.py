"""`Scripts/bench --profile`: where Sluice's server spends its CPU in scenario 2 (20,000 jobs, zero-latency mock).

This virtual machine has no hardware counters (`perf stat -e instructions` says "not supported"), and valgrind 3.19
(Debian 12) dies with SIGSEGV on the Swift binary even for `--help`, so callgrind is out. The profile is therefore
`perf record` on the software `cpu-clock` event (timer sampling at 2 kHz, frame-pointer call chains), attached to
the server process from just before the submit until the batch completes; start-up is excluded and the mock
provider and the client are not sampled.
"""
import os, re, shutil, signal, subprocess, sys, time

from . import procs
from .stack import Mock, Sluice, Workdir, jsonl

JOBS = 20_000


def log(message):
    print(message, file=sys.stderr, flush=True)


def demangle(text):
    swift = shutil.which("swift-demangle") or shutil.which("swift")
    if not swift: return text
    argv = [swift] if swift.endswith("swift-demangle") else [swift, "demangle"]
    r = subprocess.run(argv + ["--simplified"], input=text, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else text


def report(data, sort, extra=()):
    r = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", sort, "-g", "none",
                        "--percent-limit", "0.3", *extra], capture_output=True, text=True)
    return demangle(r.stdout)


def run(binary, jobs=JOBS, out_dir=None, scenario="pipeline"):
    if not shutil.which("perf"): raise SystemExit("bench: --profile needs perf (apt-get install linux-perf)")
    out_dir = os.path.abspath(out_dir or os.path.join(os.path.dirname(binary), "..", f"bench-profile-{scenario}"))
    os.makedirs(out_dir, exist_ok=True)
    data = os.path.join(out_dir, "perf.data")
    work = Workdir()
    # submit: intake only (a mock that never answers, one job held), five 50,000-line batches.
    mock = Mock(binary, work, hang=1.0 if scenario == "submit" else 0.0)
    try:
        s = Sluice(binary, work, mock.url, max_concurrency=1 if scenario == "submit" else 256)
        try:
            body = jsonl(50_000 if scenario == "submit" else jobs, "prof")
            rec = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "2000", "-g", "-p", str(s.pid), "-o",
                                    data], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(0.5)
            t0 = time.perf_counter()
            if scenario == "submit":
                for _ in range(5): s.submit_batch(body)
                done = 250_000
            else:
                done = s.wait_batch(s.submit_batch(body))["request_counts"]["completed"]
            wall = time.perf_counter() - t0
            rec.send_signal(signal.SIGINT)
            rec.wait(timeout=60)
            log(f"bench: profile ({scenario}): {done:,} jobs in {wall:.2f} s while sampled")
        finally:
            s.close()
    finally:
        mock.close()
        work.remove()
    by_symbol = report(data, "dso,symbol")
    by_dso = report(data, "dso")
    with open(os.path.join(out_dir, "by-symbol.txt"), "w") as f: f.write(by_symbol)
    with open(os.path.join(out_dir, "by-dso.txt"), "w") as f: f.write(by_dso)
    what = "five 50,000-line batch submits (intake only)" if scenario == "submit" else \
        f"a {jobs:,}-job batch (zero-latency mock)"
    print(f"profile: perf record -e cpu-clock -F 2000 -g -p <sluice serve pid> during {what}; "
          f"perf report --no-children --sort dso,symbol")
    print(f"files: {out_dir}/perf.data, by-symbol.txt, by-dso.txt\n")
    print(top(by_dso, 12))
    print(top(by_symbol, 40))
    return 0


def top(text, n):
    rows = [l for l in text.splitlines() if re.match(r"^\s+[\d.]+%", l)]
    return "\n".join(r.rstrip()[:200] for r in rows[:n]) + "\n"
