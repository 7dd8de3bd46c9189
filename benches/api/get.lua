-- wrk: GET one path (PATH from the environment).
function init(args)
  wrk.path = os.getenv("PATH_TO_GET")
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

function response(status, headers, body)
  if status ~= 200 then
    print("unexpected status " .. status)
  end
end
