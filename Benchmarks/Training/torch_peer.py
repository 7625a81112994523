"""twin-bench-train's peer: the same LoRA SFT steps with PyTorch, transformers and peft on the CPU.

    python torch_peer.py GGUF_FILE JOB_JSON

JOB_JSON: {"sequences": [[ids...], ...], "batch": B, "rank": r, "alpha": a, "learning_rate": lr,
"threads": n, "adapter": PEFT_FOLDER}; training starts from the peft adapter in PEFT_FOLDER. Runs len(sequences) / B optimiser steps (AdamW, no weight decay, gradient
clipping at 1, a linear schedule to 0, loss on every token), the first untimed. Prints one JSON line:
{"tokens_per_second", "peak_rss_bytes", "losses"}.
"""
import json
import os
import resource
import sys
import time

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM


def main():
    gguf_file, job_path = sys.argv[1:3]
    with open(job_path) as f:
        job = json.load(f)
    torch.set_num_threads(job["threads"])
    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(
        os.path.dirname(gguf_file), gguf_file=os.path.basename(gguf_file), torch_dtype=torch.float32)
    # Twin's initial adapter (rank, alpha and targets in its adapter_config.json).
    model = PeftModel.from_pretrained(base, job["adapter"], is_trainable=True)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=job["learning_rate"], weight_decay=0.0)
    sequences = job["sequences"]
    batch = job["batch"]
    total = len(sequences) // batch
    # Twin's schedule with no warm-up: linear from the peak to 0 at the last step.
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, (total - step) / total))
    losses = []
    start = None
    tokens = 0
    for step in range(len(sequences) // batch):
        ids = torch.tensor(sequences[step * batch:(step + 1) * batch])
        out = model(input_ids=ids, labels=ids)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        optimizer.step()
        scheduler.step()
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
