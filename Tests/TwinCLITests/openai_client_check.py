"""Drives `twin serve llm` with the official `openai` Python client (installed by .ci/run).

Usage: python3 openai_client_check.py BASE_URL API_KEY EXPECTED
EXPECTED is `twin generate`'s greedy answer to the same question: the server must give the same.
Prints one line per check and exits non-zero on the first failure.
"""

import json
import sys

from openai import OpenAI

base_url, api_key, expected = sys.argv[1], sys.argv[2], sys.argv[3]
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=120)


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail else ""))
    if not ok:
        sys.exit(1)


models = [m.id for m in client.models.list().data]
check("models", "smollm2-135m-instruct" in models and "minilm" in models, str(models))

reply = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    max_tokens=24, temperature=0)
text = reply.choices[0].message.content
check("chat", text == expected, f"{text!r} != {expected!r}")
check("chat usage", reply.usage.prompt_tokens > 0 and 0 < reply.usage.completion_tokens <= 24, str(reply.usage))

# Content as an array of text parts (newer clients send this) reads as the same text.
parts = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": [{"type": "text", "text": "What is the capital "},
                                           {"type": "text", "text": "of France?"}]}],
    max_tokens=24, temperature=0)
check("text content parts", parts.choices[0].message.content == expected, repr(parts.choices[0].message.content))
try:
    client.chat.completions.create(
        model="smollm2-135m-instruct",
        messages=[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://x/y.png"}}]}],
        max_tokens=4)
    check("image parts refused", False)
except Exception as error:  # openai.BadRequestError
    check("image parts refused", "400" in str(error) and "image_url" in str(error), str(error))

pieces = []
finish = None
for chunk in client.chat.completions.create(
        model="smollm2-135m-instruct",
        messages=[{"role": "user", "content": "What is the capital of France?"}],
        max_tokens=24, temperature=0, stream=True):
    if chunk.choices and chunk.choices[0].delta.content:
        pieces.append(chunk.choices[0].delta.content)
    if chunk.choices and chunk.choices[0].finish_reason:
        finish = chunk.choices[0].finish_reason
check("stream", len(pieces) > 1 and "".join(pieces) == text, repr("".join(pieces)))
check("stream finish", finish in ("stop", "length"), str(finish))

scored = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    max_tokens=8, temperature=0, logprobs=True, top_logprobs=3)
entries = scored.choices[0].logprobs.content
check("logprobs", len(entries) == scored.usage.completion_tokens
      and all(e.logprob <= 0 and len(e.top_logprobs) == 3 for e in entries), str(entries[:2]))
check("logprobs are greedy's", all(e.top_logprobs[0].token == e.token for e in entries)
      and "".join(e.token for e in entries) == scored.choices[0].message.content, scored.choices[0].message.content)

word = text.split()[2]
stopped = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    max_tokens=24, temperature=0, stop=[word])
check("stop", stopped.choices[0].message.content == text[:text.index(word)], repr(stopped.choices[0].message.content))

schema = {
    "type": "object",
    "properties": {"city": {"type": "string", "maxLength": 40}, "population_millions": {"type": "number"}},
    "required": ["city", "population_millions"],
}
structured = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "Describe Paris as JSON with its city name and population."}],
    max_tokens=60, temperature=0,
    response_format={"type": "json_schema", "json_schema": {"name": "city", "schema": schema}})
value = json.loads(structured.choices[0].message.content)
check("json_schema", isinstance(value.get("city"), str) and isinstance(value.get("population_millions"), (int, float)),
      structured.choices[0].message.content)

anything = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "Give me a JSON object about a cat."}],
    max_tokens=80, temperature=0, response_format={"type": "json_object"})
content = anything.choices[0].message.content
if anything.choices[0].finish_reason == "stop":
    check("json_object", isinstance(json.loads(content), dict), content)
else:
    check("json_object prefix", content.startswith("{"), content)

# n: every choice, each its own sampled sequence; the usage counts them all.
several = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "Name a colour."}],
    max_tokens=8, temperature=1.0, seed=7, n=3, user="someone")
check("n", [c.index for c in several.choices] == [0, 1, 2] and all(c.message.content for c in several.choices),
      str(several.choices))
single = client.chat.completions.create(
    model="smollm2-135m-instruct", messages=[{"role": "user", "content": "Name a colour."}], max_tokens=8, seed=7)
check("n usage", several.usage.prompt_tokens == single.usage.prompt_tokens
      and 3 <= several.usage.completion_tokens <= 24, str(several.usage))
texts = client.completions.create(model="smollm2-135m-instruct", prompt="Paris is", max_tokens=4, n=2, seed=1)
check("completions n", len(texts.choices) == 2, str(texts.choices))

# stream_options.include_usage: a last chunk without choices carries the usage.
chunks = list(client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    max_tokens=24, temperature=0, stream=True, stream_options={"include_usage": True}))
last = chunks[-1]
check("stream usage", not last.choices and last.usage is not None
      and last.usage.completion_tokens == reply.usage.completion_tokens
      and all(c.usage is None for c in chunks[:-1]), str(last))

# Tools: calls constrained to the offered tools and their schemas, plain and streamed.
weather = {"type": "function", "function": {"name": "weather", "description": "The weather in a city.", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
search = {"type": "function", "function": {"name": "search_posts", "parameters": {
    "type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}}
question = [{"role": "user", "content": "What's the weather in Paris?"}]
called = client.chat.completions.create(
    model="smollm2-135m-instruct", messages=question, tools=[weather, search], tool_choice="required",
    max_tokens=64, temperature=0)
choice = called.choices[0]
calls = choice.message.tool_calls or []
check("tools required", choice.finish_reason == "tool_calls" and len(calls) >= 1 and choice.message.content is None
      and all(c.type == "function" and c.id.startswith("call_") for c in calls), str(choice))
for c in calls:
    arguments = json.loads(c.function.arguments)
    key = "city" if c.function.name == "weather" else "query"
    check("tool arguments follow the schema", c.function.name in ("weather", "search_posts")
          and isinstance(arguments.get(key), str), c.function.arguments)

named = client.chat.completions.create(
    model="smollm2-135m-instruct", messages=question, tools=[weather, search], max_tokens=64, temperature=0,
    tool_choice={"type": "function", "function": {"name": "search_posts"}}, parallel_tool_calls=False)
named_calls = named.choices[0].message.tool_calls or []
check("tool_choice names a function", len(named_calls) == 1 and named_calls[0].function.name == "search_posts",
      str(named.choices[0]))

# Streamed: the client's own stream helper assembles the tool_calls deltas.
stream_helper = getattr(client.chat.completions, "stream", None) or client.beta.chat.completions.stream
with stream_helper(model="smollm2-135m-instruct", messages=question, tools=[weather, search],
                   tool_choice="required", max_tokens=64, temperature=0) as events:
    final = events.get_final_completion()
streamed_calls = final.choices[0].message.tool_calls or []
check("streamed tool_calls", final.choices[0].finish_reason == "tool_calls"
      and [(c.function.name, c.function.arguments) for c in streamed_calls]
      == [(c.function.name, c.function.arguments) for c in calls], str(final.choices[0]))

none = client.chat.completions.create(
    model="smollm2-135m-instruct", messages=question, tools=[weather], tool_choice="none", max_tokens=16, temperature=0)
check("tool_choice none", not none.choices[0].message.tool_calls and none.choices[0].message.content
      and none.choices[0].finish_reason in ("stop", "length"), str(none.choices[0]))

# The next turn carries the calls and their results back.
followup = client.chat.completions.create(
    model="smollm2-135m-instruct", max_tokens=24, temperature=0, tools=[weather, search],
    messages=question + [choice.message.model_dump(exclude_none=True)]
    + [{"role": "tool", "tool_call_id": c.id, "content": "18 C and sunny"} for c in calls])
check("tool results accepted", followup.choices[0].message.content is not None
      or followup.choices[0].message.tool_calls, str(followup.choices[0]))

# Fields the server does not implement, and malformed tool turns, are refused by name.
refusals = {
    "functions": dict(functions=[weather["function"]]),
    "logit_bias": dict(logit_bias={"1": 5}),
    "made_up_field": dict(extra_body={"made_up_field": 1}),
    "n": dict(n=2, stream=True),
    "tool_call_id": dict(messages=question + [{"role": "tool", "content": "18 C"}]),
    "tool_choice": dict(tools=[weather], tool_choice={"type": "function", "function": {"name": "nowhere"}}),
}
for field, extra in refusals.items():
    try:
        client.chat.completions.create(
            model="smollm2-135m-instruct", **{"messages": question, **extra}, max_tokens=4)
        check(f"{field} refused", False)
    except Exception as error:  # openai.BadRequestError
        check(f"{field} refused", "400" in str(error) and field in str(error), str(error))

embeddings = client.embeddings.create(model="minilm", input=["a cat sat", "a dog ran"])
vectors = [d.embedding for d in embeddings.data]
norm = sum(x * x for x in vectors[0]) ** 0.5
check("embeddings", len(vectors) == 2 and len(vectors[0]) == 384 and abs(norm - 1) < 1e-3, f"norm {norm}")

try:
    OpenAI(base_url=base_url, api_key="wrong-key", max_retries=0).models.list()
    check("wrong key refused", False)
except Exception as error:  # openai.AuthenticationError
    check("wrong key refused", "401" in str(error) or "authentication" in str(error).lower(), str(error))
print("all checks passed")
