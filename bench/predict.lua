-- wrk script: POST one spending profile to predict-segment; print a JSON summary line.
wrk.method = "POST"
wrk.path = "/api/v1/segmentation/predict-segment"
wrk.headers["Content-Type"] = "application/json"
-- the API key (a viewer's), as production callers send it; the reference apps ignore it
if os.getenv("BENCH_AUTH") then wrk.headers["Authorization"] = os.getenv("BENCH_AUTH") end
wrk.body = '[{"Utilities": 500, "Groceries": 320.5, "Transport": 40, "Dining": 85, ' ..
           '"Entertainment": 30, "OnlineShopping": 120, "Travel": 0, "Healthcare": 25}]'

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
