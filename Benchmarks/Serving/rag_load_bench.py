"""`/rag` throughput and latency of `twin serve api` against the Python reference stack
(rag_peer.py: FastAPI + sentence-transformers + hnswlib + llama-cpp-python), same workspace
corpus, same models, in one run: 1, 4 and 16 concurrent clients for a fixed time each.

Run from a directory holding a workspace built by `twin quickstart` (.twin/):
  python3 Benchmarks/Serving/rag_load_bench.py --twin .build/release/twin [--seconds 30]
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

QUESTIONS = [
    "What does Ben Okafor say about BM25 next to vector search?",
    "How should a crawler treat robots.txt?",
    "Why run DPO after supervised fine-tuning?",
    "What LoRA rank should I start with?",
    "How do I deduplicate documents before embedding them?",
    "Which chunk size worked best for retrieval?",
    "How many threads should llama.cpp use on a laptop?",
    "How do I build a golden set to evaluate RAG?",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, process, path, seconds=600):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited early ({process.returncode})")
        try:
            urllib.request.urlopen(url + path, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except Exception:
            time.sleep(0.5)
    sys.exit(f"{url} did not come up")


def ask(url, question):
    body = json.dumps({"query": question, "k": 3}).encode()
    request = urllib.request.Request(url + "/rag", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.status, json.load(response)


def run_load(url, clients, seconds):
    latencies, errors = [], [0]
    stop = time.time() + seconds
    lock = threading.Lock()

    def client(n):
        i = n
        while time.time() < stop:
            start = time.time()
            try:
                status, _ = ask(url, QUESTIONS[i % len(QUESTIONS)])
                ok = status == 200
            except Exception:
                ok = False
            with lock:
                if ok:
                    latencies.append(time.time() - start)
                else:
                    errors[0] += 1
            i += clients

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    begin = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - begin
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    return len(latencies) / elapsed, p99, len(latencies), errors[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--twin", default=".build/release/twin")
    parser.add_argument("--workspace", default=".twin")
    models = os.path.expanduser("~/.cache/twin/models")
    parser.add_argument("--embedder", default=os.path.join(models, "minilm"))
    parser.add_argument("--model", default=os.path.join(models, "smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"))
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", default="1,4,16")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    levels = [int(c) for c in args.clients.split(",")]

    results = {}
    for name in ["twin", "python"]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        if name == "twin":
            command = [args.twin, "serve", "api", "--port", str(port), "--workspace", args.workspace]
        else:
            command = [sys.executable, os.path.join(here, "rag_peer.py"), "--workspace", args.workspace,
                       "--embedder", args.embedder, "--model", args.model, "--port", str(port)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(url, process, "/health" if name == "twin" else "/docs")
            ask(url, QUESTIONS[0])  # warm-up
            results[name] = {c: run_load(url, c, args.seconds) for c in levels}
        finally:
            process.terminate()
            process.wait()

    print(f"/rag, {args.seconds:.0f} s per level, k=3, 2 expansions, SmolLM2-135M Q4_1 + all-MiniLM-L6-v2, 2 cores")
    print(f"{'clients':>7} {'twin req/s':>11} {'twin p99':>9} {'python req/s':>13} {'python p99':>11} {'ratio':>7}")
    for c in levels:
        t, p = results["twin"][c], results["python"][c]
        ratio = t[0] / p[0] if p[0] > 0 else float("inf")
        print(f"{c:>7} {t[0]:>11.2f} {t[1]:>8.2f}s {p[0]:>13.2f} {p[1]:>10.2f}s {ratio:>6.2f}×"
              f"   (errors: twin {t[3]}, python {p[3]})")


if __name__ == "__main__":
    main()
