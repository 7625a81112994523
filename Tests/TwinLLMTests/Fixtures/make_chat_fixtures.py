"""Renders SmolLM2's own chat template (read from its GGUF) with Jinja2 for a few conversations,
so the native ChatML renderer can be checked against the model's template.

    pip install gguf jinja2
    python3 make_chat_fixtures.py ~/.cache/twin/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import json
import sys

import gguf
import jinja2

reader = gguf.GGUFReader(sys.argv[1])
template = reader.fields["tokenizer.chat_template"].contents()
env = jinja2.Environment()
compiled = env.from_string(template)
conversations = [
    [{"role": "user", "content": "What is a feature store?"}],
    [{"role": "system", "content": "You are Ada's twin."}, {"role": "user", "content": "Hello!"}],
    [
        {"role": "user", "content": "Name a vector index."},
        {"role": "assistant", "content": "HNSW."},
        {"role": "user", "content": "Why?\n  It is fast."},
    ],
]
cases = []
for messages in conversations:
    for generation in (True, False):
        cases.append(
            {
                "messages": messages,
                "add_generation_prompt": generation,
                "rendered": compiled.render(messages=messages, add_generation_prompt=generation),
            }
        )
json.dump({"template": template, "cases": cases}, open("chatml_smollm2.json", "w"), indent=1, ensure_ascii=False)
print(f"wrote {len(cases)} cases")
