"""Agent tool loops written against OpenAI, run against slm-fleet with only the base URL changed.

Usage: python agent_loop.py BASE_URL TASK. Prints one JSON object: what each client saw, for
test/frameworks/python-clients.test.ts to check. The task must serve lookup_order.
"""

import json
import sys

import openai
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

BASE_URL, TASK = sys.argv[1], sys.argv[2]
PARAMETERS = {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}
CHAT_TOOLS = [{"type": "function", "function": {"name": "lookup_order", "description": "Find an order", "parameters": PARAMETERS}}]
RESPONSES_TOOLS = [{"type": "function", "name": "lookup_order", "description": "Find an order", "parameters": PARAMETERS}]
PROMPT = "Where is order 42? Please lookup order."
client = openai.OpenAI(base_url=BASE_URL, api_key="unused", max_retries=0)
seen = {}

# The openai package, chat completions: a tool call, its result, the answer.
messages = [{"role": "developer", "content": "You help with orders."}, {"role": "user", "content": PROMPT}]
first = client.chat.completions.create(model=TASK, messages=messages, tools=CHAT_TOOLS)
call = first.choices[0].message.tool_calls[0]
messages += [first.choices[0].message.model_dump(exclude_none=True), {"role": "tool", "tool_call_id": call.id, "content": '{"status": "shipped"}'}]
second = client.chat.completions.create(model=TASK, messages=messages, tools=CHAT_TOOLS)
seen["chat"] = {
    "finish": [first.choices[0].finish_reason, second.choices[0].finish_reason],
    "tool": call.function.name,
    "arguments": json.loads(call.function.arguments),
    "answer": second.choices[0].message.content,
}

# Streamed: the pieces of one tool call.
pieces = []
for chunk in client.chat.completions.create(model=TASK, messages=messages[:2], tools=CHAT_TOOLS, tool_choice="required", stream=True):
    if chunk.choices and chunk.choices[0].delta.tool_calls:
        pieces += chunk.choices[0].delta.tool_calls
seen["stream"] = {
    "pieces": len(pieces),
    "first": {"id": pieces[0].id, "name": pieces[0].function.name},
    "arguments": json.loads("".join(p.function.arguments or "" for p in pieces)),
}

# The Responses API: function_call, then function_call_output.
response = client.responses.create(model=TASK, input=PROMPT, tools=RESPONSES_TOOLS)
fc = response.output[0]
after = client.responses.create(
    model=TASK, tools=RESPONSES_TOOLS,
    input=[{"role": "user", "content": PROMPT}, fc, {"type": "function_call_output", "call_id": fc.call_id, "output": "shipped"}],
)
seen["responses"] = {"first": fc.type, "name": fc.name, "store": response.store, "answer": after.output_text}

# A refusal names the field.
try:
    client.chat.completions.create(model=TASK, messages=messages[:2], tools=CHAT_TOOLS, tool_choice={"type": "function", "function": {"name": "nope"}})
    seen["refusal"] = None
except openai.BadRequestError as error:
    seen["refusal"] = {"status": error.status_code, "param": error.body.get("param")}


# LangChain: bind_tools, the tool run, the answer; then streamed chunks added up.
@tool
def lookup_order(order_id: str) -> str:
    """Find an order by its id and return its status."""
    return f"order {order_id} has shipped"


llm = ChatOpenAI(base_url=BASE_URL, api_key="unused", model=TASK, max_retries=0).bind_tools([lookup_order])
history = [HumanMessage(PROMPT)]
ai = llm.invoke(history)
history += [ai, ToolMessage(lookup_order.invoke(ai.tool_calls[0]["args"]), tool_call_id=ai.tool_calls[0]["id"])]
final = llm.invoke(history)
streamed = None
for part in llm.stream([HumanMessage(PROMPT)]):
    streamed = part if streamed is None else streamed + part
seen["langchain"] = {"tool": ai.tool_calls[0]["name"], "answer": final.content, "streamed_tool": streamed.tool_calls[0]["name"]}

# Who answered: the headers slm-fleet adds to every answer, read through the raw response.
raw = client.chat.completions.with_raw_response.create(model=TASK, messages=[{"role": "user", "content": PROMPT}], tools=CHAT_TOOLS)
raw.parse()
seen["answered_by"] = {
    "specialist": raw.headers.get("x-slm-answered-by"),
    "tier": raw.headers.get("x-slm-tier"),
    "reason": raw.headers.get("x-slm-fallback-reason"),
}

print(json.dumps(seen))
