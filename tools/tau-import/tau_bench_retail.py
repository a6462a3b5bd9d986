#!/usr/bin/env python3
"""Imports tau-bench's retail domain (115 test tasks) as spar scenarios, with the oracle its tests need.

Usage: tools/tau-import/tau_bench_retail.py [--tau-bench DIR] [--root DIR]

DIR is a tau-bench checkout (default: $TAU_BENCH, else tau-bench/ in common.py's TAU; pinned commit
59a200c6d575d595120f1cb70fea53cef0632f6b). Needs Python 3.10+ and pydantic (tau_bench/types.py);
litellm is stubbed, no model is ever called. Writes, under the spar checkout ROOT (default: this
file's):

  scenarios/tau-bench/retail/_db.lua (+ parts)   the database (orders, products, users), key order kept
  scenarios/tau-bench/retail/_schemas.lua        every tool's get_info() name, description, parameters
  scenarios/tau-bench/retail/_wiki.lua           wiki.md, the policy tau gives the agent
  scenarios/tau-bench/retail/task-NNN.lua        one scenario per task of tasks_test.py
  tests/fixtures/tau/retail/oracle.json          what tau's own Python says, for tests/e2e/tau_retail*.sh

Everything tau decides is computed by tau's own code here: each task's gold end state (its gold
actions run through tau's tools, diffed with the initial data), the user simulator's system prompt
(envs/user.py build_system_prompt), and the reward tau's env gives three agents (tau's loop of
agents/tool_calling_agent.py, 30 steps, with a user that states the instruction and then says
###STOP### to the first text reply): the gold agent (the task's actions, then a text with its
outputs), the no-op agent (one text reply) and the perturbing agent (the gold actions with one
argument of one action changed). The tool outputs those agents and a few hundred seeded random
calls (tests/e2e/tau_retail_tools.sh) get are recorded as well, byte for byte.
"""
import argparse
import copy
import json
import multiprocessing
import os
import random
import re
import sys
import types
import warnings

warnings.simplefilter("ignore", SyntaxWarning)  # eval() of the calculator probes, as tau runs them

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import (TAU, MAX_STEPS, as_dicts, gold_diff, fingerprint, lua_gold, lua_literal, notice_header,  # noqa: E402
                    oracle_agent, oracle_summary, oracle_task, tool_schemas, write_db)

DOMAIN = "retail"
PREFIX = "tau-bench/retail"
# Probes: this many seeded random calls per conversation (a conversation is 30 steps: the calls
# and the closing text), over this many conversations.
PROBES_PER_CONVERSATION = 28
PROBE_CONVERSATIONS = 12
SEED = 15


def load_tau(path):
    """Imports tau-bench from PATH with litellm stubbed (only the LLM user needs it)."""
    if "litellm" not in sys.modules:
        stub = types.ModuleType("litellm")
        stub.completion = None
        stub.provider_list = []
        sys.modules["litellm"] = stub
    sys.path.insert(0, path)
    from tau_bench.envs.retail import MockRetailDomainEnv
    from tau_bench.envs.retail.data import load_data
    from tau_bench.envs.retail.tasks_test import TASKS_TEST
    from tau_bench.envs.retail.tools import ALL_TOOLS
    from tau_bench.envs.retail.wiki import WIKI
    from tau_bench.envs.user import LLMUserSimulationEnv
    from tau_bench.types import Action
    return types.SimpleNamespace(Env=MockRetailDomainEnv, load_data=load_data, tasks=TASKS_TEST,
                                 tools=ALL_TOOLS, wiki=WIKI, user=LLMUserSimulationEnv, Action=Action)


def task_id(i):
    return f"{PREFIX}/task-{i:03d}"


def gold_state(tau, task):
    """The database after the task's gold actions, as calculate_reward builds it."""
    env = tau.Env(user_strategy="human", task_split="test", task_index=0)
    env.data = tau.load_data()
    for a in task.actions:
        if a.name not in env.terminate_tools:
            env.step(a)
    return env.data


WRITES = {"cancel_pending_order", "exchange_delivered_order_items", "modify_pending_order_address",
          "modify_pending_order_items", "modify_pending_order_payment", "modify_user_address",
          "return_delivered_order_items"}


# ---------------------------------------------------------------------------------------------
# Random calls for the differential test.

EXPRESSIONS = ["2 + 2", "54.04 + 41.64", "100 - 3 * 7.5", "(1 + 2) * 3", "10 / 4", "10 // 4", "7 // -2",
               "-7.5 // 2", "2 ** 10", "2 ** -1", "2 ** 0.5", "-2 ** 2", "(-8) ** 0.5", "1 / 0", "1.0 / 0",
               "1 // 0", "1.0 // 0", "0 ** -1", "", "   ", " 1", "1 +", "(1", "1)", "1 2", "01", "00",
               "1..2", ".", "1.", ".5", "2 ** 10000", "2.0 ** 10000", "()", "() + ()", "() + 1", "-()",
               "() * 2", "() * 2.0", "(1)(2)", "(2.5)()", "+-+1", "3--3", "1.5.5", "1 + abc", "2 x 3",
               "1e3", "0.1 + 0.2", "1234.5678 * 3", "(((3)))", "3 * (4 - 1.25) / 7", "1000000 * 1000000",
               "999999999999 * 999999999999", "5 / 3", "2.675 * 1", "1.005 + 0", "-0.0", "0 - 0.0",
               "1.23456789e5", "123 45", "**2", "2 **", "4 / (2 - 2)", "8 - 2 - 1", "2 ** 3 ** 2",
               "100.0", "1//1", "2//0.5", "49.99 * 3", "1 + (2 * (3 + 4)", "((1)", "(1))", "(*3)", "(1)(*2)",
               "(1)(**())", "(1 2 3", "(1 2) 01", "(9 .", "9" * 200 + ".0 * " + "9" * 200 + ".0",
               "9" * 200 + ".0 * " + "9" * 200 + ".0 - " + "9" * 200 + ".0 * " + "9" * 200 + ".0",
               "-(" + "9" * 200 + ".0 * " + "9" * 200 + ".0)"]


def random_expression(rng):
    def num():
        r = rng.random()
        if r < 0.5:
            return str(rng.randint(0, 999))
        return f"{rng.uniform(0, 999):.{rng.randint(1, 3)}f}"

    def expr(depth):
        if depth == 0 or rng.random() < 0.3:
            return num()
        op = rng.choice([" + ", " - ", " * ", " / ", " // ", "*"])
        e = expr(depth - 1) + op + expr(depth - 1)
        if rng.random() < 0.3:
            e = "(" + e + ")"
        if rng.random() < 0.1:
            e = "-" + e
        return e
    return expr(rng.randint(1, 3))


def mutate_id(rng, s):
    choice = rng.randrange(4)
    if choice == 0:
        return s[:-1] + str((int(s[-1]) + 1) % 10) if s[-1:].isdigit() else s + "0"
    if choice == 1:
        return s.lstrip("#")
    if choice == 2:
        return s.upper() if s != s.upper() else s.lower()
    return s + " "


def fixed_calls(tau, rng):
    """Calls every probe run makes: each expression of EXPRESSIONS, and every tool once with an
    argument it does not take and once with `data` (tau's env passes its own data= keyword)."""
    calls = [("calculate", {"expression": e}) for e in EXPRESSIONS]
    for t in tau.tools:
        f = t.get_info()["function"]
        args = {k: ("#W2611340" if k == "order_id" else ["1"] if v["type"] == "array" else "x")
                for k, v in f["parameters"]["properties"].items()}
        calls.append((f["name"], {**args, "note": "extra"}))
        calls.append((f["name"], {**args, "data": "x"}))
    return [(name, kwargs) for name, kwargs in calls if name != "transfer_to_human_agents" or "note" in kwargs]


def probe_calls(tau, rng, n, fixed=None):
    """N random calls over one fresh database, each as {name, kwargs}: valid and invalid ids,
    wrong statuses, bad payment methods, items of other products, unknown arguments."""
    data = tau.load_data()
    orders, users, products = data["orders"], data["users"], data["products"]
    order_ids, user_ids, product_ids = list(orders), list(users), list(products)
    by_status = {}
    for oid, o in orders.items():
        by_status.setdefault(o["status"], []).append(oid)
    all_items = [v for p in products.values() for v in p["variants"]]

    def some_order(status=None):
        if status and rng.random() < 0.8:
            return rng.choice(by_status[status])
        return rng.choice(order_ids)

    def payment_for(order):
        methods = list(users[order["user_id"]]["payment_methods"])
        r = rng.random()
        if r < 0.6:
            return rng.choice(methods)
        if r < 0.75:
            return order["payment_history"][0]["payment_method_id"]
        if r < 0.9:
            return rng.choice(["gift_card_0000000", "credit_card_0000000", "paypal_0000000"])
        other = users[rng.choice(user_ids)]["payment_methods"]
        return rng.choice(list(other))

    def items_for(order):
        ids = [i["item_id"] for i in order["items"]]
        k = rng.randint(0, min(3, len(ids)))
        picked = rng.sample(ids, k) if rng.random() < 0.85 else ids[:1] * 2
        if rng.random() < 0.1:
            picked = picked + [rng.choice(all_items)]
        news = []
        for item_id in picked:
            item = next((i for i in order["items"] if i["item_id"] == item_id), None)
            if item and rng.random() < 0.8:
                news.append(rng.choice(list(products[item["product_id"]]["variants"])))
            else:
                news.append(rng.choice(all_items))
        if rng.random() < 0.1 and news:
            news = news[:-1]
        return picked, news

    def address():
        return {"address1": f"{rng.randint(1, 999)} Elm Street", "address2": rng.choice(["", "Apt 2", "Suite 100"]),
                "city": rng.choice(["Austin", "Denver", "Boston"]), "state": rng.choice(["TX", "CO", "MA"]),
                "country": "USA", "zip": f"{rng.randint(10000, 99999)}"}

    def call():
        tool = rng.choice(["get_order_details", "get_user_details", "get_product_details", "find_user_id_by_email",
                           "find_user_id_by_name_zip", "list_all_product_types", "calculate", "think",
                           "cancel_pending_order", "modify_pending_order_address", "modify_user_address",
                           "modify_pending_order_payment", "modify_pending_order_items",
                           "modify_pending_order_items", "exchange_delivered_order_items",
                           "exchange_delivered_order_items", "return_delivered_order_items", "calculate"])
        if tool == "get_order_details":
            oid = some_order()
            return {"order_id": oid if rng.random() < 0.7 else mutate_id(rng, oid)}, tool
        if tool == "get_user_details":
            uid = rng.choice(user_ids)
            return {"user_id": uid if rng.random() < 0.7 else mutate_id(rng, uid)}, tool
        if tool == "get_product_details":
            r = rng.random()
            pid = rng.choice(product_ids) if r < 0.7 else (rng.choice(all_items) if r < 0.85 else "0000000000")
            return {"product_id": pid}, tool
        if tool == "find_user_id_by_email":
            email = users[rng.choice(user_ids)]["email"]
            r = rng.random()
            email = email if r < 0.5 else (email.upper() if r < 0.7 else ("\u212a" + email[1:] if r < 0.8
                                                                           else "nobody@example.com"))
            return {"email": email}, tool
        if tool == "find_user_id_by_name_zip":
            u = users[rng.choice(user_ids)]
            first, last, z = u["name"]["first_name"], u["name"]["last_name"], u["address"]["zip"]
            r = rng.random()
            if r < 0.2:
                first = first.lower()
            elif r < 0.35:
                last = last.upper()
            elif r < 0.5:
                z = mutate_id(rng, z)
            return {"first_name": first, "last_name": last, "zip": z}, tool
        if tool == "list_all_product_types":
            return {}, tool
        if tool == "calculate":
            e = rng.choice(EXPRESSIONS) if rng.random() < 0.6 else random_expression(rng)
            return {"expression": e}, tool
        if tool == "think":
            return {"thought": "The user wants " + rng.choice(["a refund.", "an exchange.", ""])}, tool
        if tool == "cancel_pending_order":
            oid = some_order("pending")
            reason = rng.choice(["no longer needed", "ordered by mistake", "no longer needed", "too expensive"])
            return {"order_id": oid if rng.random() < 0.9 else mutate_id(rng, oid), "reason": reason}, tool
        if tool in ("modify_pending_order_address", "modify_user_address"):
            kwargs = address()
            if tool == "modify_user_address":
                uid = rng.choice(user_ids)
                return {"user_id": uid if rng.random() < 0.85 else mutate_id(rng, uid), **kwargs}, tool
            return {"order_id": some_order("pending"), **kwargs}, tool
        if tool == "modify_pending_order_payment":
            oid = some_order("pending")
            return {"order_id": oid, "payment_method_id": payment_for(orders[oid])}, tool
        status = {"modify_pending_order_items": "pending", "exchange_delivered_order_items": "delivered",
                  "return_delivered_order_items": "delivered"}[tool]
        oid = some_order(status)
        order = orders[oid]
        picked, news = items_for(order)
        if tool == "return_delivered_order_items":
            return {"order_id": oid, "item_ids": picked, "payment_method_id": payment_for(order)}, tool
        return {"order_id": oid, "item_ids": picked, "new_item_ids": news, "payment_method_id": payment_for(order)}, tool

    env = tau.Env(user_strategy="human", task_split="test", task_index=0)
    env.data = data  # the generator reads the same data the calls change
    out = []
    for k in range(n):
        if fixed:
            tool, kwargs = fixed[k]
        else:
            kwargs, tool = call()
            r = rng.random()
            if r < 0.03:
                kwargs = {**kwargs, "note": "extra"}  # an argument the tool does not take
            elif r < 0.05:
                kwargs = {**kwargs, "data": {}}
        res = env.step(tau.Action(name=tool, kwargs=copy.deepcopy(kwargs)))
        out.append({"name": tool, "kwargs": kwargs, "output": res.observation})
    return out


# ---------------------------------------------------------------------------------------------
# Lua output.

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LUA_KEYWORDS = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
                "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"}


def plain_lua(value, indent=""):
    """VALUE as a plain Lua table (no _keys): what spar sends the agent as a tool's schema."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        parts = []
        for k, v in value.items():
            key = k if IDENT.match(k) and k not in LUA_KEYWORDS else "[" + lua_literal(k) + "]"
            parts.append(f"{inner}{key} = {plain_lua(v, inner)},")
        return "{\n" + "\n".join(parts) + "\n" + indent + "}"
    if isinstance(value, list):
        return "{ " + ", ".join(plain_lua(v, inner) for v in value) + " }"
    return lua_literal(value)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def header(what):
    return notice_header("tau-bench", what + " Generated by tools/tau-import/tau_bench_retail.py.")


def schemas_lua(tau):
    out = {}
    for t in tau.tools:
        f = t.get_info()["function"]
        params = dict(f["parameters"])
        if params.get("required") == []:
            # An empty Lua table crosses into JSON as {}, which no schema accepts for `required`;
            # leaving it out means the same (no argument is required).
            del params["required"]
        out[f["name"]] = {"description": f["description"], "parameters": params}
    body = "return {\n"
    for name, s in out.items():
        body += f"  {name} = {{\n    description = {lua_literal(s['description'])},\n"
        body += f"    parameters = {plain_lua(s['parameters'], '    ')},\n  }},\n"
    body += "}\n"
    return header("tau-bench retail's tool schemas: each tool's get_info()['function'].") + body


def task_lua(i, task, user_system, gold):
    actions = "{\n" + "".join(
        f"    {{ name = {lua_literal(a.name)}, kwargs = {plain_lua(a.kwargs, '      ')} }},\n" for a in task.actions
    ) + "  }"
    outputs = "{ " + ", ".join(lua_literal(o) for o in task.outputs) + " }"
    return (header(f"tau-bench retail, test task {i} (tau_bench/envs/retail/tasks_test.py, TASKS_TEST[{i}]).")
            + "local T = include(\"_tau.lua\")\n"
            + "local retail = include(\"_retail.lua\")\n"
            + "return retail.task {\n"
            + f"  index = {i},\n"
            + f"  user_id = {lua_literal(task.user_id)},\n"
            + f"  instruction = {lua_literal(task.instruction)},\n"
            + f"  user_system = {lua_literal(user_system)},\n"
            + f"  actions = {actions},\n"
            + f"  outputs = {outputs},\n"
            + f"  gold = {gold},\n"
            + "}\n")


_TAU = None


def _init_worker(path):
    global _TAU
    _TAU = load_tau(path)


def _import_task(i):
    """Task I's scenario file and its oracle entry (run in a worker: tau's reward hashes the
    whole database, about a second per run of tau's loop)."""
    tau, task = _TAU, _TAU.tasks[i]
    initial = tau.load_data()
    user_system = tau.user.build_system_prompt(None, instruction=task.instruction)
    changed, removed = gold_diff(initial, gold_state(tau, task))
    gold = lua_gold(changed, removed, task.outputs).replace("\n", "\n  ")
    entry = oracle_task(tau, i, as_dicts(task.actions), task.outputs, random.Random(SEED * 1000 + i), WRITES,
                        tool_schemas(tau.tools))
    return i, task_lua(i, task, user_system, gold), entry


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = next((p for p in (os.path.join(TAU, "tau-bench"), "/work/shared/tau/tau-bench") if os.path.isdir(p)), None)
    ap.add_argument("--tau-bench", default=os.environ.get("TAU_BENCH", default))
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument("--no-db", action="store_true", help="leave the _db*.lua files as they are")
    ap.add_argument("--probes-only", action="store_true",
                    help="only draw the probes again (the scenarios and the tasks' oracle stay as they are)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="worker processes (default 2)")
    args = ap.parse_args()
    tau = load_tau(args.tau_bench)
    folder = os.path.join(args.root, "scenarios", "tau-bench", DOMAIN)
    fixtures = os.path.join(args.root, "tests", "fixtures", "tau", DOMAIN)

    initial = tau.load_data()
    if not args.no_db and not args.probes_only:
        write_db(folder, "db", initial, header("tau-bench retail's database (tau_bench/envs/retail/data/*.json)."))
    write(os.path.join(folder, "_schemas.lua"), schemas_lua(tau))
    write(os.path.join(folder, "_wiki.lua"),
          header("tau-bench retail's policy (tau_bench/envs/retail/wiki.md), the agent's system prompt.")
          + "return " + lua_literal(tau.wiki) + "\n")

    agent = oracle_agent(tau.wiki, tau.tools)
    oracle = {"tau_bench_commit": "59a200c6d575d595120f1cb70fea53cef0632f6b", "max_steps": MAX_STEPS,
              "agent": agent, "tasks": {}, "probes": {}}
    oracle_path = os.path.join(fixtures, "oracle.json")
    if args.probes_only:
        with open(oracle_path, encoding="utf-8") as f:
            oracle["tasks"] = json.load(f)["tasks"]
    else:
        with multiprocessing.Pool(args.jobs, initializer=_init_worker, initargs=(args.tau_bench,)) as pool:
            for i, lua, entry in pool.imap(_import_task, range(len(tau.tasks))):
                write(os.path.join(folder, f"task-{i:03d}.lua"), lua)
                oracle["tasks"][task_id(i)] = entry
    rng = random.Random(SEED)
    batches = [None] * PROBE_CONVERSATIONS
    fixed = fixed_calls(tau, rng)
    batches += [fixed[k:k + PROBES_PER_CONVERSATION] for k in range(0, len(fixed), PROBES_PER_CONVERSATION)]
    for c, batch in enumerate(batches):
        calls = probe_calls(tau, rng, len(batch) if batch else PROBES_PER_CONVERSATION, batch)
        oracle["probes"][task_id(c)] = [{"name": p["name"], "kwargs": p["kwargs"], **fingerprint(p["output"])}
                                        for p in calls]
    write(oracle_path, json.dumps(oracle, indent=1, sort_keys=True) + "\n")
    print(oracle_summary(oracle), file=sys.stderr)


if __name__ == "__main__":
    main()
