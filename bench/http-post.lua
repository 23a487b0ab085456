-- wrk script: POST a 1 KiB raw body (application/octet-stream) on every request of a keep-alive connection.
-- wrk.path comes from the URL given on the command line.
wrk.method = "POST"
wrk.body = string.rep("a", 1024)
wrk.headers["Content-Type"] = "application/octet-stream"

local errors = 0
response = function(status, headers, body)
    if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
    io.write(string.format("non-2xx or socket errors: %d\n",
        summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.timeout))
end
