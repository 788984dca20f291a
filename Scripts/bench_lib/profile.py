"""`Scripts/bench --profile`: where Sluice's server spends its instructions in scenario 2 (zero-latency pipeline).

`perf stat -e instructions` is not supported on this virtual machine (no hardware counters), so the profile is
valgrind's callgrind, which counts instructions exactly (deterministic, ~50× slower, so a smaller run): the server
starts with collection off, `callgrind_control -i on` turns it on just before the batch is submitted, and it is
dumped when the batch completes. Start-up is excluded; the mock provider runs outside valgrind.
"""
import os, re, shutil, subprocess, sys, time

from . import procs
from .stack import Mock, Sluice, Workdir, jsonl

JOBS = 2_000


def log(message):
    print(message, file=sys.stderr, flush=True)


def demangle(text):
    swift = shutil.which("swift-demangle") or shutil.which("swift")
    if not swift: return text
    argv = [swift] if swift.endswith("swift-demangle") else [swift, "demangle"]
    r = subprocess.run(argv + ["--simplified"], input=text, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else text


def run(binary, jobs=JOBS, out_dir=None):
    for tool in ("valgrind", "callgrind_annotate", "callgrind_control"):
        if not shutil.which(tool): raise SystemExit(f"bench: --profile needs {tool} (apt-get install valgrind)")
    out_dir = out_dir or os.path.join(os.path.dirname(binary), "..", "bench-profile")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.abspath(os.path.join(out_dir, "callgrind.out"))
    work = Workdir()
    mock = Mock(binary, work)
    try:
        wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--collect-atstart=no",
                   "--separate-threads=no"]
        s = Sluice(binary, work, mock.url, wrapper=wrapper, startup_deadline=600)
        try:
            subprocess.run(["callgrind_control", "-i", "on", str(s.pid)], check=True, capture_output=True)
            t0 = time.perf_counter()
            b = s.wait_batch(s.submit_batch(jsonl(jobs, "prof")), timeout=1800, interval=0.2)
            log(f"bench: profile: {b['request_counts']} in {time.perf_counter() - t0:.1f} s under callgrind")
            subprocess.run(["callgrind_control", "-i", "off", str(s.pid)], check=True, capture_output=True)
        finally:
            procs.stop(s.proc, timeout=300)
    finally:
        mock.close()
        work.remove()
    command = (f"valgrind --tool=callgrind --collect-atstart=no sluice serve; callgrind_control -i on; "
               f"{jobs:,}-job batch through a zero-latency mock; callgrind_annotate --inclusive=no")
    self_cost = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=99", out], capture_output=True,
                               text=True).stdout
    inclusive = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=99", out], capture_output=True,
                               text=True).stdout
    with open(os.path.join(out_dir, "self.txt"), "w") as f: f.write(demangle(self_cost))
    with open(os.path.join(out_dir, "inclusive.txt"), "w") as f: f.write(demangle(inclusive))
    print(f"profile command: {command}")
    print(f"raw: {out}; annotated: {out_dir}/self.txt, {out_dir}/inclusive.txt")
    print(summarize(demangle(self_cost)))
    return 0


LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)$")


def summarize(annotated, top=25):
    """Top functions by self cost, and self cost grouped by binary/library."""
    rows = []
    for line in annotated.splitlines():
        m = LINE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            rows.append((int(m.group(1).replace(",", "")), float(m.group(2)), m.group(3)))
    by_obj = {}
    for ir, pct, name in rows:
        obj = re.search(r"\[([^\]]+)\]\s*$", name)
        key = os.path.basename(obj.group(1)) if obj else "?"
        by_obj[key] = by_obj.get(key, 0.0) + pct
    lines = ["top functions by self cost:"] + [f"  {pct:5.2f}%  {name[:160]}" for _, pct, name in rows[:top]]
    lines += ["self cost by object:"] + [f"  {v:5.2f}%  {k}" for k, v in sorted(by_obj.items(), key=lambda kv: -kv[1])[:12]]
    return "\n".join(lines)
