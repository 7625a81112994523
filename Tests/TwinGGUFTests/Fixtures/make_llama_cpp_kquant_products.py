#!/usr/bin/env python3
"""Q4_K and Q6_K matrix products as llama.cpp computes them, for the kernels' bit-exactness test
(`LlamaCppKQuantProductTests`): Gemma 3 270M's layer-0 attention output (Q4_K) and FFN down
(Q6_K) projections, their inputs and outputs dumped from llama.cpp's graph for a 10-token
prompt (a batch) and a 1-token one (decoding).

    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \\
        pip install llama-cpp-python    # an AVX2 build, as for the other LLM fixtures
    python3 make_llama_cpp_kquant_products.py ~/.cache/twin/models

llama.cpp runs with its default settings, so each format goes through the kernel llama.cpp
picks on an AVX2 CPU: Q4_K repacked (`q4_K_8x8` GEMM for the batch's vectors in fours, GEMV for
the rest and for decoding), Q6_K through the tiled GEMM from 8 vectors and `ggml_vec_dot_q6_K_q8_K`
below. Writes `gemma3-270m.llama-cpp.<batch|single>.<tensor>.<input|output>.f32`.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
model = os.path.join(sys.argv[1], "gemma3-270m", "gemma-3-270m-q4_k_m.gguf")
dump = os.path.join(here, "..", "..", "TwinLLMTests", "Fixtures", "dump_llama_cpp_tensors.py")
names = {"kqv_out-0": "attn_output.input", "node_34": "attn_output.output",
         "ffn_geglu-0": "ffn_down.input", "ffn_out-0": "ffn_down.output"}
prompts = {"batch": [2, 818, 5279, 529, 7001, 563, 506, 5279, 529, 9405], "single": [2]}
for kind, tokens in prompts.items():
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, dump, model, str(tokens), ",".join(names), out],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for tensor, name in names.items():
            values = np.fromfile(os.path.join(out, f"ref-{tensor}.f32"), dtype=np.float32)
            values.tofile(os.path.join(here, f"gemma3-270m.llama-cpp.{kind}.{name}.f32"))
            print(kind, name, values.shape)
