#!/usr/bin/env python3
"""A tiny, randomly initialised BertForSequenceClassification (a cross-encoder's shape) and its
reference scores from PyTorch transformers. No trained cross-encoder is available offline, so
this checks the architecture (pooler + classifier on [CLS] of the pair encoding) exactly.

Writes tiny_cross_encoder/ (config.json, model.safetensors, vocab.txt) and
cross_encoder_scores.json. The vocabulary is the first 3,000 entries of all-MiniLM-L6-v2's
vocab.txt, so the weights stay small (random weights, not a trained model).

Usage: python3 make_cross_encoder_fixture.py MINILM_MODEL_DIR
"""
import json
import os
import sys

import torch
from tokenizers import BertWordPieceTokenizer
from transformers import BertConfig, BertForSequenceClassification

PAIRS = [
    ("what is retrieval augmented generation?", "rag grounds answers in retrieved documents."),
    ("how big should chunks be?", "chunks must fit the model's window of 256 tokens."),
    ("who wrote the article?", "the author of the article is a person."),
    ("what is lora?", "low rank adapters are trained while the base model stays frozen."),
    ("query with no overlap", "completely different passage about the weather today."),
    ("", "empty query"),
    ("a long query " * 10, "a long passage " * 40),
    ("unicode café", "naïve résumé"),
]


def main():
    minilm = sys.argv[1]
    out_dir = "tiny_cross_encoder"
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(minilm, "vocab.txt"), encoding="utf-8") as f:
        vocab = f.read().split("\n")[:3000]
    with open(os.path.join(out_dir, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    torch.manual_seed(7)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=128, type_vocab_size=2, num_labels=1,
        layer_norm_eps=1e-12, hidden_act="gelu",
        # Large enough that the logits differ clearly between pairs: a wrong layer shows.
        initializer_range=0.3)
    model = BertForSequenceClassification(config).eval()
    # Random init leaves biases and LayerNorm at 0/1; perturb them so the test sees every term.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or "LayerNorm" in name:
                p.add_(torch.randn_like(p) * 0.1)
    model.save_pretrained(out_dir, safe_serialization=True)
    # The tokenizers library loads vocab.txt as it is. (transformers 5's BertTokenizerFast
    # ignores vocab_file and maps every word to [UNK], which would make this fixture vacuous.)
    tokenizer = BertWordPieceTokenizer(os.path.join(out_dir, "vocab.txt"), lowercase=True)
    tokenizer.enable_truncation(max_length=128)  # longest_first, the default for pairs
    results = []
    with torch.no_grad():
        for query, passage in PAIRS:
            enc = tokenizer.encode(query, passage)
            assert enc.ids.count(1) + enc.ids.count(100) < len(enc.ids) // 2 or not query, enc.ids
            ids = torch.tensor([enc.ids])
            types = torch.tensor([enc.type_ids])
            logits = model(input_ids=ids, token_type_ids=types, attention_mask=torch.ones_like(ids)).logits[0].tolist()
            results.append({
                "query": query, "passage": passage,
                "input_ids": enc.ids, "token_type_ids": enc.type_ids, "logits": logits,
            })
    with open("cross_encoder_scores.json", "w") as f:
        json.dump({"max_length": 128, "pairs": results}, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(results)} pairs; first logits {results[0]['logits']}")


if __name__ == "__main__":
    main()
