"""The llama.cpp side of twin-bench-datasets: the same dataset prompts (token ids rendered by
Twin's chat template), generated one at a time with llama-cpp-python on the same GGUF file,
greedy, each reply constrained by the same JSON schema (llama.cpp's grammar from the schema).
Prints one JSON line: seconds, samples, prompt and completion tokens.

    python3 llama_cpp_peer.py MODEL.gguf PROMPTS_JSON THREADS

PROMPTS_JSON: {"schema": {...}, "max_tokens": N, "samples_field": null | "pairs",
               "prompts": [[ids...], ...]}
"""
import json
import sys
import time

from llama_cpp import Llama, LlamaGrammar

path, prompts_file, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
job = json.load(open(prompts_file))
prompts, max_tokens, field = job["prompts"], job["max_tokens"], job["samples_field"]
llm = Llama(model_path=path, n_ctx=max(len(p) for p in prompts) + max_tokens + 8, n_batch=512, n_ubatch=512,
            n_threads=threads, n_threads_batch=threads, verbose=False)
grammar = LlamaGrammar.from_json_schema(json.dumps(job["schema"]), verbose=False)


def samples(text):
    """Samples in a reply, counted as Twin's generator counts them: non-empty strings only."""
    try:
        reply = json.loads(text)
    except ValueError:
        return 0
    if field is None:
        return int(isinstance(reply.get("instruction"), str) and bool(reply["instruction"].strip()))
    items = reply.get(field) or []
    return sum(all(isinstance(v, str) and v.strip() for v in item.values()) for item in items)


total, prompt_tokens, completion_tokens = 0, 0, 0
start = time.perf_counter()
for ids in prompts:
    out = llm.create_completion(prompt=ids, max_tokens=max_tokens, temperature=0.0, grammar=grammar)
    total += samples(out["choices"][0]["text"])
    prompt_tokens += out["usage"]["prompt_tokens"]
    completion_tokens += out["usage"]["completion_tokens"]
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "samples": total, "prompt_tokens": prompt_tokens,
                  "completion_tokens": completion_tokens}))
