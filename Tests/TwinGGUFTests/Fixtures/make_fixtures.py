#!/usr/bin/env python3
"""Generates the TwinGGUF test fixtures from an independent reference: the `gguf` package
(llama.cpp's own Python GGUF library) and numpy.

    pip install gguf numpy
    python3 Tests/TwinGGUFTests/Fixtures/make_fixtures.py

Writes, next to this script:

- `tiny.gguf.bin`, a GGUF file written by `gguf.GGUFWriter`: metadata of every GGUF value type
  (including nested arrays) and one small weight matrix per supported tensor type, from seeded
  random blocks. (Not `.gguf`: the repository ignores `*.gguf`, which are models.)
- `reference.json` plus little binary files per type: the matrix dequantised by
  `gguf.quants.dequantize` (`<type>.dequant.f32`), input vectors (`<type>.x.f32`), their 8-bit
  quantisation (`<type>.q8.i8`, logical element order) with scales and per-32 sums, and two
  references for every row · vector product:
    - `dot_exact`: dequantised weights · float inputs, in float64;
    - `dot_ggml`: the llama.cpp-style product the fused kernels compute — inputs quantised to
      8 bits (blocks of 32, or 256 for K-quants), integer sums per block, then scaled — in
      float64 from the same integers and float32 scale products as the kernels;
  with `magnitude` (Σ|w·x|, the scale for rounding tolerances) and `activation_bound`
  (Σ|w|·d/2, the most 8-bit rounding of the inputs can change a product).
- Rows of real model tensors dequantised by `gguf` (`<model>.<tensor>.<row>.f32`), when the
  models are in the model cache (`$TWIN_MODELS`, else ~/.cache/twin/models); otherwise the
  committed files are left as they are.

Activation quantisation (the Swift `Q8Activations`): per block, amax = max|x|, d = amax / 127
(for 256-element blocks, as ggml's Q8_K, d = 1 / (127 / amax)),
q = rint(x · (127 / amax)) (ties to even; 0 when amax is 0), all in float32; for the 32-element
blocks d and d·Σq are then rounded to float16, as ggml stores them.
"""

import json
import os
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize

HERE = Path(__file__).resolve().parent
QK_K = 256

# (type, rows, columns, vectors): columns are whole blocks but, for the plain types, not a
# multiple of any SIMD width; 5 vectors exercise both the four-vector kernel and a remainder.
CASES = [
    (T.F32, 5, 45, 5),
    (T.F16, 5, 45, 5),
    (T.BF16, 5, 45, 5),
    (T.Q4_0, 5, 32 * 7, 5),
    (T.Q4_1, 5, 32 * 7, 5),
    (T.Q5_0, 5, 32 * 7, 5),
    (T.Q5_1, 5, 32 * 7, 5),
    (T.Q8_0, 5, 32 * 7, 5),
    (T.Q4_K, 3, QK_K * 2, 5),
    (T.Q5_K, 3, QK_K * 2, 5),
    (T.Q6_K, 3, QK_K * 2, 5),
]

REAL_ROWS = {
    "gemma3-270m": ("gemma-3-270m-q4_k_m.gguf", [
        ("token_embd.weight", 2),
        ("blk.0.attn_output.weight", 5),
        ("blk.0.ffn_down.weight", 3),
        ("blk.0.ffn_gate.weight", 7),
        ("blk.0.attn_v.weight", 1),
    ]),
    "smollm2-135m-instruct": ("SmolLM2-135M-Instruct.Q4_1.gguf", [
        ("token_embd.weight", 2),
        ("blk.0.ffn_up.weight", 9),
    ]),
}


def f16_bits(values):
    return np.asarray(values, dtype=np.float16).view(np.uint16)


def random_scales(rng, count, low=1e-3, high=5e-2):
    """Random positive and negative float16 scales, with one subnormal for good measure."""
    magnitude = np.exp(rng.uniform(np.log(low), np.log(high), count))
    sign = rng.choice([-1.0, 1.0], count, p=[0.2, 0.8])
    values = (magnitude * sign).astype(np.float16)
    values[count // 2] = np.float16(3e-6)  # subnormal in float16
    return values


def random_blocks(qtype, rows, columns, rng):
    """Raw bytes (rows, bytes per row) of random but sensible blocks of `qtype`."""
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    n = rows * columns // block
    raw = rng.integers(0, 256, size=(n, size), dtype=np.uint8)

    def put_half(offset, values):
        raw[:, offset:offset + 2] = f16_bits(values).reshape(n, 1).view(np.uint8).reshape(n, 2)

    if qtype in (T.Q4_0, T.Q5_0, T.Q8_0):
        put_half(0, random_scales(rng, n))
    elif qtype in (T.Q4_1, T.Q5_1):
        put_half(0, random_scales(rng, n))
        put_half(2, rng.normal(0, 0.3, n))
    elif qtype in (T.Q4_K, T.Q5_K):
        put_half(0, random_scales(rng, n, 1e-4, 3e-3))
        put_half(2, random_scales(rng, n, 1e-4, 3e-3))
    elif qtype == T.Q6_K:
        put_half(208, random_scales(rng, n, 1e-4, 3e-3))
    if qtype == T.Q8_0:
        raw[0, 2] = 0x80  # -128: the one weight value outside ±127
    return raw.reshape(rows, -1)


def make_extreme(qtype, raw):
    """Sets block 1 of row 0 to the largest integer weights (and sub-block scales) the type
    can hold, and returns their signs, so that inputs of the same signs make every product as
    large as it can be: integer sums must not overflow anywhere in the kernels."""
    b = raw.reshape(-1, gguf.GGML_QUANT_SIZES[qtype][1])[1]
    block = gguf.GGML_QUANT_SIZES[qtype][0]
    signs = np.ones(block)
    if qtype == T.Q4_0:
        b[2:18] = 0x00  # q - 8 = -8
        signs = -signs
    elif qtype == T.Q4_1:
        b[4:20] = 0xFF  # 15
    elif qtype == T.Q5_0:
        b[2:22] = 0x00  # q - 16 = -16
        signs = -signs
    elif qtype == T.Q5_1:
        b[4:24] = 0xFF  # 31
    elif qtype == T.Q8_0:
        pattern = np.where(np.arange(32) % 3 == 0, -127, 127).astype(np.int8)
        b[2:34] = pattern.view(np.uint8)
        signs = np.sign(pattern)
    elif qtype == T.Q4_K:
        b[4:144] = 0xFF  # scales and minima 63, q = 15
    elif qtype == T.Q5_K:
        b[4:176] = 0xFF  # scales and minima 63, q = 31
    elif qtype == T.Q6_K:
        b[0:192] = 0x00  # q - 32 = -32
        b[192:208] = 0x80  # scales -128
        signs = -signs
    return signs.astype(np.float32)


def plain_weights(qtype, rows, columns, rng):
    values = rng.normal(0, 0.5, (rows, columns)).astype(np.float32)
    if qtype == T.F32:
        return values, values.view(np.uint8)
    if qtype == T.F16:
        halves = values.astype(np.float16)
        halves[0, :4] = [6e-8, -3e-5, 65504, -0.0]  # subnormals, largest finite, negative zero
        return halves, halves.view(np.uint8)
    bits = (values.view(np.uint32) >> 16).astype(np.uint16)  # bfloat16 by truncation
    bits[0, 0] = 0x0001  # a subnormal bfloat16
    return bits, bits.view(np.uint8)


# Integer decoding of the blocks, checked against gguf's dequantisation below.

def decode_block32(qtype, raw):
    """(q int (n, 32), d float32 (n,), m float32 (n,)) for the 32-element types."""
    n = raw.shape[0]
    d = raw[:, 0:2].copy().view(np.float16).astype(np.float32).reshape(n)
    m = np.zeros(n, dtype=np.float32)
    if qtype == T.Q8_0:
        return raw[:, 2:34].copy().view(np.int8).astype(np.int64), d, m
    if qtype in (T.Q4_1, T.Q5_1):
        m = raw[:, 2:4].copy().view(np.float16).astype(np.float32).reshape(n)
    start = {T.Q4_0: 2, T.Q4_1: 4, T.Q5_0: 6, T.Q5_1: 8}[qtype]
    qs = raw[:, start:start + 16].astype(np.int64)
    q = np.concatenate([qs & 0xF, qs >> 4], axis=1)
    if qtype in (T.Q5_0, T.Q5_1):
        hstart = start - 4
        qh = raw[:, hstart:hstart + 4].copy().view(np.uint32).astype(np.int64).reshape(n, 1)
        q |= ((qh >> np.arange(32)) & 1) << 4
    if qtype == T.Q4_0:
        q -= 8
    if qtype == T.Q5_0:
        q -= 16
    return q, d, m


def k_scale_min(s):
    """The eight 6-bit scales and minima of a Q4_K/Q5_K 12-byte field, per ggml's layout."""
    s = s.astype(np.int64)
    sc = np.zeros((s.shape[0], 8), dtype=np.int64)
    mn = np.zeros((s.shape[0], 8), dtype=np.int64)
    for j in range(8):
        if j < 4:
            sc[:, j] = s[:, j] & 63
            mn[:, j] = s[:, j + 4] & 63
        else:
            sc[:, j] = (s[:, j + 4] & 0xF) | ((s[:, j - 4] >> 6) << 4)
            mn[:, j] = (s[:, j + 4] >> 4) | ((s[:, j] >> 6) << 4)
    return sc, mn


def decode_superblock(qtype, raw):
    """(q int (n, 256), per-16 scales int (n, 16), d (n,), dmin (n,), minima int (n, 8))."""
    n = raw.shape[0]
    if qtype == T.Q6_K:
        ql = raw[:, 0:128].astype(np.int64)
        qh = raw[:, 128:192].astype(np.int64)
        scales = raw[:, 192:208].copy().view(np.int8).astype(np.int64)
        d = raw[:, 208:210].copy().view(np.float16).astype(np.float32).reshape(n)
        q = np.zeros((n, 256), dtype=np.int64)
        for half in range(2):
            for l in range(32):
                lo0 = ql[:, 64 * half + l]
                lo1 = ql[:, 64 * half + 32 + l]
                h = qh[:, 32 * half + l]
                base = 128 * half
                q[:, base + l] = (lo0 & 0xF) | (((h >> 0) & 3) << 4)
                q[:, base + 32 + l] = (lo1 & 0xF) | (((h >> 2) & 3) << 4)
                q[:, base + 64 + l] = (lo0 >> 4) | (((h >> 4) & 3) << 4)
                q[:, base + 96 + l] = (lo1 >> 4) | (((h >> 6) & 3) << 4)
        return q - 32, scales, d, np.zeros(n, np.float32), np.zeros((n, 8), np.int64)
    d = raw[:, 0:2].copy().view(np.float16).astype(np.float32).reshape(n)
    dmin = raw[:, 2:4].copy().view(np.float16).astype(np.float32).reshape(n)
    sc, mn = k_scale_min(raw[:, 4:16])
    qs = raw[:, -128:].astype(np.int64)
    q = np.zeros((n, 256), dtype=np.int64)
    for c in range(4):
        q[:, 64 * c:64 * c + 32] = qs[:, 32 * c:32 * c + 32] & 0xF
        q[:, 64 * c + 32:64 * c + 64] = qs[:, 32 * c:32 * c + 32] >> 4
    if qtype == T.Q5_K:
        qh = raw[:, 16:48].astype(np.int64)
        for j in range(8):
            q[:, 32 * j:32 * j + 32] |= ((qh >> j) & 1) << 4
    return q, np.repeat(sc, 2, axis=1), d, dmin, mn


def quantize_activations(x, block):
    """The Swift Q8Activations quantisation of vectors x (v, n): (q, scales, sums per 32, offsets)."""
    v, n = x.shape
    blocks = x.reshape(v, n // block, block)
    amax = np.abs(blocks).max(axis=2)
    d = (amax / np.float32(127)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inverse = np.where(amax > 0, np.float32(127) / amax, np.float32(0)).astype(np.float32)
    if block == 256:
        # As ggml's Q8_K: the scale is the reciprocal of the inverse scale (1 / (−127 / max)),
        # which can differ from amax / 127 in the last bit.
        with np.errstate(divide="ignore"):
            d = np.where(amax > 0, np.float32(1) / inverse, np.float32(0)).astype(np.float32)
    scaled = (blocks * inverse[:, :, None]).astype(np.float32)
    q = np.clip(np.rint(scaled), -127, 127).astype(np.int64).reshape(v, n)
    sums = q.reshape(v, n // 32, 32).sum(axis=2)
    block_sums = q.reshape(v, n // block, block).sum(axis=2)
    offsets = (d * block_sums.astype(np.float32)).astype(np.float32)
    if block == 32:
        # As ggml's Q8_0/Q8_1 blocks: the scale and d·Σq are stored as float16.
        d = d.astype(np.float16).astype(np.float32)
        offsets = offsets.astype(np.float16).astype(np.float32)
    return q, d, sums, offsets


def f32(a):
    return np.asarray(a, dtype=np.float32)


def ggml_dots(qtype, raw, rows, columns, q, da, sums, offsets):
    """Row · vector products the llama.cpp way: integer block sums, float32 scale products."""
    vectors = q.shape[0]
    out = np.zeros((vectors, rows))
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    flat = raw.reshape(-1, size)
    per_row = columns // block
    if block == 32:
        wq, wd, wm = decode_block32(qtype, flat)
        for r in range(rows):
            for v in range(vectors):
                total = 0.0
                for b in range(per_row):
                    k = r * per_row + b
                    sumi = int(np.dot(wq[k], q[v, 32 * b:32 * b + 32]))
                    total += float(f32(wd[k] * da[v, b])) * sumi
                    total += float(wm[k]) * float(offsets[v, b])
                out[v, r] = total
        return out
    wq, sc16, wd, wdmin, mn = decode_superblock(qtype, flat)
    for r in range(rows):
        for v in range(vectors):
            total = 0.0
            for b in range(per_row):
                k = r * per_row + b
                isum = 0
                for s in range(16):
                    part = int(np.dot(wq[k, 16 * s:16 * s + 16], q[v, 256 * b + 16 * s:256 * b + 16 * s + 16]))
                    isum += int(sc16[k, s]) * part
                total += float(f32(wd[k] * da[v, b])) * isum
                mins = int(np.dot(mn[k], sums[v, 8 * b:8 * b + 8]))
                total -= float(f32(wdmin[k] * da[v, b])) * mins
            out[v, r] = total
    return out


def check_decoding(qtype, raw, reference):
    """The integer decoding used for dot_ggml must reproduce gguf's dequantisation exactly."""
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    flat = raw.reshape(-1, size)
    if block == 32:
        q, d, m = decode_block32(qtype, flat)
        values = f32(d[:, None] * f32(q))
        if qtype in (T.Q4_1, T.Q5_1):
            values = f32(values + m[:, None])
    else:
        q, sc16, d, dmin, mn = decode_superblock(qtype, flat)
        scale = f32(d[:, None] * f32(sc16))
        values = f32(np.repeat(scale, 16, axis=1) * f32(q))
        if qtype != T.Q6_K:
            minimum = f32(dmin[:, None] * f32(mn))
            values = f32(values - np.repeat(minimum, 32, axis=1))
    assert np.array_equal(values.reshape(reference.shape).view(np.uint32), reference.view(np.uint32)), qtype.name


def make_type_fixture(qtype, rows, columns, vectors, seed, writer):
    rng = np.random.default_rng(seed)
    name = qtype.name.lower()
    if qtype in (T.F32, T.F16, T.BF16):
        stored, raw = plain_weights(qtype, rows, columns, rng)
        if qtype == T.BF16:
            writer.add_tensor(name, raw, raw_shape=(rows, columns * 2), raw_dtype=T.BF16)
        else:
            writer.add_tensor(name, stored)
        weights = dequantize(raw.reshape(rows, -1), qtype).reshape(rows, columns).astype(np.float32)
    else:
        raw = random_blocks(qtype, rows, columns, rng)
        extreme_signs = make_extreme(qtype, raw)
        writer.add_tensor(name, raw, raw_shape=raw.shape, raw_dtype=qtype)
        weights = dequantize(raw, qtype).astype(np.float32)
        check_decoding(qtype, raw, weights)

    block = QK_K if qtype in (T.Q4_K, T.Q5_K, T.Q6_K) else 32
    x = rng.normal(0, 1, (vectors, columns)).astype(np.float32)
    x[1] *= 30  # a differently scaled vector
    x[2, :block] = 0  # an all-zero activation block: scale 0
    x[3, 5] = 12  # an outlier setting its block's scale
    if qtype not in (T.F32, T.F16, T.BF16):
        x[4, block:2 * block] = extreme_signs  # meets row 0's extreme block: all products at most
    entry = {
        "tensor": name, "rows": rows, "columns": columns, "vectors": vectors,
        "dequantized": f"{name}.dequant.f32", "activations": f"{name}.x.f32",
    }
    weights.astype("<f4").tofile(HERE / entry["dequantized"])
    x.astype("<f4").tofile(HERE / entry["activations"])

    w64 = weights.astype(np.float64)
    x64 = x.astype(np.float64)
    entry["dot_exact"] = (x64 @ w64.T).tolist()
    entry["magnitude"] = (np.abs(x64) @ np.abs(w64).T).tolist()

    if qtype in (T.F32, T.F16, T.BF16):
        entry["dot_ggml"] = entry["dot_exact"]
        entry["activation_bound"] = np.zeros((vectors, rows)).tolist()
        return entry

    q, da, sums, offsets = quantize_activations(x, block)
    entry["activation_block"] = block
    entry["quants"] = f"{name}.q8.i8"
    q.astype(np.int8).tofile(HERE / entry["quants"])
    entry["activation_scales"] = da.astype(np.float64).tolist()
    entry["activation_sums"] = sums.tolist()
    entry["dot_ggml"] = ggml_dots(qtype, raw, rows, columns, q, da, sums, offsets).tolist()
    half_step = np.repeat(da.astype(np.float64) / 2, block, axis=1)
    entry["activation_bound"] = (half_step @ np.abs(w64).T).tolist()
    return entry


def add_metadata(writer):
    """One entry of every GGUF value type; the expected values go to reference.json."""
    writer.add_uint8("test.uint8", 200)
    writer.add_int8("test.int8", -100)
    writer.add_uint16("test.uint16", 60000)
    writer.add_int16("test.int16", -30000)
    writer.add_uint32("test.uint32", 4_000_000_000)
    writer.add_int32("test.int32", -2_000_000_000)
    writer.add_uint64("test.uint64", 2**63 + 5)
    writer.add_int64("test.int64", -(2**62))
    writer.add_float32("test.float32", 0.1)
    writer.add_float64("test.float64", 0.1)
    writer.add_bool("test.bool", True)
    writer.add_string("test.string", "héllo ✓")
    writer.add_array("test.strings", ["a", "", "ünï", "<0x0A>"])
    writer.add_array("test.int32s", [1, -2, 3])
    writer.add_array("test.float32s", [0.5, -1.25, 3.0])
    writer.add_array("test.nested", [["x", "y"], ["z"]])
    writer.add_custom_alignment(64)
    return {
        "general.architecture": "tiny",
        "test.uint8": 200, "test.int8": -100, "test.uint16": 60000, "test.int16": -30000,
        "test.uint32": 4_000_000_000, "test.int32": -2_000_000_000,
        "test.uint64": str(2**63 + 5), "test.int64": -(2**62),
        "test.float32": float(np.float32(0.1)), "test.float64": 0.1, "test.bool": True,
        "test.string": "héllo ✓", "test.strings": ["a", "", "ünï", "<0x0A>"],
        "test.int32s": [1, -2, 3], "test.float32s": [0.5, -1.25, 3.0],
        "test.nested": [["x", "y"], ["z"]], "general.alignment": 64,
    }


def make_real_rows():
    root = Path(os.environ.get("TWIN_MODELS", Path.home() / ".cache/twin/models"))
    real = {}
    for model, (filename, wanted) in REAL_ROWS.items():
        path = root / model / filename
        rows = []
        for tensor_name, row in wanted:
            out = f"{model}.{tensor_name}.{row}.f32"
            rows.append({"tensor": tensor_name, "row": row, "values": out})
            if not path.exists():
                continue
            reader = gguf.GGUFReader(path)
            tensor = next(t for t in reader.tensors if t.name == tensor_name)
            data = np.asarray(tensor.data)
            values = dequantize(data[row:row + 1], tensor.tensor_type).reshape(-1).astype(np.float32)
            values.astype("<f4").tofile(HERE / out)
            rows[-1]["type"] = tensor.tensor_type.name
        if not path.exists():
            print(f"{path} missing: kept the committed {model} rows", file=sys.stderr)
        real[model] = {"file": filename, "rows": rows}
    return real


def main():
    writer = gguf.GGUFWriter(HERE / "tiny.gguf.bin", "tiny")
    expected_metadata = add_metadata(writer)
    types = {}
    for seed, (qtype, rows, columns, vectors) in enumerate(CASES):
        types[qtype.name] = make_type_fixture(qtype, rows, columns, vectors, 1000 + seed, writer)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    previous = json.loads((HERE / "reference.json").read_text()) if (HERE / "reference.json").exists() else {}
    real = make_real_rows()
    for model, entry in real.items():
        # Keep the tensor types recorded when the rows were last generated from the model.
        old = {r["tensor"]: r for r in previous.get("real", {}).get(model, {}).get("rows", [])}
        for row in entry["rows"]:
            if "type" not in row and row["tensor"] in old:
                row["type"] = old[row["tensor"]].get("type")
    reference = {"metadata": expected_metadata, "types": types, "real": real}
    (HERE / "reference.json").write_text(json.dumps(reference, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote fixtures to {HERE}")


if __name__ == "__main__":
    main()
