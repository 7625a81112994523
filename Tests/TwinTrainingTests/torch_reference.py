"""PyTorch reference for Twin's LoRA training: loss, LoRA gradients and logits of one batch.

    python torch_reference.py GGUF_FILE ADAPTER_DIR BATCH_JSON OUT_SAFETENSORS

Loads the GGUF base with transformers (which dequantises it to float32), applies the peft
adapter in ADAPTER_DIR (written by Twin, so both sides start from the same matrices), runs the
batch {"input_ids": [[...]], "labels": [[...]]} (labels -100 where no loss is taken,
unshifted, as transformers expects) and writes every LoRA gradient under peft's saved name, and
the logits as "logits". Prints {"loss": ...} as its last line.

Needs torch, transformers, peft, gguf and safetensors (scripts/test installs them).
"""
import json
import os
import sys

import torch
from peft import PeftModel
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM


def main():
    gguf_file, adapter_dir, batch_path, out_path = sys.argv[1:5]
    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(
        os.path.dirname(gguf_file), gguf_file=os.path.basename(gguf_file), torch_dtype=torch.float32)
    model = PeftModel.from_pretrained(base, adapter_dir, is_trainable=True)
    model.eval()  # no dropout anywhere: the adapters' dropout is 0 and attention's is off
    with open(batch_path) as f:
        batch = json.load(f)
    ids = torch.tensor(batch["input_ids"])
    labels = torch.tensor(batch["labels"])
    out = model(input_ids=ids, labels=labels)
    out.loss.backward()
    tensors = {"logits": out.logits[0].detach().contiguous()}
    for name, p in model.named_parameters():
        if p.requires_grad:
            tensors[name.replace(".default", "")] = p.grad.detach().contiguous()
    save_file(tensors, out_path)
    print(json.dumps({"loss": out.loss.item()}))


if __name__ == "__main__":
    main()
