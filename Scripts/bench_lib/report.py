"""The one table of Scripts/bench: medians per competitor, ratios Sluice ÷ baseline, targets and verdicts."""
import os, platform, statistics, subprocess


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except Exception:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB"


def git_head(root):
    r = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return (r.stdout.strip() or "?") + (" (with uncommitted changes)" if dirty else "")


def median(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def fmt(value, spec):
    if value is None: return "—"
    if isinstance(value, str): return value
    return spec.format(value)


class Table:
    HEADER = ("| Scenario | Metric | Sluice | LiteLLM proxy + client | No gateway | Sluice ÷ LiteLLM | Sluice ÷ no gateway "
              "| Target | Verdict |\n|---|---|---|---|---|---|---|---|---|")

    def __init__(self):
        self.rows = []

    def add(self, scenario, metric, spec, sluice, litellm=None, direct=None, target="", verdict=None):
        ratio = lambda a, b: f"{a / b:.2f}" if a is not None and b not in (None, 0) else "—"
        self.rows.append(f"| {scenario} | {metric} | {fmt(sluice, spec)} | {fmt(litellm, spec)} | {fmt(direct, spec)} | "
                         f"{ratio(sluice, litellm)} | {ratio(sluice, direct)} | {target} | "
                         f"{'' if verdict is None else ('met' if verdict else 'missed')} |")

    def render(self):
        return "\n".join([self.HEADER] + self.rows)
