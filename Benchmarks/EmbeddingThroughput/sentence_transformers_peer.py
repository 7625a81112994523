#!/usr/bin/env python3
"""The peer for twin-bench-embed: sentence-transformers with CPU torch on the same corpus.

Reads the corpus (one sentence per line) written by the Swift benchmark, embeds it with the
same model at the same batch size and thread count, and prints one JSON line with the timing.
Usage: sentence_transformers_peer.py MODEL_DIR CORPUS_FILE --batch 32 --threads 2
"""
import argparse
import json
import resource
import time

import torch
from sentence_transformers import SentenceTransformer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("corpus")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.corpus, encoding="utf-8") as f:
        sentences = [line.rstrip("\n") for line in f if line.strip()]
    model = SentenceTransformer(args.model_dir, device="cpu")
    model.encode(sentences[: args.batch], batch_size=args.batch)  # warm-up
    tokens = sum(len(model.tokenizer(s, truncation=True, max_length=model.max_seq_length)["input_ids"]) for s in sentences)
    start = time.perf_counter()
    model.encode(sentences, batch_size=args.batch, convert_to_numpy=True)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "sentences": len(sentences), "tokens": tokens, "seconds": seconds,
        "sentences_per_second": len(sentences) / seconds, "tokens_per_second": tokens / seconds,
        "peak_rss_mib": peak_kib / 1024, "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
