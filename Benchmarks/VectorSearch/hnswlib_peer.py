#!/usr/bin/env python3
"""The peer for twin-bench-vectors: hnswlib on the same vectors, queries and ground truth.

Reads the raw little-endian files the Swift benchmark wrote into DIR (data.f32: N x DIM
float32, queries.f32: Q x DIM float32, truth.i32: Q x K int32 exact neighbours), builds an
hnswlib index with space 'cosine' and the same M / ef_construction on --threads threads, then
for each efSearch measures queries per second at 1 and 2 threads (knn_query over the whole
query batch: hnswlib runs the queries one at a time per thread in C++) and recall@K against
the truth. Prints one JSON line.
Usage: hnswlib_peer.py DIR --dim 384 --m 16 --ef-construction 200 --ef-search 64,128,256
"""
import argparse
import importlib.metadata
import json
import os
import time

import hnswlib
import numpy as np


def best_seconds(run, repeats):
    """The fastest of `repeats` timed runs (the machine is shared; the minimum is the least
    noisy), in wall time and in the calling thread's CPU time (which with num_threads=1 is where
    hnswlib runs every query)."""
    best = float("inf")
    best_cpu = float("inf")
    result = None
    for _ in range(repeats):
        cpu = time.thread_time()
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.thread_time() - cpu)
    return best, best_cpu, result


def peak_rss_mib():
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux carries that across exec,
    so a child spawned by the (large) benchmark process would report the parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--dim", type=int, required=True)
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--ef-search", default="64,128,256")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    data = np.fromfile(os.path.join(args.dir, "data.f32"), dtype="<f4").reshape(-1, args.dim)
    queries = np.fromfile(os.path.join(args.dir, "queries.f32"), dtype="<f4").reshape(-1, args.dim)
    truth = np.fromfile(os.path.join(args.dir, "truth.i32"), dtype="<i4").reshape(len(queries), args.k)

    index = hnswlib.Index(space="cosine", dim=args.dim)
    index.init_index(max_elements=len(data), ef_construction=args.ef_construction, M=args.m, random_seed=42)
    index.set_num_threads(args.threads)
    start = time.perf_counter()
    index.add_items(data, np.arange(len(data)), num_threads=args.threads)
    build_seconds = time.perf_counter() - start

    runs = []
    for ef in [int(x) for x in args.ef_search.split(",")]:
        index.set_ef(ef)
        index.knn_query(queries[: min(len(queries), 100)], k=args.k, num_threads=1)  # warm-up
        qps = {}
        labels = None
        cpu_qps = 0.0
        for threads in (1, 2):
            seconds, cpu_seconds, (labels, _) = best_seconds(
                lambda: index.knn_query(queries, k=args.k, num_threads=threads), args.repeats)
            qps[threads] = len(queries) / seconds
            if threads == 1:
                cpu_qps = len(queries) / cpu_seconds
        hits = sum(len(set(labels[i].tolist()) & set(truth[i].tolist())) for i in range(len(queries)))
        runs.append({
            "ef": ef, "qps1": qps[1], "cpu_qps1": cpu_qps, "qps2": qps[2],
            "recall": hits / (len(queries) * args.k),
        })

    print(json.dumps({
        "build_seconds": build_seconds,
        "runs": runs,
        "peak_rss_mib": peak_rss_mib(),
        "hnswlib": importlib.metadata.version("hnswlib"),
    }))


if __name__ == "__main__":
    main()
