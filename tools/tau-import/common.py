"""What every tau importer shares: Python values as Lua source in the shape scenarios/_tau.lua
reads (every dict a table with its key order in `_keys`), the database split into include files,
the gold end state as the records that differ from the initial database, the notice, and the
oracle of tests/agents/tau/agent.py (tau-bench's own loop played by a gold, a no-op and a
perturbing agent; `tau` is a namespace of the domain's tau-bench classes, imported by the caller).

Standard library only, so the e2e suites can use it too (tests/e2e/tau_lib.sh).
"""

import copy
import hashlib
import json
import math
import os
import re

TAU = os.environ.get("TAU_SOURCES", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "tau"))

NOTICES = {
    "tau-bench": ("tau-bench", "https://github.com/sierra-research/tau-bench",
                  "59a200c6d575d595120f1cb70fea53cef0632f6b", "Copyright (c) 2024 Sierra"),
    "tau2-bench": ("tau2-bench", "https://github.com/sierra-research/tau2-bench",
                   "a2c024725189473d2d7cea3a5cfdbcc67478e41f", "Copyright (c) 2025 Sierra Research"),
}


def notice_header(source, what):
    """The Lua comment every generated or ported file starts with (`source`: a NOTICES key)."""
    name, url, commit, copyright = NOTICES[source]
    return (f"-- {what}\n"
            f"-- Derived from {name} ({url} at {commit[:7]}), MIT License, {copyright}.\n"
            f"-- spar's NOTICE lists what is derived from where; the licence text is in\n"
            f"-- LICENSES/{name}.txt. Do not edit a generated file: run tools/tau-import/ again.\n")


_LUA_RESERVED = set("and break do else elseif end false for function goto if in local nil not or repeat "
                    "return then true until while".split())
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def lua_string(s):
    """A Lua string literal holding the UTF-8 bytes of `s`."""
    out = ['"']
    for b in s.encode("utf-8"):
        c = chr(b)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif b < 32 or b == 127:
            out.append("\\%03d" % b)
        else:
            out.append(c)
    # bytes >= 128 pass through: the file is UTF-8 text, read as bytes by Lua
    return "".join(out).encode("latin-1").decode("utf-8") + '"'


def lua_key(k):
    if not isinstance(k, str):
        raise ValueError(f"a dict key that is not a string: {k!r}")
    if k == "_keys":
        raise ValueError("'_keys' is reserved by scenarios/_tau.lua")
    if _IDENT.fullmatch(k) and k not in _LUA_RESERVED:
        return k
    return "[" + lua_string(k) + "]"


def lua_number(x):
    if isinstance(x, bool):
        raise TypeError("a bool is not a number")
    if isinstance(x, int):
        if not -2**63 <= x < 2**63:
            raise ValueError(f"an integer outside Lua's 64 bits: {x}")
        return str(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"{x!r} has no Lua literal here")
    r = repr(x)  # shortest round trip; has '.' or 'e', so Lua reads a float
    return r if ("." in r or "e" in r) else r + ".0"


def lua_literal(v):
    """`v` (JSON-like Python data) as Lua source for scenarios/_tau.lua: a dict is
    {_keys = {...}, k = v, ...}, a list a sequence, None is T.None (the file must have `T`)."""
    if v is None:
        return "T.None"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return lua_number(v)
    if isinstance(v, str):
        return lua_string(v)
    if isinstance(v, dict):
        keys = list(v)
        parts = ["_keys={" + ",".join(lua_string(k) for k in keys) + "}"]
        parts += [lua_key(k) + "=" + lua_literal(x) for k, x in v.items()]
        return "{" + ",".join(parts) + "}"
    if isinstance(v, (list, tuple)):
        return "{" + ",".join(lua_literal(x) for x in v) + "}"
    raise TypeError(f"no Lua literal for {type(v).__name__}")


MAX_PART_BYTES = 900 * 1024  # include() reads at most 1 MiB per file


def write_db(folder, name, data, header):
    """Writes `data` ({table: {id: record}}) as folder/_<name>.lua, which returns the whole
    database, assembled from folder/_<name>-N.lua parts each under include()'s 1 MiB."""
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if re.match(rf"^_{re.escape(name)}-\d+\.lua$", f):
            os.remove(os.path.join(folder, f))
    parts, rows, size = [], [], 0

    def flush():
        nonlocal rows, size
        if rows:
            parts.append(rows)
        rows, size = [], 0

    for table, records in data.items():
        if not isinstance(records, dict):
            raise ValueError(f"{name}: table {table!r} is not a dict of records")
        for rid, record in records.items():
            row = "{" + lua_string(table) + "," + lua_string(rid) + "," + lua_literal(record) + "},\n"
            if size + len(row.encode()) > MAX_PART_BYTES:
                flush()
            rows.append(row)
            size += len(row.encode())
    flush()
    files = []
    for i, part in enumerate(parts, 1):
        fname = f"_{name}-{i}.lua"
        with open(os.path.join(folder, fname), "w", encoding="utf-8") as f:
            f.write(header + "local T = include(\"_tau.lua\")\nreturn {\n" + "".join(part) + "}\n")
        files.append(fname)
    tables = ",".join(lua_string(t) for t in data)
    inits = ",".join(f"{lua_key(t)}={{_keys={{}}}}" for t in data)
    with open(os.path.join(folder, f"_{name}.lua"), "w", encoding="utf-8") as f:
        f.write(header)
        f.write("-- The database: {table = {id = record}}, every dict with its key order in _keys.\n")
        f.write(f"local db = {{_keys={{{tables}}},{inits}}}\n")
        f.write("for _, part in ipairs({ " + ", ".join(f'include("{p}")' for p in files) + " }) do\n")
        f.write("  for _, row in ipairs(part) do\n")
        f.write("    local t = db[row[1]]\n")
        f.write("    t._keys[#t._keys + 1] = row[2]\n")
        f.write("    t[row[2]] = row[3]\n")
        f.write("  end\n")
        f.write("end\n")
        f.write("return db\n")
    return files


def _hashable(v):
    """What tau-bench's to_hashable keeps (envs/base.py): dict items sorted, lists in order, and
    str() of the leaves, so 1 and 1.0 differ."""
    if isinstance(v, dict):
        return tuple((k, _hashable(x)) for k, x in sorted(v.items()))
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    return (type(v).__name__, repr(v))


def gold_diff(initial, final):
    """The records of `final` that tau's hash tells apart from `initial`'s, per table:
    ({table: {id: record}}, {table: [removed id, ...]})."""
    changed, removed = {}, {}
    for table in final:
        before = initial.get(table, {})
        for rid, record in final[table].items():
            if rid not in before or _hashable(before[rid]) != _hashable(record):
                changed.setdefault(table, {})[rid] = record
    for table in initial:
        gone = [rid for rid in initial[table] if rid not in final.get(table, {})]
        if gone:
            removed[table] = gone
    if set(final) != set(initial):
        raise ValueError("the gold actions added or removed a whole table")
    return changed, removed


def lua_gold(changed, removed, outputs):
    """The `gold` table T.reward reads, as Lua source."""
    lines = ["{", "  changed = {"]
    for table, records in changed.items():
        lines.append(f"    {lua_key(table)} = {{")
        for rid, record in records.items():
            lines.append(f"      [{lua_string(rid)}] = {lua_literal(record)},")
        lines.append("    },")
    lines.append("  },")
    lines.append("  removed = {" + ", ".join(
        f"{lua_key(t)} = {{{', '.join(lua_string(r) for r in ids)}}}" for t, ids in removed.items()) + "},")
    lines.append("  outputs = {" + ", ".join(lua_string(o) for o in outputs) + "},")
    lines.append("}")
    return "\n".join(lines)


def dumps_cases(rng, n):
    """`n` random JSON-like values with their json.dumps text, for the differential test of
    T.dumps (tests/e2e/tau_lib.sh): key orders, floats of every magnitude, escapes, Unicode."""
    alphabet = ["a", "b", "Z", " ", '"', "\\", "\n", "\t", "\x01", "\x7f", "é", "ß", "€", "😀", "#", "/", "0"]

    def text():
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))

    def number():
        kind = rng.randint(0, 5)
        if kind == 0:
            return rng.randint(-10**6, 10**6)
        if kind == 1:
            return round(rng.uniform(-2000, 2000), 2)
        if kind == 2:
            return rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30)
        if kind == 3:
            return float(rng.randint(-100, 100))
        if kind == 4:
            return rng.choice([0.1 + 0.2, 1e16, 1e15, 123456789012345678.0, 1e-5, 0.0001, -0.0, 5e-324, 1.7976931348623157e308])
        return round(rng.uniform(0, 500) * rng.uniform(0, 3), rng.randint(0, 4))

    def value(depth):
        kind = rng.randint(0, 6 if depth < 3 else 3)
        if kind == 0:
            return text()
        if kind == 1:
            return number()
        if kind == 2:
            return rng.choice([True, False])
        if kind == 3:
            return number()
        if kind == 4:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        d = {}
        for _ in range(rng.randint(0, 5)):
            d[text() or "k"] = value(depth + 1)
        return d

    cases = []
    for _ in range(n):
        v = value(0)
        indent = rng.choice([None, None, None, 2, 4])
        cases.append((v, indent, json.dumps(v, indent=indent)))
    return cases


# ---------------------------------------------------------------------------------------------
# The oracle: tau-bench's reward for the agents of tests/agents/tau/agent.py, by tau's own loop.

GREETING = "Hi! How can I help you today?"
STOP = "###STOP###"
MAX_STEPS = 30  # tau_bench/agents/tool_calling_agent.py, solve(max_num_steps=30)
NOOP_TEXT = "I am sorry, I cannot help with that."


class ScriptedUser:
    """tests/agents/tau/user.py's moves as a tau user: the instruction, then ###STOP###."""

    def reset(self, instruction=None):
        return instruction

    def step(self, content):
        return STOP

    def get_total_cost(self):
        return 0.0


def as_dicts(actions):
    return [{"name": a.name, "kwargs": a.kwargs} for a in actions]


def reply_text(outputs):
    """The gold agent's text: every required output (tau checks substrings, commas removed)."""
    if not outputs:
        return "Your request has been handled."
    return "Here is what you asked for: " + "; ".join(outputs) + "."


def fingerprint(text):
    """An observation as the fixtures keep it: the text when short, else its sha256 and head."""
    if len(text) <= 300:
        return {"text": text}
    return {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "bytes": len(text.encode("utf-8")),
            "head": text[:120]}


def play(tau, index, actions, text):
    """Runs tau's own loop (ToolCallingAgent.solve) for an agent that takes ACTIONS one per step
    and then answers TEXT, against ScriptedUser. Returns (reward, observations of the tool calls).
    `tau.Env` is the domain's Mock*DomainEnv, `tau.Action` tau_bench.types.Action."""
    env = tau.Env(user_strategy="human", task_split="test", task_index=index)
    env.user = ScriptedUser()
    env.reset(task_index=index)
    plan = [tau.Action(name=a["name"], kwargs=copy.deepcopy(a["kwargs"])) for a in actions]
    plan.append(tau.Action(name="respond", kwargs={"content": text}))
    reward, observations = 0.0, []
    for step in range(MAX_STEPS):
        action = plan[min(step, len(plan) - 1)]
        res = env.step(action)
        reward = res.reward
        if action.name != "respond":
            observations.append(res.observation)
        if res.done:
            break
    return reward, observations


def _perturbed(v, schema, rng):
    """V changed so that it still fits its JSON SCHEMA (spar checks arguments against the schema
    before a tool runs; a change the schema accepts reaches tau's tool, which decides): another
    enum member, a list without its last element (a one-element list: its element changed), one
    property of an object changed, a string's last character, a number plus one, a bool negated."""
    if isinstance(v, bool):
        return not v
    others = [e for e in schema.get("enum", []) if e != v]
    if others:
        return others[0]
    if isinstance(v, list):
        if len(v) > 1:
            return v[:-1]
        return [_perturbed(x, schema.get("items", {}), rng) for x in v]
    if isinstance(v, dict) and v:
        key = rng.choice(sorted(v))
        return {**v, key: _perturbed(v[key], schema.get("properties", {}).get(key, {}), rng)}
    if isinstance(v, str) and v:
        return v[:-1] + ("1" if v[-1] != "1" else "2")
    if isinstance(v, (int, float)):
        return v + 1
    return str(v) + "1"


def perturb(actions, rng, writes, schemas):
    """The gold ACTIONS with one argument of one action changed (_perturbed): of a write (a tool
    of WRITES) when the task has one, since a changed read leaves the end state tau's gold.
    SCHEMAS: each tool's get_info() parameters. Returns (actions, {"action", "argument"})."""
    out = copy.deepcopy(actions)
    candidates = [i for i, a in enumerate(out) if a["name"] in writes] or [i for i, a in enumerate(out) if a["kwargs"]]
    if not candidates:
        return out, None
    i = rng.choice(candidates)
    kwargs = out[i]["kwargs"]
    arg = rng.choice(sorted(kwargs))
    kwargs[arg] = _perturbed(kwargs[arg], schemas[out[i]["name"]].get("properties", {}).get(arg, {}), rng)
    return out, {"action": i, "argument": arg}


def oracle_task(tau, index, actions, outputs, rng, writes, schemas):
    """Task INDEX's oracle entry: tau's reward and tool outputs for the gold agent (ACTIONS, then
    a text saying OUTPUTS), the no-op agent (one text) and the perturbing agent (perturb)."""
    text = reply_text(outputs)
    gold_reward, gold_obs = play(tau, index, actions, text)
    noop_reward, _ = play(tau, index, [], NOOP_TEXT)
    perturbed, where = perturb(actions, rng, writes, schemas)
    perturb_reward, perturb_obs = play(tau, index, perturbed, text)
    return {
        "index": index,
        "gold": {"actions": actions, "text": text, "reward": gold_reward,
                 "observations": [fingerprint(o) for o in gold_obs]},
        "noop": {"actions": [], "text": NOOP_TEXT, "reward": noop_reward, "observations": []},
        "perturb": {"actions": perturbed, "text": text, "reward": perturb_reward, "changed": where,
                    "observations": [fingerprint(o) for o in perturb_obs]},
    }


def oracle_agent(wiki, tools):
    """What tau's agent is given (tool_calling_agent.py: the wiki as its system message, tools_info)."""
    return {"system_sha256": hashlib.sha256(wiki.encode("utf-8")).hexdigest(), "tools": [t.get_info() for t in tools]}


def tool_schemas(tools):
    return {t.get_info()["function"]["name"]: t.get_info()["function"]["parameters"] for t in tools}


def oracle_summary(oracle):
    """One line: how many tasks tau gives 1 for each agent, and the probe calls."""
    return (f"{len(oracle['tasks'])} tasks, {sum(len(b) for b in oracle['probes'].values())} probe calls; "
            "tau rewards gold/noop/perturb = 1 for "
            + "/".join(str(sum(1 for t in oracle["tasks"].values() if t[m]["reward"] == 1.0))
                       for m in ("gold", "noop", "perturb")))
