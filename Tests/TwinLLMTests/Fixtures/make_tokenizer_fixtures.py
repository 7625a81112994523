"""Reference token ids from llama.cpp's tokenizer (llama-cpp-python) for the test strings, for
SmolLM2 (byte-level BPE, smollm pre-tokenizer) and Gemma 3 (SentencePiece, byte fallback).

    pip install llama-cpp-python
    python3 make_tokenizer_fixtures.py ~/.cache/twin/models
"""
import json
import sys

from llama_cpp import Llama

root = sys.argv[1]
models = {
    "smollm2-135m-instruct": f"{root}/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3-270m": f"{root}/gemma3-270m/gemma-3-270m-q4_k_m.gguf",
}
texts = [
    "The capital of France is",
    "Hello, world!",
    "",
    " ",
    "  leading and trailing spaces  ",
    "tabs\tand\nnewlines\n\nand\r\nCRLF",
    "multiple     spaces    between words",
    "\n\n\n\n",
    "Numbers: 0 7 42 1234 3.14159 -17 1,000,000 2026-11-23 0x1F",
    "Emoji: 😀 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️",
    "Accents: café naïve résumé Ångström façade",
    "Decomposed: cafe\u0301 nai\u0308ve",
    "CJK: 日本語のテキスト 中文文本 한국어 텍스트",
    "Mixed: Привет мир, γειά σου κόσμε, مرحبا بالعالم, שלום עולם",
    "Code: def f(x):\n    return x ** 2  # square\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }",
    "let url = \"https://example.com/path?q=1&r=two#frag\"",
    "JSON: {\"key\": [1, 2.5, true, null], \"nested\": {\"a\": \"b\"}}",
    "Contractions: don't can't it's we'll they've I'm she'd",
    "UPPER lower MiXeD CamelCaseWord snake_case_word kebab-case-word",
    "Punctuation!!! ??? ... --- *** ((( ))) [[ ]] {{ }} <<>>",
    "Symbols: © ® ™ € £ ¥ § ¶ • ° ± × ÷ → ⇒ ∀ ∃ ∑ √ ∞",
    "A very long word: pneumonoultramicroscopicsilicovolcanoconiosis",
    "Repeated: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "Zero\u200bwidth and\u00a0nbsp",
    "<|im_start|>user\nHi<|im_end|>",
    "<start_of_turn>user\nHi<end_of_turn>",
    "<bos>literal bos text",
    "The quick brown fox jumps over the lazy dog. " * 3,
    "Markdown: # Title\n\n- item **bold** _it_ `code`\n\n```python\nprint('x')\n```",
    "Once upon a time, in a small village,",
]
out = {"texts": texts, "models": {}}
for name, path in models.items():
    llm = Llama(model_path=path, vocab_only=True, verbose=False)
    cases = []
    for text in texts:
        cases.append(
            {
                "text": text,
                "ids": llm.tokenize(text.encode("utf-8"), add_bos=True, special=False),
                "ids_no_bos": llm.tokenize(text.encode("utf-8"), add_bos=False, special=False),
                "ids_special": llm.tokenize(text.encode("utf-8"), add_bos=True, special=True),
            }
        )
    out["models"][name] = cases
json.dump(out, open("tokenizer_ids.json", "w"), ensure_ascii=False)
print("ok", {k: len(v) for k, v in out["models"].items()})
