#!/usr/bin/env python3
"""tau-bench airline as spar scenarios, with the oracle figures the offline tests check.

Run by developers (its output is committed), from the repository's root:

    python3 tools/tau-import/tau_bench_airline.py [--tau /work/shared/tau/tau-bench]

It imports tau-bench's own Python (tau_bench/envs/airline at 59a200c; litellm is stubbed, as
nothing here calls a model) and writes

  scenarios/tau-bench/airline/_db*.lua         the database, dicts in their key order (common.write_db)
  scenarios/tau-bench/airline/_tools_info.lua  each tool's get_info() name, description, parameters
  scenarios/tau-bench/airline/_wiki.lua        wiki.md, the agent's system prompt
  scenarios/tau-bench/airline/task-NNN.lua     one scenario per tasks_test.py task (50)
  tests/fixtures/tau/airline/oracle.json       what tau's own Python says, for tests/agents/tau/agent.py
                                               and check.py (tests/e2e/tau_airline_*.sh): per task, tau's
                                               reward and tool outputs for the gold, the no-op and the
                                               perturbing agent (common.oracle_task, tau's own loop and
                                               reward); seeded random tool calls with tau's outputs
  tests/fixtures/tau/airline/trajectories.json per recorded gpt-4o trajectory: its recorded reward,
                                               the reward tau's Python gives replaying its tool calls,
                                               and how it ended

The gold end state of each task is computed here by tau's own tools: load the data, run the
task's gold actions as Env.calculate_reward does (terminate tools skipped), and keep the diff
with the initial data (common.gold_diff) in the scenario.

--oracle-only writes oracle.json alone (the scenarios, the database and trajectories.json stay as
they are), and with --probes-only only its random calls; -j sets the worker processes that play tau's loop (default 2).
"""

import argparse
import copy
import gzip
import json
import multiprocessing
import os
import random
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import common  # noqa: E402

OUT = os.path.join(ROOT, "scenarios", "tau-bench", "airline")
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "tau", "airline")
TRAJECTORIES = os.path.join(ROOT, "tests", "fixtures", "tau-bench", "gpt-4o-airline.json.gz")
GREETING = "Hi! How can I help you today?"
FALLBACK = "Hi, I need help with my reservation."
PROBE_BATCHES = 12
PROBE_CALLS = 29  # per batch (drawn at once from the initial database)
# Calls per conversation at most: with the closing text that is 29 of tau's 30 steps. (At 29 calls
# the text is the 30th step, which tau's loop still hands the user, who stops; spar ends such a
# conversation with max_steps before the user answers.)
PROBES_PER_CONVERSATION = 28
# The tools that write the database: the perturbing agent changes an argument of one of them.
WRITES = {"book_reservation", "cancel_reservation", "send_certificate", "update_reservation_baggages",
          "update_reservation_flights", "update_reservation_passengers"}


def load_tau(tau_root):
    # The user simulator imports litellm at module level; nothing here calls it.
    stub = types.ModuleType("litellm")
    stub.completion = None
    sys.modules.setdefault("litellm", stub)
    sys.path.insert(0, tau_root)
    global ALL_TOOLS, load_data, TASKS, WIKI, Env, Action, LLMUser, RESPOND
    from tau_bench.envs.airline.tools import ALL_TOOLS
    from tau_bench.envs.airline.data import load_data
    from tau_bench.envs.airline.tasks_test import TASKS
    from tau_bench.envs.airline.wiki import WIKI
    from tau_bench.envs.airline.env import MockAirlineDomainEnv as Env
    from tau_bench.types import Action, RESPOND_ACTION_NAME as RESPOND
    from tau_bench.envs.user import LLMUserSimulationEnv as LLMUser
    return types.SimpleNamespace(Env=Env, Action=Action)  # what common.play needs


def env_for(task_index):
    # "human" builds no model client; only step() and calculate_reward() are used.
    return Env(user_strategy="human", task_index=task_index)  # its data is fresh from __init__


def tool_output(env, name, kwargs):
    """What Env.step hands the agent for one tool call (its text; None for a tool that returns None)."""
    return env.step(Action(name=name, kwargs=kwargs)).observation


def plain_lua(value, indent=""):
    """A Lua literal of JSON data without key order (for schemas, which spar sends as JSON)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        parts = []
        for k, v in value.items():
            key = common.lua_key(k)
            parts.append(f"{inner}{key} = {plain_lua(v, inner)},")
        return "{\n" + "\n".join(parts) + "\n" + indent + "}"
    if isinstance(value, list):
        return "{ " + ", ".join(plain_lua(v, indent) for v in value) + " }" if value else "{}"
    if isinstance(value, str):
        return common.lua_string(value)
    return common.lua_literal(value)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def user_prompt(instruction):
    # LLMUserSimulationEnv.build_system_prompt reads nothing of self.
    return LLMUser.build_system_prompt(None, instruction=instruction)


def gold_of(task_index):
    """The gold end state's diff with the initial data (tau's tools run the gold actions)."""
    env = env_for(task_index)
    initial = load_data()
    for action in TASKS[task_index].actions:
        tool_output(env, action.name, action.kwargs)
    return common.gold_diff(initial, env.data)


def header(what):
    return common.notice_header("tau-bench", what)


def scenario_text(i, task, gold_lua):
    facts_actions = [{"name": a.name, "arguments": json.dumps(a.kwargs)} for a in task.actions]
    return f"""{header(f"tau-bench airline, test task {i} (tau_bench/envs/airline/tasks_test.py, TASKS[{i}]).")}
local T = include("_tau.lua")
local A = include("_tools.lua")

-- tau's gold end state (its own tools ran the gold actions at import time) and required outputs
local gold = {gold_lua}

-- the user simulator's system prompt, as tau_bench/envs/user.py builds it for this instruction
local USER = {common.lua_string(user_prompt(task.instruction))}

return scenario {{
  summary = {common.lua_string(f"tau-bench airline task {i}, user {task.user_id}")},
  system = include("_wiki.lua"),
  facts = {{
    user_id = {common.lua_string(task.user_id)},
    instruction = {common.lua_string(task.instruction)},
    story = {{ actions = {plain_lua(facts_actions, "    ")}, outputs = {plain_lua(task.outputs)} }},
  }},
  persona = persona {{
    name = "tau-user",
    run = function(u)
      while true do
        u:llm{{ system = USER, greeting = {common.lua_string(GREETING)}, stop = "###STOP###",
               fallback = {common.lua_string(FALLBACK)} }}
      end
    end,
  }},
  state = A.initial,
  tools = A.tools,
  stop_tools = {{ "transfer_to_human_agents" }},
  max_steps = 30,
  tool_calls_per_message = 1,
  max_turns = 100,
  record_state = false,
  goal = function(state, run) return T.reward(state, run, gold, A.initial) end,
}}
"""


# ---- random differential calls ------------------------------------------------------------------

def random_calls(rng, data, count):
    """`count` tool calls with random arguments: mostly plausible, some wrong on purpose."""
    users = list(data["users"])
    reservations = list(data["reservations"])
    flights = list(data["flights"])
    airports = ["SFO", "JFK", "LAX", "ORD", "DFW", "DEN", "SEA", "ATL", "MIA", "BOS", "PHX", "IAH", "LAS", "MCO",
                "EWR", "CLT", "MSP", "DTW", "PHL", "LGA", "XXX"]
    cabins = ["basic_economy", "economy", "business", "first"]
    dates = [f"2024-05-{d:02d}" for d in range(1, 31)] + ["2024-06-01", "2024-05-5", "tomorrow", "2024-05-1x"]

    def user():
        return rng.choice(users) if rng.random() < 0.9 else "nobody_0000"

    def reservation():
        return rng.choice(reservations) if rng.random() < 0.9 else "NOPE00"

    def payment(u):
        methods = list(data["users"].get(u, {}).get("payment_methods", {})) or ["credit_card_0"]
        return rng.choice(methods) if rng.random() < 0.9 else "gift_card_0000000"

    def flight_list(n):
        out = []
        for _ in range(n):
            number = rng.choice(flights)
            days = list(data["flights"][number]["dates"])
            f = {"flight_number": number, "date": rng.choice(days) if rng.random() < 0.8 else rng.choice(dates)}
            if rng.random() < 0.1:
                f = {"date": f["date"], "flight_number": number}  # the agent's key order is kept
            if rng.random() < 0.03:
                del f["date"]
            out.append(f)
        return out

    def passengers(n):
        names = [("Noah", "Brown"), ("Mia", "Li"), ("Ana", "Silva"), ("Émile", "Zoë")]
        out = []
        for _ in range(n):
            first, last = rng.choice(names)
            p = {"first_name": first, "last_name": last, "dob": f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"}
            if rng.random() < 0.2:
                p = {"last_name": last, "first_name": first, "dob": p["dob"]}
            out.append(p)
        return out

    def expression():
        if rng.random() < 0.15:
            return rng.choice(["", " ", "2 +", "(1 + 2", "1 + 2)", "1/0", "1.0/0", "3//0", "01 + 2", "2 ** 10",
                               "2 ** -1", "-3 ** 2", "()", "1..2", "7 // 2", "7.5 // 2", "abc", "1 + x", "(-8) ** 0.5",
                               "0 ** -1", "10.0 ** 400", "((2))", "1 2", "- -4", "1 * / 2"])
        parts = [str(rng.choice([rng.randint(0, 999), round(rng.uniform(0, 500), rng.randint(1, 2))]))]
        for _ in range(rng.randint(1, 4)):
            parts.append(rng.choice(["+", "-", "*", "/"]))
            parts.append(str(rng.choice([rng.randint(1, 99), round(rng.uniform(0.1, 99), 2)])))
        text = " ".join(parts)
        return f"({text}) * {rng.randint(1, 5)}" if rng.random() < 0.3 else text

    calls = []
    for _ in range(count):
        tool = rng.choice(["book_reservation", "calculate", "cancel_reservation", "get_reservation_details",
                           "get_user_details", "list_all_airports", "search_direct_flight", "search_onestop_flight",
                           "send_certificate", "think", "transfer_to_human_agents", "update_reservation_baggages",
                           "update_reservation_flights", "update_reservation_passengers", "get_user_details",
                           "get_reservation_details", "search_onestop_flight", "book_reservation",
                           "update_reservation_flights"])
        if tool == "book_reservation":
            u = user()
            n = rng.randint(1, 3)
            legs = flight_list(rng.randint(1, 2))
            kw = {"user_id": u, "origin": rng.choice(airports), "destination": rng.choice(airports),
                  "flight_type": rng.choice(["one_way", "round_trip"]), "cabin": rng.choice(cabins), "flights": legs,
                  "passengers": passengers(n), "payment_methods": [{"payment_id": payment(u), "amount": 0}],
                  "total_baggages": rng.randint(0, 4), "nonfree_baggages": rng.randint(0, 2),
                  "insurance": rng.choice(["yes", "no"])}
            # the right total often enough that bookings go through
            total = 0
            for f in legs:
                fd = data["flights"][f["flight_number"]]["dates"].get(f.get("date"), {})
                total += fd.get("prices", {}).get(kw["cabin"], 0) * n
            total += (30 * n if kw["insurance"] == "yes" else 0) + 50 * kw["nonfree_baggages"]
            amount = total if rng.random() < 0.7 else total + rng.choice([1, -1, 0.5])
            if rng.random() < 0.2:
                kw["payment_methods"] = [{"payment_id": payment(u), "amount": amount / 2},
                                         {"payment_id": payment(u), "amount": amount / 2}]
            else:
                kw["payment_methods"][0]["amount"] = amount
        elif tool == "calculate":
            kw = {"expression": expression()}
        elif tool in ("cancel_reservation", "get_reservation_details"):
            kw = {"reservation_id": reservation()}
        elif tool == "get_user_details":
            kw = {"user_id": user()}
        elif tool == "list_all_airports":
            kw = {}
        elif tool in ("search_direct_flight", "search_onestop_flight"):
            kw = {"origin": rng.choice(airports), "destination": rng.choice(airports), "date": rng.choice(dates)}
        elif tool == "send_certificate":
            kw = {"user_id": user(), "amount": rng.choice([50, 100, 150.0, 75.5])}
        elif tool == "think":
            kw = {"thought": rng.choice(["Let me check.", "ünïcode ✓ \"quoted\""])}
        elif tool == "transfer_to_human_agents":
            kw = {"summary": "The user wants a human."}
        elif tool == "update_reservation_baggages":
            r = reservation()
            u = data["reservations"].get(r, {}).get("user_id", users[0])
            kw = {"reservation_id": r, "total_baggages": rng.randint(0, 5), "nonfree_baggages": rng.randint(0, 3),
                  "payment_id": payment(u)}
        elif tool == "update_reservation_flights":
            r = reservation()
            res = data["reservations"].get(r)
            u = res["user_id"] if res else users[0]
            legs = [{"flight_number": f["flight_number"], "date": f["date"]} for f in res["flights"]] if res else []
            if legs and rng.random() < 0.6:
                legs[-1] = flight_list(1)[0]
            elif not legs or rng.random() < 0.5:
                legs = flight_list(rng.randint(1, 2))
            kw = {"reservation_id": r, "cabin": rng.choice(cabins if rng.random() < 0.3 else [res["cabin"]] if res else cabins),
                  "flights": legs, "payment_id": payment(u)}
        else:
            r = reservation()
            res = data["reservations"].get(r)
            kw = {"reservation_id": r, "passengers": passengers(len(res["passengers"]) if res and rng.random() < 0.8 else 1)}
        if rng.random() < 0.03 and tool != "list_all_airports":
            kw["unexpected"] = 1  # Python's TypeError for an unknown keyword
        calls.append((tool, kw))
    return calls


def probe_oracle(seed):
    """PROBE_BATCHES batches of PROBE_CALLS random calls as agent.py's oracle["probes"] holds
    them, each with tau's output. A transfer_to_human_agents call (tau's terminate tool) ends a
    conversation, so a batch is played as conversations that each end at one or after
    PROBES_PER_CONVERSATION calls, every conversation from a fresh database, on tasks 0, 1, ...
    (the task does not matter, the calls do)."""
    rng = random.Random(seed)
    conversations = []
    for _ in range(PROBE_BATCHES):
        batch = random_calls(rng, env_for(0).data, PROBE_CALLS)
        while batch:
            cut = next((k + 1 for k, (tool, _) in enumerate(batch) if tool == "transfer_to_human_agents"), len(batch))
            cut = min(cut, PROBES_PER_CONVERSATION)
            env, calls = env_for(0), []
            for tool, kw in batch[:cut]:
                text = json.dumps(kw)
                out = tool_output(env, tool, json.loads(text))
                calls.append({"name": tool, "kwargs": json.loads(text), **common.fingerprint("" if out is None else out)})
            conversations.append(calls)
            batch = batch[cut:]
    return {f"tau-bench/airline/task-{c:03d}": calls for c, calls in enumerate(conversations)}


_TAU = None


def _init_worker(tau_root):
    global _TAU
    _TAU = load_tau(tau_root)


def _oracle_task(i):
    """Task I's oracle entry (in a worker: each of tau's rewards hashes the whole database)."""
    task = TASKS[i]
    return common.oracle_task(_TAU, i, common.as_dicts(task.actions), task.outputs, random.Random(SEED * 1000 + i),
                              WRITES, common.tool_schemas(ALL_TOOLS))


SEED = 15


# ---- the recorded trajectories ------------------------------------------------------------------

def trajectory_oracle():
    """Each recorded trajectory's actions replayed through tau's Env as its loop made them: the
    reward tau's code gives, next to the recorded one, and the tool outputs that differ from
    the recorded ones (the recordings predate users.json's rename of address "province" to
    "state", so every get_user_details answer differs there)."""
    with gzip.open(TRAJECTORIES, "rt", encoding="utf-8") as f:
        trajs = json.load(f)
    out = []
    for t in trajs:
        env = env_for(t["task_id"])
        ended, reward, differ = "max_steps", 0.0, []
        msgs = t["traj"]
        for i, m in enumerate(msgs):
            if m["role"] != "assistant":
                continue
            if m.get("tool_calls"):
                call = m["tool_calls"][0]["function"]
                res = env.step(Action(name=call["name"], kwargs=json.loads(call["arguments"])))
                recorded = msgs[i + 1]["content"] if i + 1 < len(msgs) and msgs[i + 1]["role"] == "tool" else None
                if (res.observation or "") != (recorded or ""):
                    differ.append(call["name"])
                if res.done:
                    ended, reward = "tool_stop", res.reward
                    break
            else:
                env.actions.append(Action(name=RESPOND, kwargs={"content": m["content"]}))
                answer = msgs[i + 1]["content"] if i + 1 < len(msgs) else ""
                if "###STOP###" in (answer or ""):
                    ended, reward = "user_stop", env.calculate_reward().reward
                    break
        out.append({"task_id": t["task_id"], "trial": t["trial"], "recorded_reward": t["reward"],
                    "python_reward": reward, "ended": ended, "tool_outputs_differ": differ})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tau", default="/work/shared/tau/tau-bench", help="tau-bench's checkout (59a200c)")
    ap.add_argument("--scenarios-only", action="store_true", help="write the scenarios, not the fixtures")
    ap.add_argument("--oracle-only", action="store_true", help="write tests/fixtures/tau/airline/oracle.json only")
    ap.add_argument("--probes-only", action="store_true",
                    help="with --oracle-only: draw only the random calls again (the tasks' oracle stays as it is)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="worker processes (default 2)")
    args = ap.parse_args()
    load_tau(args.tau)

    if not args.oracle_only:
        common.write_db(OUT, "db", load_data(), header("tau-bench airline's database (envs/airline/data/*.json)."))
        info = {}
        for tool in ALL_TOOLS:
            fn = tool.get_info()["function"]
            params = dict(fn["parameters"])
            if params.get("required") == []:
                # An empty Lua table crosses into JSON as {}, which no schema accepts for `required`;
                # leaving it out means the same (no argument is required), as retail's importer does.
                del params["required"]
            info[fn["name"]] = {"description": fn["description"], "parameters": params}
        write(os.path.join(OUT, "_tools_info.lua"), header("tau-bench airline's tool schemas: each tool's "
                                                           "get_info()[\"function\"].") + f"return {plain_lua(info)}\n")
        write(os.path.join(OUT, "_wiki.lua"),
              header("tau-bench airline's wiki.md, the agent's system prompt.") + f"return {common.lua_string(WIKI)}\n")
        for i, task in enumerate(TASKS):
            changed, removed = gold_of(i)
            # flights stay out of the scenario's state (_tools.lua): no airline tool writes them
            assert "flights" not in changed and "flights" not in removed, f"task {i} changes flights"
            write(os.path.join(OUT, f"task-{i:03d}.lua"),
                  scenario_text(i, task, common.lua_gold(changed, removed, task.outputs)))
    if args.scenarios_only:
        return
    assert args.oracle_only or not args.probes_only, "--probes-only goes with --oracle-only"
    oracle = {"tau_bench_commit": common.NOTICES["tau-bench"][2], "max_steps": common.MAX_STEPS,
              "agent": common.oracle_agent(WIKI, ALL_TOOLS), "tasks": {}, "probes": probe_oracle(SEED)}
    if args.probes_only:
        with open(os.path.join(FIXTURES, "oracle.json"), encoding="utf-8") as f:
            oracle["tasks"] = json.load(f)["tasks"]
    else:
        with multiprocessing.Pool(args.jobs, initializer=_init_worker, initargs=(args.tau,)) as pool:
            for i, entry in enumerate(pool.imap(_oracle_task, range(len(TASKS)))):
                oracle["tasks"][f"tau-bench/airline/task-{i:03d}"] = entry
    # Not sort_keys: the tools echo the arguments in the agent's key order, so the oracle keeps
    # tau's (the tasks' kwargs, the random calls' draw); dict order is insertion order, stable.
    write(os.path.join(FIXTURES, "oracle.json"), json.dumps(oracle, indent=1) + "\n")
    if not args.oracle_only:
        notice = {"notice": "Derived from tau-bench (github.com/sierra-research/tau-bench, 59a200c), MIT licence, "
                            "Copyright (c) 2024 Sierra Research. Generated by tools/tau-import/tau_bench_airline.py."}
        write(os.path.join(FIXTURES, "trajectories.json"),
              json.dumps({**notice, "trajectories": trajectory_oracle()}, indent=1) + "\n")
    print(common.oracle_summary(oracle), file=sys.stderr)


if __name__ == "__main__":
    main()
