"""Dumps llama.cpp's intermediate tensors for one prompt, to find where the engine first departs
from it (a debugging aid, not run by the tests).

    python3 dump_llama_cpp_tensors.py MODEL.gguf "[9325, 3153, 1221]" "l_out-0,kqv_out-9" OUTDIR

Each requested tensor (llama.cpp's graph names: attn_norm-N, Qcur-N, Kcur-N, kq_soft_max-N,
kqv_out-N, ffn_out-N, l_out-N, result_output, ...) is written as OUTDIR/ref-NAME.f32, raw
little-endian floats in ggml order (ne0 fastest). Uses llama.cpp's scheduler eval callback
through llama-cpp-python's ctypes bindings; flash attention is off, as in the fixtures.
REPACK=0 loads the weights without llama.cpp's repacked buffers (`use_extra_bufts`); with
GGML_CPU_TILED_MM=0 as well, K-quant products run row by row (`ggml_vec_dot_*`).
"""
import ctypes
import json
import os
import sys

import llama_cpp as L
import numpy as np

path, tokens, wanted, outdir = sys.argv[1], json.loads(sys.argv[2]), set(sys.argv[3].split(",")), sys.argv[4]
os.makedirs(outdir, exist_ok=True)
base = ctypes.CDLL(os.path.join(os.path.dirname(L.__file__), "lib", "libggml-base.so"))
base.ggml_get_name.restype = ctypes.c_char_p
base.ggml_get_name.argtypes = [ctypes.c_void_p]

# Field offsets in struct ggml_tensor (ggml.h): type @0, ne[4] @16, nb[4] @48, data @248.
def field(address, offset, ctype, count):
    return [ctype.from_address(address + offset + ctypes.sizeof(ctype) * i).value for i in range(count)]


@L.ggml_backend_sched_eval_callback
def callback(tensor, ask, _):
    name = base.ggml_get_name(tensor).decode()
    if ask:
        return name in wanted
    if field(tensor, 0, ctypes.c_int, 1)[0] != 0:  # GGML_TYPE_F32 only
        print("skipping non-f32 tensor", name)
        return True
    ne = field(tensor, 16, ctypes.c_int64, 4)
    nb = field(tensor, 48, ctypes.c_size_t, 4)
    data = field(tensor, 248, ctypes.c_void_p, 1)[0]
    out = np.empty((ne[3], ne[2], ne[1], ne[0]), dtype=np.float32)
    for i3 in range(ne[3]):
        for i2 in range(ne[2]):
            for i1 in range(ne[1]):
                row = data + i3 * nb[3] + i2 * nb[2] + i1 * nb[1]
                out[i3, i2, i1] = np.ctypeslib.as_array((ctypes.c_float * ne[0]).from_address(row))
    out.tofile(os.path.join(outdir, f"ref-{name}.f32"))
    print(name, ne[:4])
    return True


L.llama_backend_init()
mp = L.llama_model_default_params()
mp.use_extra_bufts = os.environ.get("REPACK", "1") == "1"
model = L.llama_model_load_from_file(path.encode(), mp)
params = L.llama_context_default_params()
params.n_ctx = params.n_batch = params.n_ubatch = 512
params.n_threads = params.n_threads_batch = 2
params.cb_eval = callback
params.cb_eval_user_data = None
params.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_DISABLED
context = L.llama_init_from_model(model, params)
ids = (L.llama_token * len(tokens))(*tokens)
status = L.llama_decode(context, L.llama_batch_get_one(ids, len(tokens)))
if status != 0:
    sys.exit(f"llama_decode failed with {status}")
