"""twin-bench-train's peer: the same LoRA SFT steps with PyTorch, transformers and peft on the CPU.

    python torch_peer.py GGUF_FILE JOB_JSON

JOB_JSON: {"sequences": [[ids...], ...], "batch": B, "rank": r, "alpha": a, "learning_rate": lr,
"threads": n}. Runs len(sequences) / B optimiser steps (AdamW, no weight decay, gradient
clipping at 1, loss on every token), the first untimed. Prints one JSON line:
{"tokens_per_second", "peak_rss_bytes", "losses"}.
"""
import json
import os
import resource
import sys
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM


def main():
    gguf_file, job_path = sys.argv[1:3]
    with open(job_path) as f:
        job = json.load(f)
    torch.set_num_threads(job["threads"])
    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(
        os.path.dirname(gguf_file), gguf_file=os.path.basename(gguf_file), torch_dtype=torch.float32)
    config = LoraConfig(
        r=job["rank"], lora_alpha=job["alpha"], lora_dropout=0.0, task_type="CAUSAL_LM",
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    model = get_peft_model(base, config)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=job["learning_rate"], weight_decay=0.0)
    sequences = job["sequences"]
    batch = job["batch"]
    losses = []
    start = None
    tokens = 0
    for step in range(len(sequences) // batch):
        ids = torch.tensor(sequences[step * batch:(step + 1) * batch])
        out = model(input_ids=ids, labels=ids)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        optimizer.step()
        optimizer.zero_grad()
        losses.append(out.loss.item())
        if step == 0:
            start = time.perf_counter()
        else:
            tokens += ids.numel()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"tokens_per_second": tokens / seconds, "peak_rss_bytes": peak, "losses": losses}))


if __name__ == "__main__":
    main()
