"""The llama.cpp side of twin-bench-llm: prefill of the given prompt ids and greedy decode of N
tokens with llama-cpp-python on the same GGUF file, n_threads as given. Prints one JSON line.

    python3 llama_cpp_peer.py MODEL.gguf IDS_JSON_FILE DECODE_TOKENS THREADS REPEATS
"""
import json
import sys
import time

import llama_cpp
import numpy as np
from llama_cpp import Llama


def peak_rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


path, ids_file, decode_tokens, threads, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
prompt = json.load(open(ids_file))
llm = Llama(model_path=path, n_ctx=len(prompt) + decode_tokens + 8, n_batch=512, n_ubatch=512,
            n_threads=threads, n_threads_batch=threads, logits_all=False, verbose=False)


def last_logits():
    # With logits_all=False, llama-cpp-python 0.3 no longer copies logits into llm.scores (it
    # stays zero, so argmax would always pick token 0): read the context's last row directly.
    pointer = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
    return np.ctypeslib.as_array(pointer, shape=(llm.n_vocab(),))


best_prefill, best_decode, generated = float("inf"), float("inf"), []
for _ in range(repeats):
    llm.reset()
    start = time.perf_counter()
    llm.eval(prompt)
    prefill = time.perf_counter() - start
    tokens = []
    start = time.perf_counter()
    for _ in range(decode_tokens):
        token = int(np.argmax(last_logits()))
        tokens.append(token)
        llm.eval([token])
    decode = time.perf_counter() - start
    best_prefill, best_decode, generated = min(best_prefill, prefill), min(best_decode, decode), tokens
print(json.dumps({"prefill_seconds": best_prefill, "decode_seconds": best_decode, "tokens": generated,
                  "peak_rss_mib": peak_rss_mib()}))
