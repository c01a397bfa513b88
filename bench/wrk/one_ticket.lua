-- wrk: POST one English ticket to the demo account acme-cloud (hybrid on), the same text every time.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "demo-key-acme-cloud"
wrk.body = '{"enquiry": "I forgot my password and cannot log in"}'
wrk.path = "/v1/accounts/acme-cloud/recommendations"
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p90=%.2f p99=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
