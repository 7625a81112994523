"""Greedy continuations and logits from llama.cpp (llama-cpp-python) for the engine's
reference tests: the first 16 greedy ids of several prompts (repeat penalty 1.0), and over a
256-token text, llama.cpp's top-5 next-token ids and logits at every position.

    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF" \
        pip install --no-binary llama-cpp-python llama-cpp-python==0.3.36
    python3 make_generation_fixtures.py ~/.cache/twin/models [MODEL ...]

With model names, only those entries of generation_reference.json are made again; the others
are kept as they are.

The reference is llama.cpp's AVX2 build with its default settings (repacked Q4_K, tiled Q6_K):
a native build on an AVX-512 machine sums in other orders, and Gemma 3's logits move by up to a
whole unit (see docs/llama-cpp-numerics.md, item 8). Regenerating every model with that build
reproduces the committed entries exactly.
"""
import os
import json
import sys

import numpy as np
from llama_cpp import Llama

root = sys.argv[1]
models = {
    "smollm2-135m-instruct": (
        f"{root}/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf",
        [
            "The capital of France is",
            "def fibonacci(n):",
            "<|im_start|>user\nWhat is a vector database?<|im_end|>\n<|im_start|>assistant\n",
            "Once upon a time, in a small village,",
        ],
    ),
    "gemma3-270m": (
        f"{root}/gemma3-270m/gemma-3-270m-q4_k_m.gguf",
        ["The capital of France is", "Once upon a time, in a small village,"],
    ),
    "qwen2.5-coder-1.5b-instruct": (
        f"{root}/qwen2.5-coder-1.5b-instruct/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        [
            "def fibonacci(n):",
            "<|im_start|>user\nWhat is a vector database?<|im_end|>\n<|im_start|>assistant\n",
        ],
    ),
}
wanted = sys.argv[2:] or list(models)
long_text = (
    "Retrieval-augmented generation combines a search step with a language model. The system first "
    "splits documents into chunks, embeds each chunk into a vector, and stores the vectors in an index. "
    "When a question arrives, it is embedded the same way, the nearest chunks are retrieved, and they are "
    "placed in the prompt so that the model can answer from evidence instead of memory. Chunk size matters: "
    "small chunks are precise but lose context, while large chunks dilute the signal. Rerankers reorder the "
    "candidates with a cross-encoder that reads the question and the passage together. Evaluation measures "
    "recall, precision and the faithfulness of the final answer. In production, teams monitor latency, cost "
    "and drift, and they version their prompts like code. A good pipeline is incremental: only changed "
    "documents are processed again, and every run is recorded with its parameters and outputs so that "
    "results can be reproduced months later. The same ideas apply to fine-tuning, where datasets are built, "
    "split and versioned before training begins. An LLM twin goes one step further: it learns the voice of "
    "one person from what that person wrote, so its answers sound like them. Building one means crawling "
    "their articles, posts and code, cleaning the text, generating instruction and preference datasets, and "
    "fine-tuning a small open model with LoRA, first with supervised examples and then with preference pairs. "
    "A judge model scores the results for accuracy and style before anything is deployed."
)
out = json.load(open("generation_reference.json")) if os.path.exists("generation_reference.json") else {}
for name, (path, prompts) in models.items():
    if name not in wanted:
        continue
    llm = Llama(model_path=path, n_ctx=1024, n_threads=2, logits_all=True, verbose=False)
    greedy = []
    for prompt in prompts:
        tokens = llm.tokenize(prompt.encode(), add_bos=True, special=True)
        llm.reset()
        llm.eval(tokens)
        generated = []
        for _ in range(16):
            logits = np.array(llm.scores[llm.n_tokens - 1])
            nxt = int(np.argmax(logits))
            generated.append(nxt)
            llm.eval([nxt])
        greedy.append({"prompt": prompt, "prompt_ids": tokens, "greedy_ids": generated})
    tokens = llm.tokenize(long_text.encode(), add_bos=True, special=False)[:256]
    llm.reset()
    llm.eval(tokens)
    scores = np.array(llm.scores[: len(tokens)])
    top = np.argsort(-scores, axis=1)[:, :5]
    out[name] = {
        "greedy": greedy,
        "logits_text_ids": tokens,
        "top5_ids": top.tolist(),
        "top5_logits": np.take_along_axis(scores, top, axis=1).round(5).tolist(),
    }
    print(name, [g["greedy_ids"][:8] for g in greedy], len(tokens))
json.dump(out, open("generation_reference.json", "w"))
