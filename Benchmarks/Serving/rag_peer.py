"""The Python reference stack for `/rag`: FastAPI + sentence-transformers + hnswlib +
llama-cpp-python, doing Twin's RAG flow on the same corpus and models.

Corpus: the chunks of a Twin workspace's feature store (`.twin/vectors/vectors.sqlite`),
re-embedded here with sentence-transformers from the same all-MiniLM-L6-v2 files. Flow per
request: self-query (JSON-schema-constrained author pick), query expansion (a JSON list),
filtered hnswlib search per query, deduplication, top k, a numbered-context prompt, and a
greedy answer from the same GGUF model (one llama.cpp context, so one generation at a time).

Usage: python3 rag_peer.py --workspace .twin --embedder DIR --model FILE.gguf --port 8090
"""

import argparse
import json
import sqlite3
import threading

import hnswlib
import numpy as np
import uvicorn
from fastapi import FastAPI
from llama_cpp import Llama
from pydantic import BaseModel
from sentence_transformers import SentenceTransformer

parser = argparse.ArgumentParser()
parser.add_argument("--workspace", default=".twin")
parser.add_argument("--embedder", required=True)
parser.add_argument("--model", required=True)
parser.add_argument("--port", type=int, default=8090)
parser.add_argument("--expansions", type=int, default=2)
parser.add_argument("--max-tokens", type=int, default=200)
args = parser.parse_args()

rows = sqlite3.connect(f"{args.workspace}/vectors/vectors.sqlite").execute(
    "SELECT payload FROM points WHERE collection LIKE 'embedded_%'").fetchall()
chunks = [json.loads(r[0]) for r in rows]
authors = sorted({c["author_full_name"] for c in chunks})
encoder = SentenceTransformer(args.embedder, device="cpu")
vectors = encoder.encode([c["content"] for c in chunks], normalize_embeddings=True, batch_size=64)
index = hnswlib.Index(space="cosine", dim=vectors.shape[1])
index.init_index(max_elements=len(chunks), ef_construction=200, M=16)
index.add_items(vectors, np.arange(len(chunks)))
index.set_ef(64)
llm = Llama(model_path=args.model, n_ctx=4096, n_threads=2, verbose=False)
llm_lock = threading.Lock()
app = FastAPI()


class Ask(BaseModel):
    query: str
    k: int = 3


def chat(messages, max_tokens, schema=None):
    with llm_lock:
        reply = llm.create_chat_completion(
            messages=messages, max_tokens=max_tokens, temperature=0,
            response_format={"type": "json_object", "schema": schema} if schema else None)
    return reply["choices"][0]["message"]["content"]


@app.post("/rag")
def rag(ask: Ask):
    question = ask.query
    author_schema = {"type": "object", "properties": {"author": {"anyOf": [{"enum": authors}, {"type": "null"}]}},
                     "required": ["author"]}
    picked = json.loads(chat([
        {"role": "system", "content": f"You extract metadata from a question. Known authors: {'; '.join(authors)}. "
                                      "If the question names one, answer with that name; otherwise null. "
                                      "Reply with JSON: {\"author\": name or null}."},
        {"role": "user", "content": question}], 48, author_schema)).get("author")
    author = picked if picked and any(p.lower() in question.lower() for p in picked.split() if len(p) >= 3) else None
    schema = {"type": "array", "items": {"type": "string", "minLength": 8, "maxLength": 200},
              "minItems": args.expansions, "maxItems": args.expansions}
    try:
        alternatives = json.loads(chat([
            {"role": "system", "content": f"Write {args.expansions} different versions of the user's question, to "
                                          "retrieve relevant documents from a vector database. Reply with a JSON list "
                                          "of strings."},
            {"role": "user", "content": question}], 60 * args.expansions, schema))
    except json.JSONDecodeError:
        alternatives = []
    queries = [question] + [q for q in alternatives if isinstance(q, str) and q.strip() and q != question]
    best = {}
    # Twin asks 8 hits of each (query, collection) search; the sample corpus has one collection.
    available = sum(1 for c in chunks if author is None or c["author_full_name"] == author)
    for q_vector in encoder.encode(queries, normalize_embeddings=True):
        labels, distances = index.knn_query(q_vector, k=min(available, 8),
                                            filter=(lambda i: chunks[i]["author_full_name"] == author) if author else None)
        for label, distance in zip(labels[0], distances[0]):
            best[int(label)] = max(best.get(int(label), -1.0), 1 - float(distance))
    top = sorted(best.items(), key=lambda item: -item[1])[:ask.k]
    context = "\n\n".join(
        f"[{n + 1}] {chunks[i].get('title', 'untitled')} ({chunks[i]['author_full_name']}, {chunks[i]['platform']})\n"
        f"{chunks[i]['content'][:1200]}" for n, (i, _) in enumerate(top))
    answer = chat([
        {"role": "system", "content": "You are the writing twin of the author: answer in their voice, from their own "
                                      "writing. Use only the numbered context passages. Cite them as [1], [2]."},
        {"role": "user", "content": f"Context:\n{context}\n\nQuestion: {question}"}], args.max_tokens)
    return {"answer": answer, "author": author, "queries": queries,
            "sources": [{"title": chunks[i].get("title"), "link": chunks[i].get("link"), "score": s,
                         "author": chunks[i]["author_full_name"]} for i, s in top]}


uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
