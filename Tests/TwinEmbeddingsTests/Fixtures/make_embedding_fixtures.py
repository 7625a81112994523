#!/usr/bin/env python3
"""Reference embeddings for all-MiniLM-L6-v2 from sentence-transformers (the reference
implementation). Writes minilm_embeddings.json: texts, token counts and float32 vectors
(base64, little-endian). CI reads the committed JSON; it never needs torch.

Usage: python3 make_embedding_fixtures.py MODEL_DIR
  MODEL_DIR: the Hugging Face model directory (twin models pull minilm puts it in
  ~/.cache/twin/models/minilm). Needs `pip install sentence-transformers`.
"""
import base64
import json
import random
import struct
import sys

from sentence_transformers import SentenceTransformer

HANDWRITTEN = [
    "The quick brown fox jumps over the lazy dog.",
    "",
    "a",
    "Hello, world!",
    "Retrieval-augmented generation grounds answers in the author's own writing.",
    "Chunk documents by tokens, never by characters: the model truncates silently at 256 tokens.",
    "Café, naïve, résumé, coöperate, Ångström, jalapeño, Zürich, São Paulo.",
    "Straße, Fußball, İstanbul, ıi, ΑΒΓ αβγ, Привет мир, مرحبا بالعالم",
    "東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.",
    "Emoji test 😀👍🏽👨‍👩‍👧‍👦🇫🇷 and ✨ sparkles ✨",
    "Visit https://example.com/path?query=1&x=y#frag or mail me at someone@example.org.",
    "def embed(texts):\n\treturn [model(t) for t in texts]  # tabs and newlines",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }",
    "SELECT id, title FROM articles WHERE author_id = 42 ORDER BY created_at DESC;",
    "Version 3.14.159 costs $1,299.99 (about €1.2k) — a 12.5% discount!!!",
    "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "x" * 150,
    "Zero\u200bwidth\u200cjoiners\u200dand\ufeffBOMs and soft\u00adhyphens.",
    "Control\x07chars\x1bin\x00text",
    "   leading and trailing whitespace   \n\n\t",
    "ALL CAPS SENTENCE WITH SHOUTING AND ACRONYMS LIKE GPU, CPU, LLM, RAG.",
    "LoRA fine-tuning updates low-rank adapters; DPO then aligns the model with preferences.",
    "Vector search with HNSW trades a little recall for a large speed-up over exact search.",
    "The feature pipeline cleans, chunks and embeds documents into the vector store.",
    "I don't think it's wrong; they'd've said so, wouldn't they?",
    "«Guillemets», „Anführungszeichen“, ‘single’ and “double” quotes.",
    "Math: ∑ᵢ xᵢ² ≤ ‖x‖₂², ∀ε>0 ∃δ>0, ∞, √2 ≈ 1.41421.",
    "Hindi: नमस्ते दुनिया; Thai: สวัสดีชาวโลก; Hebrew: שלום עולם",
]

WORDS = (
    "data pipeline model token embedding vector search query author article post repository "
    "crawler feature store chunk clean train evaluate infer serve latency throughput batch "
    "stream prompt answer context retrieval rerank judge style accuracy dataset instruction "
    "preference adapter weight gradient loss epoch layer attention head matrix kernel thread "
    "cache memory disk network server client request response error retry timeout the a of "
    "and to in is that for on with as by it this be are from at or an was which will can "
    "quickly carefully rarely always never often measured reliable honest small large fast "
    "slow careful clever simple complex useful natural"
).split()


def generated(rng, n):
    out = []
    for i in range(n):
        length = rng.randint(3, 90)
        words = [rng.choice(WORDS) for _ in range(length)]
        words[0] = words[0].capitalize()
        text = " ".join(words) + rng.choice([".", "?", "!", "", "..."])
        out.append(text)
    return out


def long_text(rng):
    # Over 256 tokens: checks truncation at max_seq_length.
    return " ".join(rng.choice(WORDS) for _ in range(400)) + "."


def main():
    model_dir = sys.argv[1]
    rng = random.Random(1234)
    texts = HANDWRITTEN + [long_text(rng), long_text(rng)] + generated(rng, 190)
    model = SentenceTransformer(model_dir, device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    vectors = model.encode(texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=False)
    tokenizer = model.tokenizer
    entries = []
    for text, vec in zip(texts, vectors):
        ids = tokenizer(text, truncation=True, max_length=256)["input_ids"]
        blob = struct.pack("<%df" % len(vec), *[float(v) for v in vec])
        entries.append({"text": text, "tokens": len(ids), "vector": base64.b64encode(blob).decode()})
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "max_seq_length": 256,
        "dimension": int(vectors.shape[1]),
        "entries": entries,
    }
    with open("minilm_embeddings.json", "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
    print(f"wrote {len(entries)} embeddings; first: {vectors[0][:5]}")


if __name__ == "__main__":
    main()
