"""llama.cpp's greedy continuations with Twin's GGUF LoRA adapter and merged model.

    TWIN_WRITE_ADAPTER_FIXTURES=/tmp/twin-adapter swift test -c release \
        --filter AdapterExportTests/theEngineAndLlamaCppAgreeOnTheAdapterAndTheMergedModel
    python make_adapter_fixtures.py ~/.cache/twin/models /tmp/twin-adapter > adapter_reference.json

The test writes adapter.gguf (a seeded LoRA adapter for SmolLM2-135M-Instruct) and
merged-f16.gguf (the same adapter merged into the base, f16) into the folder before it reads
this fixture (the first run fails on the missing or stale fixture; that is expected). This
script runs llama-cpp-python (llama.cpp) on them: greedy tokens for the base alone, the base with
the adapter as `lora_path`, and the merged model; it records the files' SHA-256 so that the test
knows the fixture is about the files it writes.

Needs llama-cpp-python built as the engine's other fixtures are (llama.cpp's AVX2 build, which
the engine follows to the bit; see Tests/TwinLLMTests/Fixtures/make_generation_fixtures.py):

    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF" \
        pip install --no-cache-dir llama-cpp-python
"""
import hashlib
import json
import os
import sys

import numpy as np

from llama_cpp import Llama

PROMPT = "<|im_start|>user\nWrite one sentence about the sea.<|im_end|>\n<|im_start|>assistant\n"
COUNT = 24


def greedy(model_path, lora_path=None):
    llm = Llama(model_path=model_path, lora_path=lora_path, n_ctx=256, n_threads=2, verbose=False, logits_all=True)
    ids = llm.tokenize(PROMPT.encode(), add_bos=False, special=True)
    llm.reset()
    llm.eval(ids)
    out = []
    for _ in range(COUNT):
        token = int(np.argmax(np.array(llm.scores[llm.n_tokens - 1])))
        out.append(token)
        llm.eval([token])
    return ids, out


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    models, folder = sys.argv[1:3]
    base = os.path.join(models, "smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf")
    adapter = os.path.join(folder, "adapter.gguf")
    merged = os.path.join(folder, "merged-f16.gguf")
    ids, base_greedy = greedy(base)
    _, adapter_greedy = greedy(base, adapter)
    _, merged_greedy = greedy(merged)
    print(json.dumps({
        "prompt": PROMPT,
        "prompt_ids": ids,
        "adapter_sha256": sha256(adapter),
        "merged_sha256": sha256(merged),
        "base_greedy": base_greedy,
        "adapter_greedy": adapter_greedy,
        "merged_greedy": merged_greedy,
    }, indent=1))


if __name__ == "__main__":
    main()
