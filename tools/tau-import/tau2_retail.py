#!/usr/bin/env python3
"""tau2-bench's retail domain as spar scenarios, scored by tau2's own reward computed here.

Usage: tools/tau-import/tau2_retail.py [--tau2 /work/shared/tau/tau2-bench] [--root .]

Runs tau2-bench's own Python (its retail tools, environment and environment evaluator, from
--tau2, with the stand-ins of tau2_stubs/ for the modules that copy lacks) and writes, under
--root:

  scenarios/tau2-bench/retail/_db.lua (+ parts)  the database as tau2's pydantic RetailDB dumps it
  scenarios/tau2-bench/retail/_schemas.lua       each tool's description and parameters as tau2's
                                                 Tool.openai_schema gives them
  scenarios/tau2-bench/retail/task-NNN.lua       one scenario per task of tau2's "base" split
                                                 (all 114; the 40 of "test" are marked)
  tests/fixtures/tau/tau2-retail/gold.json       per task: the gold calls and tau2's tool message
                                                 for each, a one-argument perturbation of them with
                                                 its messages, and tau2's reward for the gold, the
                                                 no-op and the perturbed conversation
  tests/fixtures/tau/tau2-retail/differential.json  seeded random tool calls and tau2's answers

Each task's goal is tau2's reward as far as it can be had offline: the DB check (the hash of the
whole database after the conversation against the hash after replaying the gold actions on a
fresh one), which is computed here as the records the gold actions leave changed (gold_diff),
and tau2's ending rule (a conversation scores only if the user stopped it). None of the 114
tasks has COMMUNICATE, ACTION or ENV_ASSERTION in its reward_basis; 112 have NL_ASSERTION, whose
assertions (40 tasks have any) an LLM judges: they are kept as the scenario's judge rubric and are
not part of the goal (see docs/tau.md).
"""
import argparse
import copy
import json
import os
import random
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402  (tools/tau-import/common.py: lua_literal, write_db, gold_diff, ...)


def load_tau2(tau2_root):
    """Imports tau2's retail environment and environment evaluator from tau2_root/src."""
    os.environ.setdefault("TAU2_DATA_DIR", str(Path(tau2_root) / "data"))
    sys.path[:0] = [str(HERE / "tau2_stubs"), str(Path(tau2_root) / "src")]
    # tau2.data_model.simulation needs pandas and tau2's orchestrator; the environment evaluator
    # reads only these three result models from it.
    sim = types.ModuleType("tau2.data_model.simulation")
    exec(
        "from typing import Any, Optional\n"
        "from pydantic import BaseModel\n"
        "class DBCheck(BaseModel):\n    db_match: bool\n    db_reward: float\n"
        "class EnvAssertionCheck(BaseModel):\n    env_assertion: Any\n    met: bool\n    reward: float\n"
        "class RewardInfo(BaseModel):\n    reward: float\n    db_check: Optional[DBCheck] = None\n"
        "    env_assertions: Optional[list] = None\n    reward_basis: Optional[list] = None\n"
        "    reward_breakdown: Optional[dict] = None\n    info: Optional[dict] = None\n",
        sim.__dict__,
    )
    sys.modules["tau2.data_model.simulation"] = sim
    from tau2.data_model import message
    from tau2.domains.retail import environment
    from tau2.evaluator.evaluator_env import EnvironmentEvaluator

    # Every environment (each replay, and the evaluator's predicted and gold ones) gets its
    # database from db.json's text read once and validated by pydantic's own JSON parser (a tenth
    # of json.load + model_validate's time, 8 databases a task); checked equal to RetailDB.load's.
    text = Path(environment.RETAIL_DB_PATH).read_text()
    assert (environment.RetailDB.model_validate_json(text).model_dump()
            == environment.RetailDB.load(environment.RETAIL_DB_PATH).model_dump())
    load = environment.get_environment
    environment.get_environment = lambda db=None, solo_mode=False: load(
        db=environment.RetailDB.model_validate_json(text) if db is None else db, solo_mode=solo_mode)
    return environment, message, EnvironmentEvaluator


def plain_lua(v, indent=""):
    """A JSON value as a Lua table literal without key order (for tool schemas, which spar
    sends as JSON objects: a `_keys` list there would reach the agent as a property)."""
    if isinstance(v, dict):
        if not v:
            return "{}"
        inner = indent + "  "
        parts = []
        for k, x in v.items():
            key = k if k.isidentifier() and k not in LUA_KEYWORDS else "[" + common.lua_literal(k) + "]"
            parts.append(f"{inner}{key} = {plain_lua(x, inner)},")
        return "{\n" + "\n".join(parts) + "\n" + indent + "}"
    if isinstance(v, list):
        return "{ " + ", ".join(plain_lua(x, indent) for x in v) + " }"
    return common.lua_literal(v)


LUA_KEYWORDS = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
                "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"}

def header(what):
    """The notice every generated file starts with, and how it was made."""
    return common.notice_header("tau2-bench", what) + (
        "-- Generated by tools/tau-import/tau2_retail.py, which runs tau2-bench's own Python (data/tau2/domains/\n"
        "-- retail, src/tau2) with the stand-ins of tools/tau-import/tau2_stubs/ for tau2.utils, tau2.config,\n"
        "-- loguru and docstring_parser, which the pinned copy lacks.\n")

def user_scenario(task):
    """What tau2's user simulator is told of the task: its user_scenario as tau2's
    UserScenario.__str__ prints it (T2.persona puts it in the user model's prompt)."""
    return str(task.user_scenario)


def lua_long_string(s):
    eq = "="
    while "]" + eq + "]" in s or s.endswith("]" + eq[:-1]):
        eq += "="
    return "[" + eq + "[\n" + s + "]" + eq + "]"


def tool_call(message, i, name, arguments):
    return message.ToolCall(id=f"call_{i}", name=name, arguments=arguments, requestor="assistant")


def play(environment, message, calls):
    """Runs calls on a fresh environment as the agent would make them; returns the tool
    message texts and the trajectory (tau2 messages) for the evaluator."""
    env = environment.get_environment()
    outputs, trajectory = [], [message.UserMessage(role="user", content="Hi")]
    for i, (name, arguments) in enumerate(calls):
        tc = tool_call(message, i, name, arguments)
        trajectory.append(message.AssistantMessage(role="assistant", tool_calls=[tc]))
        resp = env.get_response(tc)
        outputs.append(resp.content)
        trajectory.append(resp)
    trajectory.append(message.AssistantMessage(role="assistant", content="Done."))
    return outputs, trajectory, env


def tau2_reward(Evaluator, environment, task, trajectory):
    """tau2's reward for a conversation its user stopped (USER_STOP), with the NL assertions
    counted as met: the environment evaluator's reward (DB, ENV_ASSERTION by reward_basis);
    no retail task has COMMUNICATE or ACTION in its basis (checked in main)."""
    info = Evaluator.calculate_reward(environment_constructor=environment.get_environment, task=task,
                                      full_trajectory=trajectory)
    return info.reward


# Differential calls are played in sequences of this many, each on a fresh database (one
# conversation of the differential suite each).
DIFF_SEQUENCE = 50

WRITE_TOOLS = {"cancel_pending_order", "exchange_delivered_order_items", "modify_pending_order_address",
               "modify_pending_order_items", "modify_pending_order_payment", "modify_user_address",
               "return_delivered_order_items"}


def perturb(calls, db, rng):
    """One argument of one gold write call changed to another plausible value; None when
    the task has no write call."""
    writes = [i for i, (name, _) in enumerate(calls) if name in WRITE_TOOLS]
    if not writes:
        return None
    i = writes[-1]
    name, args = calls[i]
    args = copy.deepcopy(args)
    if "reason" in args:
        args["reason"] = "ordered by mistake" if args["reason"] == "no longer needed" else "no longer needed"
        arg = "reason"
    elif "address1" in args:
        args["address1"] = args["address1"] + " Apt 2"
        arg = "address1"
    elif "new_item_ids" in args and args["new_item_ids"]:
        order = db["orders"][args["order_id"]]
        item = next(it for it in order["items"] if it["item_id"] == args["item_ids"][0])
        variants = [v for v in db["products"][item["product_id"]]["variants"].values()
                    if v["available"] and v["item_id"] not in (args["new_item_ids"][0], item["item_id"])]
        if variants:
            args["new_item_ids"][0] = rng.choice(variants)["item_id"]
            arg = "new_item_ids"
        else:
            args["new_item_ids"] = args["new_item_ids"][1:]
            args["item_ids"] = args["item_ids"][1:]
            arg = "item_ids"
    elif "item_ids" in args and len(args["item_ids"]) > 1:
        args["item_ids"] = args["item_ids"][:-1]
        arg = "item_ids"
    else:
        order = db["orders"].get(args.get("order_id"), {})
        user = db["users"].get(order.get("user_id"), {})
        others = [p for p in user.get("payment_methods", {}) if p != args.get("payment_method_id")]
        if "payment_method_id" in args and others:
            args["payment_method_id"] = rng.choice(others)
            arg = "payment_method_id"
        else:
            return None
    out = list(calls)
    out[i] = (name, args)
    return {"index": i, "argument": arg, "calls": out}


def differential_calls(db, calls_by_task, rng, n):
    """n tool calls: the gold calls of random tasks and calls of every tool with arguments
    drawn at random from the database (ids of the right kind, wrong kinds, near misses)."""
    orders, users, products = list(db["orders"]), list(db["users"]), list(db["products"])
    items = [i for p in db["products"].values() for i in p["variants"]]
    emails = [u["email"] for u in db["users"].values()]

    def an_order():
        return rng.choice([rng.choice(orders), rng.choice(orders), rng.choice(orders).lstrip("#"), "#W0000000"])

    def a_user():
        return rng.choice([rng.choice(users), rng.choice(users), "sara_doe_496"])

    def order_items(oid, k):
        o = db["orders"].get(oid)
        if not o:
            return [rng.choice(items) for _ in range(k)]
        ids = [it["item_id"] for it in o["items"]]
        return [rng.choice(ids + [rng.choice(items)]) for _ in range(k)]

    def same_product(oid, olds):
        o = db["orders"].get(oid)
        out = []
        for old in olds:
            it = next((x for x in (o or {}).get("items", []) if x["item_id"] == old), None)
            if it and rng.random() < 0.85:
                out.append(rng.choice(list(db["products"][it["product_id"]]["variants"])))
            else:
                out.append(rng.choice(items))
        return out

    def a_payment(oid):
        o = db["orders"].get(oid)
        u = db["users"].get(o["user_id"]) if o else None
        if u and rng.random() < 0.85:
            return rng.choice(list(u["payment_methods"]))
        return rng.choice(["gift_card_0000000", "credit_card_0000000", "paypal_1"])

    def an_address():
        a = db["users"][rng.choice(users)]["address"]
        return {k: a[k] for k in ("address1", "address2", "city", "state", "country", "zip")}

    def expression():
        def term(d):
            if d > 2 or rng.random() < 0.4:
                return rng.choice([str(rng.randint(0, 999)), f"{rng.randint(0, 999)}.{rng.randint(0, 99)}",
                                   str(rng.randint(1, 9))])
            op = rng.choice(["+", "-", "*", "/", " + ", " * ", "**"])
            if op == "**":
                return f"{rng.randint(0, 9)}**{rng.randint(0, 4)}"
            e = term(d + 1) + op + term(d + 1)
            return "(" + e + ")" if rng.random() < 0.3 else e
        return rng.choice([term(0), term(0), term(0), "2 + 2", "10 / 0", "1 / 3", "abc", "(1 + 2", "5 * (3 - 1)"])

    gen = {
        "calculate": lambda: {"expression": expression()},
        "cancel_pending_order": lambda: {"order_id": an_order(), "reason": rng.choice(
            ["no longer needed", "ordered by mistake", "changed my mind"])},
        "exchange_delivered_order_items": lambda: (lambda o, k: (lambda olds: {
            "order_id": o, "item_ids": olds, "new_item_ids": same_product(o, olds)[: k if rng.random() < 0.9 else k - 1],
            "payment_method_id": a_payment(o)})(order_items(o, k)))(an_order(), rng.randint(1, 2)),
        "find_user_id_by_name_zip": lambda: (lambda u: {
            "first_name": rng.choice([u["name"]["first_name"], u["name"]["first_name"].upper()]),
            "last_name": u["name"]["last_name"], "zip": rng.choice([u["address"]["zip"], "00000"])})(
            db["users"][rng.choice(users)]),
        "find_user_id_by_email": lambda: {"email": rng.choice([rng.choice(emails), rng.choice(emails).upper(),
                                                               "nobody@example.com"])},
        "get_order_details": lambda: {"order_id": an_order()},
        "get_product_details": lambda: {"product_id": rng.choice([rng.choice(products), rng.choice(items)])},
        "get_item_details": lambda: {"item_id": rng.choice([rng.choice(items), rng.choice(products)])},
        "get_user_details": lambda: {"user_id": a_user()},
        "list_all_product_types": lambda: {},
        "modify_pending_order_address": lambda: dict({"order_id": an_order()}, **an_address()),
        "modify_pending_order_items": lambda: (lambda o, k: (lambda olds: {
            "order_id": o, "item_ids": olds, "new_item_ids": same_product(o, olds),
            "payment_method_id": a_payment(o)})(order_items(o, k)))(an_order(), rng.randint(1, 3)),
        "modify_pending_order_payment": lambda: (lambda o: {"order_id": o, "payment_method_id": a_payment(o)})(
            an_order()),
        "modify_user_address": lambda: dict({"user_id": a_user()}, **an_address()),
        "return_delivered_order_items": lambda: (lambda o: {"order_id": o, "item_ids": order_items(o, rng.randint(1, 3)),
                                                            "payment_method_id": a_payment(o)})(an_order()),
        "transfer_to_human_agents": lambda: {"summary": "The user wants a refund."},
    }
    # Writes mostly hit orders in the state they need: pending for modify/cancel, delivered
    # for exchange/return.
    pending = [o for o, v in db["orders"].items() if v["status"] == "pending"]
    delivered = [o for o, v in db["orders"].items() if v["status"] == "delivered"]
    orig_an_order = an_order
    out = []
    names = list(gen)
    gold = [c for calls in calls_by_task for c in calls]
    for _ in range(n):
        if rng.random() < 0.3:
            out.append(copy.deepcopy(rng.choice(gold)))
            continue
        name = rng.choice(names)
        pool = pending if name.startswith(("modify_pending", "cancel")) else delivered if name.startswith(
            ("exchange", "return")) else None
        if pool and rng.random() < 0.8:
            an_order = lambda: rng.choice(pool)  # noqa: E731
        out.append((name, gen[name]()))
        an_order = orig_an_order
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tau2", default="/work/shared/tau/tau2-bench")
    ap.add_argument("--root", default=str(HERE.parent.parent))
    ap.add_argument("--differential", type=int, default=400, help="random tool calls in differential.json")
    opts = ap.parse_args()
    root = Path(opts.root)
    environment, message, Evaluator = load_tau2(opts.tau2)

    env = environment.get_environment()
    tasks = environment.get_tasks("base")
    splits = environment.get_tasks_split()
    test_ids = set(splits["test"])
    initial = env.tools.db.model_dump()

    out_dir = root / "scenarios" / "tau2-bench" / "retail"
    fix_dir = root / "tests" / "fixtures" / "tau" / "tau2-retail"
    out_dir.mkdir(parents=True, exist_ok=True)
    fix_dir.mkdir(parents=True, exist_ok=True)

    common.write_db(out_dir, "db", initial, header("tau2-bench retail database as tau2's pydantic RetailDB dumps it."))

    # The tools, as tau2's LLM agent sends them (Tool.openai_schema), in tau2's order.
    tools = env.get_tools()
    lines = [header("tau2-bench retail tools: description and parameters as tau2's Tool.openai_schema gives them."), "return {"]
    lines.append("  order = { " + ", ".join(common.lua_literal(t.name) for t in tools) + " },")
    for t in tools:
        fn = t.openai_schema["function"]
        lines.append(f"  {t.name} = {{")
        lines.append(f"    description = {common.lua_literal(fn['description'])},")
        lines.append(f"    parameters = {plain_lua(fn['parameters'], '    ')},")
        lines.append("  },")
    lines.append("}")
    (out_dir / "_schemas.lua").write_text("\n".join(lines) + "\n")

    policy = env.get_policy()
    fixtures = []
    rng = random.Random(15)
    for task in tasks:
        ec = task.evaluation_criteria
        basis = {b.value for b in ec.reward_basis}
        assert basis <= {"DB", "NL_ASSERTION"}, (task.id, basis)  # what the goal below covers
        assert not ec.env_assertions and task.initial_state is None, task.id
        calls = [(a.name, a.arguments) for a in (ec.actions or [])]
        assert all(a.requestor == "assistant" for a in (ec.actions or [])), task.id

        outputs, trajectory, gold_env = play(environment, message, calls)
        final = gold_env.tools.db.model_dump()
        changed, removed = common.gold_diff(initial, final)
        reward_gold = tau2_reward(Evaluator, environment, task, trajectory)
        reward_noop = tau2_reward(Evaluator, environment, task, [message.UserMessage(role="user", content="Hi"),
                                                                 message.AssistantMessage(role="assistant", content="Done.")])
        p = perturb(calls, initial, rng)
        perturbed = None
        if p is not None:
            p_outputs, p_traj, _ = play(environment, message, p["calls"])
            perturbed = {"index": p["index"], "argument": p["argument"],
                         "calls": [{"name": n, "arguments": a} for n, a in p["calls"]], "outputs": p_outputs,
                         "reward": tau2_reward(Evaluator, environment, task, p_traj)}
        num = int(task.id)
        sid = f"tau2-bench/retail/task-{num:03d}"
        fixtures.append({
            "task": task.id, "scenario": sid, "test_split": task.id in test_ids,
            "calls": [{"name": n, "arguments": a} for n, a in calls], "outputs": outputs,
            "reward_gold": reward_gold, "reward_noop": reward_noop, "perturbed": perturbed,
            "nl_assertions": len(ec.nl_assertions or []),
        })

        nl = ec.nl_assertions or []
        body = [header(f"tau2-bench retail task {task.id} ({'test' if task.id in test_ids else 'train'} split)."),
                f"-- reward_basis: {', '.join(b.value for b in ec.reward_basis)}. The goal is tau2's DB check and ending",
                "-- rule (scenarios/tau2-bench/_tau2.lua); the NL assertions, judged by an LLM in tau2, are the",
                "-- judge rubric here (spar run --judge), outside the goal.",
                'local T = include("_tau.lua")',
                'local R = include("_retail.lua")',
                "return R.task {",
                f"  summary = {common.lua_literal('tau2-bench retail task ' + task.id)},",
                "  -- The records tau2's gold actions change, as tau2's Python leaves them.",
                "  gold = " + common.lua_gold(changed, removed, []).replace("\n", "\n  ") + ",",
                "  -- The task's user_scenario as tau2's UserScenario prints it.",
                "  user = " + lua_long_string(user_scenario(task)) + ","]
        if nl:
            rubric = "The agent's conduct meets every one of these assertions:\n" + "\n".join("- " + a for a in nl)
            body.append("  judge = { rubric = " + common.lua_literal(rubric) + " },")
        body.append("}")
        (out_dir / f"task-{num:03d}.lua").write_text("\n".join(body) + "\n")

    (out_dir / "_policy.lua").write_text(
        header("tau2-bench retail policy (data/tau2/domains/retail/policy.md), verbatim.") + "return "
        + lua_long_string(policy) + "\n")

    diff_calls = differential_calls(initial, [[(c["name"], c["arguments"]) for c in f["calls"]] for f in fixtures],
                                    random.Random(1515), opts.differential)
    sequences = []
    for k in range(0, len(diff_calls), DIFF_SEQUENCE):
        seq = diff_calls[k:k + DIFF_SEQUENCE]
        seq_outputs, _, _ = play(environment, message, seq)
        sequences.append([{"name": n, "arguments": a, "output": o} for (n, a), o in zip(seq, seq_outputs)])
    (fix_dir / "differential.json").write_text(json.dumps(
        {"note": f"tau2-bench retail tool calls in sequences of {DIFF_SEQUENCE}, each played in order on a fresh "
                 "database, and tau2's tool message for each (tools/tau-import/tau2_retail.py, seed 1515)",
         "sequences": sequences}, indent=1) + "\n")
    (fix_dir / "gold.json").write_text(json.dumps(
        {"note": "per tau2-bench retail task: the gold calls, tau2's tool message for each, and tau2's reward "
                 "for the gold, the no-op and the perturbed conversation (tools/tau-import/tau2_retail.py)",
         "tasks": fixtures}, indent=1) + "\n")
    n_pert = sum(1 for f in fixtures if f["perturbed"])
    print(f"{len(fixtures)} tasks ({len(test_ids)} in test), gold reward 1.0 for "
          f"{sum(f['reward_gold'] == 1.0 for f in fixtures)}, no-op 0.0 for {sum(f['reward_noop'] == 0.0 for f in fixtures)}, "
          f"{n_pert} perturbed ({sum(f['perturbed']['reward'] == 0.0 for f in fixtures if f['perturbed'])} to 0.0), "
          f"{len(diff_calls)} differential calls")


if __name__ == "__main__":
    main()
