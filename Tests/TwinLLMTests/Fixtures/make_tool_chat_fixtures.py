"""Renders Qwen 2.5's own chat template (read from its GGUF) with tools, tool calls and tool
results, as Hugging Face transformers renders it (same Jinja settings and `tojson`), so the
native tool prompt can be checked against the model's template.

    pip install gguf jinja2
    python3 make_tool_chat_fixtures.py ~/.cache/twin/models/qwen2.5-coder-1.5b-instruct/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

Dictionaries are built with sorted keys: Twin's JSON values keep no key order and render
sorted, which is the one difference from a client's order.
"""
import json
import sys

import gguf
import jinja2
from jinja2.ext import loopcontrols

reader = gguf.GGUFReader(sys.argv[1])
template = reader.fields["tokenizer.chat_template"].contents()


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' own filter (chat_template_utils.py): unlike Jinja's, it does not escape HTML.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
compiled = env.from_string(template)


def sorted_keys(value):
    return json.loads(json.dumps(value, sort_keys=True))


weather = {
    "name": "get_weather",
    "description": "The current weather in a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "The city, in English."}, "unit": {"enum": ["celsius", "fahrenheit"]}},
        "required": ["city"],
    },
}
search = {
    "name": "search_posts",
    "description": "Searches Ada's posts for a phrase: \"quoted\" text & <tags> kept, café too.",
    "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}}, "required": ["query"]},
}


def call(id, name, arguments):
    return {"id": id, "name": name, "arguments": json.dumps(arguments)}


conversations = [
    ([weather], [{"role": "user", "content": "What's the weather in Paris?"}]),
    (
        [weather, search],
        [
            {"role": "system", "content": "You are Ada's twin."},
            {"role": "user", "content": "Weather in Paris and Lyon?"},
            {"role": "assistant", "content": "", "toolCalls": [call("call_1", "get_weather", {"city": "Paris"}), call("call_2", "get_weather", {"city": "Lyon", "unit": "celsius"})]},
            {"role": "tool", "content": "18 C, sunny", "toolCallID": "call_1"},
            {"role": "tool", "content": "21 C, cloudy", "toolCallID": "call_2"},
            {"role": "assistant", "content": "Paris: 18 C and sunny; Lyon: 21 C and cloudy."},
            {"role": "user", "content": "And what did I write about RAG?"},
        ],
    ),
    (
        [search],
        [
            {"role": "user", "content": "Find my post on chunking."},
            {"role": "assistant", "content": "Let me look.", "toolCalls": [call("call_9", "search_posts", {"query": "chunking", "limit": 3})]},
            {"role": "tool", "content": "[\"Chunking for RAG\"]", "toolCallID": "call_9"},
        ],
    ),
    # No tools offered, but calls and results in the history.
    (
        [],
        [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": "", "toolCalls": [call("call_3", "get_weather", {"city": "Oslo"})]},
            {"role": "tool", "content": "-2 C", "toolCallID": "call_3"},
        ],
    ),
    ([], [{"role": "user", "content": "Hello!"}]),
]


def hugging_face(message):
    out = {"role": message["role"], "content": message["content"]}
    if "toolCalls" in message:
        out["tool_calls"] = [
            {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": sorted_keys(json.loads(c["arguments"]))}}
            for c in message["toolCalls"]
        ]
    if "toolCallID" in message:
        out["tool_call_id"] = message["toolCallID"]
    return out


cases = []
for tools, messages in conversations:
    wire_tools = [sorted_keys({"type": "function", "function": t}) for t in tools]
    for generation in (True, False):
        rendered = compiled.render(
            messages=[hugging_face(m) for m in messages], tools=wire_tools or None, add_generation_prompt=generation
        )
        cases.append({"tools": tools, "messages": messages, "add_generation_prompt": generation, "rendered": rendered})
json.dump({"template": template, "cases": cases}, open("chatml_qwen25_tools.json", "w"), indent=1, ensure_ascii=False)
print(f"wrote {len(cases)} cases")
