-- wrk: POST one English ticket to the demo account acme-cloud (hybrid on), the same text every time.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "demo-key-acme-cloud"
wrk.body = '{"enquiry": "I forgot my password and cannot log in"}'
wrk.path = "/v1/accounts/acme-cloud/recommendations"
-- prints the RESULT line that bench/wrk/run.sh reads
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
