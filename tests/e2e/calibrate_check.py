"""Independent arithmetic for tests/e2e/calibrate.sh: writes two reviewers' labels for a run into
its history database (the labels table of engine/report/labels.h), and computes what spar
calibrate must print, from the records and the labels alone, without spar's code.

  calibrate_check.py label RESULTS DB    write the labels; print nothing
  calibrate_check.py expect RESULTS DB   print the expected comparison as JSON
  calibrate_check.py held RESULTS DB     the same, for the labels the database holds (e.g. a
                                         browser's, tests/e2e/review_browser.sh)
"""
import json
import sqlite3
import sys
from collections import Counter
from itertools import combinations


def key(r):
    return f"{r['scenario']}@{r['persona']}#{r['trial']}" if r.get("persona") else f"{r['scenario']}#{r['trial']}"


def five(x):
    q = round(x * 4 + 1e-9) / 4  # the nearest quarter (no exact .125 ties in the mock's scores)
    return "0" if q == 0 else "1" if q == 1 else repr(q)


def graders(r):
    """grader -> {item: value}, as docs/calibration.md defines them (outcome, judge, recovery)."""
    s, out = r["score"], {}
    if isinstance(s.get("pass"), bool) and s.get("decided_by") != "unscored":
        out.setdefault("outcome", {})["conversation"] = "pass" if s["pass"] else "fail"
    spec = s["scorer"]["options"]["judge"]
    for t, j in (s.get("judgements") or {}).items():
        if isinstance(j.get("score"), (int, float)):
            name = "judge:" + spec + ("@" + j["rubric"] if j.get("rubric") else "")
            out.setdefault(name, {})["checkpoint:" + t] = five(j["score"])
    for i, e in enumerate(s["events"]):
        if isinstance(e.get("recovered"), bool) and e["decided_by"] != "unscored":
            out.setdefault("recovery:" + e["decided_by"], {})[f"event:{i}"] = "recovered" if e["recovered"] else "not_recovered"
    return out


def load(results):
    recs = [json.loads(l) for l in open(results)]
    return sorted(recs, key=key)


def flip(item, v):
    if item == "conversation":
        return "fail" if v == "pass" else "pass"
    if item.startswith("event:"):
        return "not_recovered" if v == "recovered" else "recovered"
    return "0.5" if v in ("0", "0.25", "1") else "1"


def labels_for(recs):
    """(reviewer, run_id, conversation, item, label, rationale): some agree with spar, some not."""
    out = []
    n_conv = n_event = n_cp = 0
    for r in recs:
        g = graders(r)
        k = key(r)
        v = g["outcome"]["conversation"]
        # conversations: ana flips the 2nd, ben flips the 2nd and the 5th (a tie between them there)
        out.append(("ana", r["run_id"], k, "conversation", flip("conversation", v) if n_conv == 1 else v, "ana: read the end state"))
        out.append(("ben", r["run_id"], k, "conversation", flip("conversation", v) if n_conv in (1, 4) else v, "ben: checked the refund"))
        n_conv += 1
        # policy: both reviewers think the first violation spar found was no violation
        if n_conv == 1 or not any(l[3].startswith("policy:") for l in out):
            for v in r["score"]["violations"][:1]:
                for rev in ("ana", "ben"):
                    out.append((rev, r["run_id"], k, "policy:" + v["rule"], "not_violated", rev + ": the user had said yes"))
        for item, v in sorted(g.get("recovery:action", {}).items())[:1] + sorted(g.get("recovery:text", {}).items())[:1]:
            # events: ana labels every first action- and text-decided event, flipping every third;
            # ben labels every other one and agrees with spar
            out.append(("ana", r["run_id"], k, item, flip(item, v) if n_event % 3 == 2 else v, "ana: the reply used the new value"))
            if n_event % 2 == 0:
                out.append(("ben", r["run_id"], k, item, v, "ben: the tool call carried it"))
            n_event += 1
        for grader, items in g.items():
            if not grader.startswith("judge:"):
                continue
            for item, v in sorted(items.items()):
                # windows: ana flips the 3rd, ben the 1st and the 3rd (where both disagree with the judge)
                out.append(("ana", r["run_id"], k, item, flip(item, v) if n_cp == 2 else v, "ana: polite enough"))
                out.append(("ben", r["run_id"], k, item, flip(item, v) if n_cp in (0, 2) else v, "ben: curt in that window"))
                n_cp += 1
    return out


def kappa(pairs):
    if not pairs:
        return None
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[c] / n * cb[c] / n for c in ca)
    return None if pe >= 1 - 1e-12 else (po - pe) / (1 - pe)


def agreement(pairs):
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else None


def alpha(units, interval):
    o = Counter()
    for u in units:
        u = [float(x) for x in u] if interval else u
        if len(u) < 2:
            continue
        for i in range(len(u)):
            for j in range(len(u)):
                if i != j:
                    o[(u[i], u[j])] += 1 / (len(u) - 1)
    nc = Counter()
    for (c, _), w in o.items():
        nc[c] += w
    n = sum(nc.values())
    d = (lambda a, b: (a - b) ** 2) if interval else (lambda a, b: float(a != b))
    exp = sum(nc[a] * nc[b] * d(a, b) for a in nc for b in nc)
    if n < 2 or exp <= 0:
        return None
    return 1 - (n - 1) * sum(w * d(a, b) for (a, b), w in o.items()) / exp


def expect(recs, labels):
    humans = {}
    for rev, run, conv, item, lab, why in labels:
        humans.setdefault((run, conv, item), []).append(lab)
    graded = {}
    for r in recs:
        for grader, items in graders(r).items():
            for item, v in items.items():
                graded.setdefault(grader, {})[(r["run_id"], key(r), item)] = v
                family = grader.split(":")[0]
                if family != grader:
                    graded.setdefault(family, {})[(grader, r["run_id"], key(r), item)] = v
                if family == "judge" and "@" in grader:  # judge:<model>@<rubric> is one of its model's
                    graded.setdefault(grader.split("@")[0], {})[(grader, r["run_id"], key(r), item)] = v
    out = {}
    for grader, units in graded.items():
        pairs, units_a, tied = [], [], 0
        for u, v in units.items():
            hk = u[-3:]
            if hk not in humans:
                continue
            c = Counter(humans[hk]).most_common()
            if len(c) > 1 and c[0][1] == c[1][1]:
                tied += 1
            else:
                pairs.append((v, c[0][0]))
            units_a.append([v] + humans[hk])
        if not units_a:
            continue
        interval = grader.startswith("judge")
        out[grader] = {"n": len(pairs), "tied": tied, "agreement": agreement(pairs), "kappa": kappa(pairs),
                       "alpha": alpha(units_a, interval)}
    # reviewer against reviewer, conversations
    by = {}
    for rev, run, conv, item, lab, why in labels:
        if item == "conversation":
            by.setdefault((run, conv), {})[rev] = lab
    pairs = [(d["ana"], d["ben"]) for d in by.values() if "ana" in d and "ben" in d]
    out["reviewers:conversation"] = {"n": len(pairs), "agreement": agreement(pairs), "kappa": kappa(pairs),
                                     "alpha": alpha([list(d.values()) for d in by.values()], False)}
    return out


if __name__ == "__main__":
    mode, results, db = sys.argv[1:4]
    recs = load(results)
    if mode == "held":
        con = sqlite3.connect(db)
        labels = [tuple(row) for row in con.execute(
            "SELECT reviewer, run_id, conversation, item, label, rationale FROM labels")]
    else:
        labels = labels_for(recs)
    if mode == "label":
        con = sqlite3.connect(db)
        con.executemany("INSERT OR REPLACE INTO labels (reviewer, run_id, conversation, item, label, rationale, time) "
                        "VALUES (?,?,?,?,?,?,'2026-01-01T00:00:00Z')", labels)
        con.commit()
    else:
        print(json.dumps(expect(recs, labels), indent=1, sort_keys=True))
