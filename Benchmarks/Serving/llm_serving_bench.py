"""Aggregate decode throughput of `twin serve llm` against llama-cpp-python's server
(`python -m llama_cpp.server`), same GGUF file, same prompts, 2 threads, in one run.

Each server gets the same load: CLIENTS concurrent streaming chat completions (SSE), each
asking for MAX_TOKENS greedy tokens, repeated ROUNDS times; tokens are counted from the
streamed deltas. Prints tokens/s for both and the ratio.

Usage: python3 Benchmarks/Serving/llm_serving_bench.py [--twin .build/release/twin]
       [--model ~/.cache/twin/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf]
       [--clients 8] [--max-tokens 128] [--rounds 2]
Needs: pip install llama-cpp-python fastapi uvicorn sse-starlette starlette-context pydantic-settings
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, process, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited early ({process.returncode})")
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=2).read()
            return
        except Exception:
            time.sleep(0.5)
    sys.exit(f"{url} did not come up")


def stream_one(url, model, prompt, max_tokens, out, index):
    body = json.dumps({
        "model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens,
        "temperature": 0, "stream": True}).encode()
    request = urllib.request.Request(url + "/v1/chat/completions", body, {"Content-Type": "application/json"})
    tokens = 0
    first = None
    start = time.time()
    with urllib.request.urlopen(request, timeout=600) as response:
        for raw in response:
            line = raw.decode().strip()
            if not line.startswith("data:") or line == "data: [DONE]":
                continue
            event = json.loads(line[5:])
            for choice in event.get("choices", []):
                if choice.get("delta", {}).get("content"):
                    tokens += 1
                    first = first or time.time() - start
    out[index] = (tokens, first or 0)


def load(url, model, clients, max_tokens, rounds):
    prompts = [f"Write a long story about a lighthouse keeper named Ada, chapter {i + 1}." for i in range(clients)]
    total_tokens, total_seconds, firsts = 0, 0.0, []
    for _ in range(rounds):
        out = [None] * clients
        threads = [threading.Thread(target=stream_one, args=(url, model, prompts[i], max_tokens, out, i))
                   for i in range(clients)]
        start = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total_seconds += time.time() - start
        total_tokens += sum(o[0] for o in out)
        firsts += [o[1] for o in out]
    firsts.sort()
    return total_tokens / total_seconds, total_tokens, firsts[len(firsts) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--twin", default=".build/release/twin")
    home = os.path.expanduser("~/.cache/twin/models")
    parser.add_argument("--model", default=os.path.join(home, "smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    results = {}
    for name in ["twin", "llama.cpp"]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        if name == "twin":
            command = [args.twin, "serve", "llm", "--model", args.model, "--port", str(port), "--no-embeddings"]
        else:
            command = [sys.executable, "-m", "llama_cpp.server", "--model", args.model, "--n_threads", "2",
                       "--n_ctx", "8192", "--port", str(port), "--host", "127.0.0.1",
                       # Queue concurrent requests (its default cancels the running one).
                       "--interrupt_requests", "False"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(url, process)
            model = json.load(urllib.request.urlopen(url + "/v1/models"))["data"][0]["id"]
            load(url, model, 1, 8, 1)  # warm-up
            results[name] = load(url, model, args.clients, args.max_tokens, args.rounds)
        finally:
            process.terminate()
            process.wait()

    print(f"{args.clients} concurrent streams × {args.max_tokens} greedy tokens × {args.rounds} rounds, "
          f"{os.path.basename(args.model)}, 2 threads")
    print(f"{'server':<12}{'tokens/s':>10}{'tokens':>9}{'median first token':>21}")
    for name, (rate, tokens, first) in results.items():
        print(f"{name:<12}{rate:>10.1f}{tokens:>9}{first * 1000:>18.0f} ms")
    print(f"ratio twin / llama.cpp: {results['twin'][0] / results['llama.cpp'][0]:.2f}×")


if __name__ == "__main__":
    main()
