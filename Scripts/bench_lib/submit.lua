-- wrk script of Scripts/bench: POST one chat job per request (body and path from the environment) and print
-- one JSON line with the request count, errors and latency percentiles (microseconds) when done.
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/v1/jobs"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "none")

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nBENCH_JSON {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
