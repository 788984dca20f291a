"""A concurrent chat-completions client (asyncio + aiohttp), run by Scripts/bench inside .venv-bench/.

Two uses: the client that drives the LiteLLM proxy, and the "no gateway" floor that calls the mock provider
directly, shaped like the OpenAI cookbook's api_request_parallel_processor.py: N requests, at most C in flight,
optional client-side rpm/tpm throttling (token buckets that start full and refill continuously; tokens estimated
as prompt characters / 4 + max_tokens), and on a 429 a pause before the request is retried.

Prints one JSON object: ok, statuses, wall seconds, the client's own CPU seconds, p50/p99 latency in ms.
"""
import argparse, asyncio, json, resource, sys, time

import aiohttp


def body(i, max_tokens):
    return {"model": "mock-chat", "max_tokens": max_tokens,
            "messages": [{"role": "user", "content": f"Classify document number {i} please."}]}


def estimate_tokens(request):
    """The cookbook's num_tokens_consumed_from_request with tiktoken replaced by characters / 4 (rounded up):
    4 per message plus its values, 2 for the reply's priming, plus max_tokens."""
    tokens = 2 + request.get("max_tokens", 0)
    for message in request["messages"]:
        tokens += 4 + sum(-(-len(str(v)) // 4) for v in message.values())
    return tokens


class Throttle:
    def __init__(self, rpm, tpm):
        self.rpm, self.tpm = rpm, tpm
        self.requests, self.tokens = float(rpm or 0), float(tpm or 0)
        self.last = time.monotonic()

    async def admit(self, cost):
        if not self.rpm and not self.tpm: return
        while True:
            now = time.monotonic()
            dt, self.last = now - self.last, now
            if self.rpm: self.requests = min(self.rpm, self.requests + dt * self.rpm / 60)
            if self.tpm: self.tokens = min(self.tpm, self.tokens + dt * self.tpm / 60)
            if (not self.rpm or self.requests >= 1) and (not self.tpm or self.tokens >= cost):
                if self.rpm: self.requests -= 1
                if self.tpm: self.tokens -= cost
                return
            await asyncio.sleep(0.001)


async def run(args):
    url = args.url.rstrip("/") + "/v1/chat/completions"
    headers = {"Authorization": f"Bearer {args.key}", "Content-Type": "application/json"}
    statuses, latencies = {}, []
    retried_429 = 0
    throttle = Throttle(args.rpm, args.tpm)
    queue = asyncio.Queue()
    for i in range(args.n): queue.put_nowait(i)
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=args.concurrency)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    pause_until = [0.0]

    async def worker(session):
        nonlocal retried_429
        while True:
            try:
                i = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            request = body(i, args.max_tokens)
            payload = json.dumps(request)
            cost = estimate_tokens(request)
            while True:
                wait = pause_until[0] - time.monotonic()
                if wait > 0: await asyncio.sleep(wait)
                await throttle.admit(cost)
                t0 = time.perf_counter()
                try:
                    async with session.post(url, data=payload, headers=headers) as resp:
                        await resp.read()
                        status = resp.status
                        retry_after = resp.headers.get("retry-after")
                except Exception as e:  # noqa: BLE001 - counted, not raised
                    status, retry_after = type(e).__name__, None
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status == 429 and args.retry_429:
                    retried_429 += 1
                    try:
                        delay = float(retry_after) if retry_after else args.pause_429
                    except ValueError:
                        delay = args.pause_429
                    pause_until[0] = max(pause_until[0], time.monotonic() + min(delay, args.pause_429))
                    continue
                latencies.append(time.perf_counter() - t0)
                break

    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(min(args.concurrency, args.n))))
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0
    print(json.dumps({"ok": statuses.get("200", 0), "statuses": statuses, "wall": wall,
                      "cpu": usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime,
                      "max_rss_mb": usage.ru_maxrss / 1024, "p50_ms": pct(0.5), "p99_ms": pct(0.99),
                      "retried_429": retried_429}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--concurrency", type=int, default=256)
    ap.add_argument("--key", default="sk-bench")
    ap.add_argument("--max-tokens", type=int, default=16)
    ap.add_argument("--rpm", type=int)
    ap.add_argument("--tpm", type=int)
    ap.add_argument("--retry-429", action="store_true")
    ap.add_argument("--pause-429", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    try:
        import uvloop  # the proxy's own loop; use it when present, as a tuned client would
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
