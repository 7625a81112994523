"""Overload and disconnect behaviour of `twin serve llm --max-batch 1 --queue 0`.

Usage: python3 overload_check.py BASE_URL   (the server's root, without /v1)
Exits non-zero on the first failed check.
"""

import http.client
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

base = sys.argv[1]
host = urllib.parse.urlparse(base)


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail else ""))
    if not ok:
        sys.exit(1)


def chat(max_tokens, stream=False):
    return json.dumps({"messages": [{"role": "user", "content": "Tell me a very long story."}],
                       "max_tokens": max_tokens, "temperature": 0, "stream": stream})


# A long stream takes the only slot; read a few events, keep the connection open.
holder = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
holder.request("POST", "/v1/chat/completions", chat(2000, stream=True), {"Content-Type": "application/json"})
response = holder.getresponse()
events = 0
while events < 3:
    if response.fp.readline().startswith(b"data:"):
        events += 1
check("stream started", events == 3)

# The queue holds nothing more: a second request is turned away with Retry-After.
try:
    urllib.request.urlopen(urllib.request.Request(base + "/v1/chat/completions", chat(4).encode(),
                                                  {"Content-Type": "application/json"}), timeout=30)
    check("429 when full", False, "the request was accepted")
except urllib.error.HTTPError as error:
    check("429 when full", error.code == 429 and error.headers.get("Retry-After") is not None,
          f"{error.code} {dict(error.headers)}")

# A streamed request is admitted before its 200 goes out: a plain 429 with Retry-After too.
try:
    urllib.request.urlopen(urllib.request.Request(base + "/v1/chat/completions", chat(4, stream=True).encode(),
                                                  {"Content-Type": "application/json"}), timeout=30)
    check("429 when full (streamed)", False, "the request was accepted")
except urllib.error.HTTPError as error:
    check("429 when full (streamed)", error.code == 429 and error.headers.get("Retry-After") is not None,
          f"{error.code} {dict(error.headers)}")

# The client goes away: its generation stops at once instead of running 2000 tokens.
holder.close()
deadline = time.time() + 10
running = None
while time.time() < deadline:
    running = json.load(urllib.request.urlopen(base + "/health"))["running"]
    if running == 0:
        break
    time.sleep(0.1)
check("disconnect stops the generation", running == 0, f"running={running}")

reply = json.load(urllib.request.urlopen(urllib.request.Request(
    base + "/v1/chat/completions", chat(4).encode(), {"Content-Type": "application/json"}), timeout=60))
check("served again", reply["usage"]["completion_tokens"] > 0)
# Client numbers are checked against one rule per field before any arithmetic: Int.max
# max_tokens once overflowed the KV-cache size and killed the server (SIGILL).
def bad_request(path, body):
    try:
        urllib.request.urlopen(urllib.request.Request(base + path, json.dumps(body).encode(),
                                                      {"Content-Type": "application/json"}), timeout=30)
        return None, ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


huge = 9223372036854775807
for path, body in [
    ("/v1/completions", {"prompt": "Hello", "max_tokens": huge}),
    ("/v1/completions", {"prompt": "Hello", "max_tokens": huge, "stream": True}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": huge}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": huge, "stream": True}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Hi"}], "max_completion_tokens": -1}),
]:
    code, text = bad_request(path, body)
    check(f"400 for max_tokens {body.get('max_tokens', body.get('max_completion_tokens'))} on {path}",
          code == 400 and "max_tokens" in text, f"{code} {text}")
for field, value in [("temperature", 1e308), ("top_p", -1)]:
    code, text = bad_request("/v1/completions", {"prompt": "Hi", field: value})
    check(f"400 for {field}={value}", code == 400 and field in text, f"{code} {text}")
for field, value in [("temperature", 3), ("presence_penalty", 5), ("frequency_penalty", -9), ("top_logprobs", 21)]:
    code, text = bad_request("/v1/chat/completions",
                             {"messages": [{"role": "user", "content": "Hi"}], "logprobs": True, field: value})
    check(f"400 for {field}={value} (chat)", code == 400 and field in text, f"{code} {text}")
code, text = bad_request("/v1/chat/completions", {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1e30})
check("an out-of-range number names its field", code == 400 and "max_tokens" in text and "invalid JSON" not in text,
      f"{code} {text}")
health = json.load(urllib.request.urlopen(base + "/health"))
check("still serving after hostile numbers", health.get("status") == "ok", str(health))

metrics = urllib.request.urlopen(base + "/metrics").read().decode()
check("metrics count the rejection", "twin_llm_rejected_total" in metrics)
# Per-route counts (refusals by status included) and process metrics, all with help text.
check("per-route request counts",
      'twin_http_requests_total{route="/v1/chat/completions",method="POST",status="429"}' in metrics, metrics[:2000])
check("process metrics", "process_resident_memory_bytes" in metrics and "process_cpu_seconds_total" in metrics)
lint = subprocess.run(["promtool", "check", "metrics"], input=metrics, capture_output=True, text=True)
check("promtool check metrics", lint.returncode == 0 and not lint.stdout.strip() and not lint.stderr.strip(),
      f"{lint.returncode} {lint.stdout} {lint.stderr}")
print("all checks passed")
