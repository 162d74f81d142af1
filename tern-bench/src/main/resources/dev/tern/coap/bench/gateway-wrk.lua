-- wrk script of bench/gateway.sh: GETs spread in turn over the CoAP origin's ports.
-- Arguments: the gateway's path prefix (/hc/ or /proxy/), then the origin's UDP ports.
-- The requests are formatted once, in init: request() only picks the next.
local requests = {}
local next = 0

init = function(args)
  for k = 2, #args do
    requests[#requests + 1] = wrk.format("GET", args[1] .. "coap://127.0.0.1:" .. args[k] .. "/hello")
  end
end

request = function()
  next = next % #requests + 1
  return requests[next]
end
