"""Drives `twin serve llm` (Qwen 2.5 Coder 1.5B) with LangChain's `ChatOpenAI` (installed by
scripts/test): `bind_tools`, a tool-calling agent loop of two turns, streamed calls and a
forced tool choice.

Usage: python3 langchain_tools_check.py BASE_URL API_KEY MODEL
Prints one line per check and exits non-zero on the first failure.
"""

import sys

from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

base_url, api_key, model = sys.argv[1], sys.argv[2], sys.argv[3]


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail else ""))
    if not ok:
        sys.exit(1)


@tool
def get_weather(city: str) -> str:
    """The current weather in a city."""
    return "18 C and sunny" if "paris" in city.lower() else "unknown"


@tool
def search_posts(query: str) -> str:
    """Searches the author's blog posts for a phrase."""
    return "no posts found"


llm = ChatOpenAI(base_url=base_url, api_key=api_key, model=model, temperature=0, max_tokens=128, max_retries=0,
                 timeout=600)
agent = llm.bind_tools([get_weather, search_posts])
tools = {"get_weather": get_weather, "search_posts": search_posts}

# Turn 1: the model decides (`auto`) to call the weather tool.
messages = [HumanMessage("What's the weather in Paris?")]
first = agent.invoke(messages)
check("bind_tools: a call", len(first.tool_calls) >= 1 and first.tool_calls[0]["name"] == "get_weather"
      and "paris" in str(first.tool_calls[0]["args"].get("city", "")).lower(), repr(first.tool_calls))

# Turn 2: the tool results go back; the model answers from them.
messages.append(first)
for call in first.tool_calls:
    messages.append(ToolMessage(tools[call["name"]].invoke(call["args"]), tool_call_id=call["id"]))
second = agent.invoke(messages)
check("agent loop: an answer from the result", not second.tool_calls and "18" in second.content, repr(second.content))

# Streamed: LangChain assembles the call from the deltas.
chunks = list(agent.stream([HumanMessage("What's the weather in Paris?")]))
gathered = chunks[0]
for chunk in chunks[1:]:
    gathered = gathered + chunk
check("stream: the same call", [(c["name"], c["args"]) for c in gathered.tool_calls]
      == [(c["name"], c["args"]) for c in first.tool_calls], repr(gathered.tool_calls))

# A forced choice: the named tool even where no tool is needed.
forced = llm.bind_tools([get_weather, search_posts], tool_choice="search_posts").invoke("Hello there!")
check("tool_choice by name", [c["name"] for c in forced.tool_calls] == ["search_posts"], repr(forced.tool_calls))
print("all checks passed")
