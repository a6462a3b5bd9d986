#!/usr/bin/env python3
"""validate_records.py SCHEMA FILE...: every non-blank line of each results.jsonl FILE must be a
record that SCHEMA (docs/record.schema.json, JSON Schema 2020-12) accepts, and its verdicts must
line up with its observations (score.events / score.probes: same length as events / probes).
Prints one line per problem, `file:line: where: message`, and exits 1 when there is any; 2 when
it cannot run (no file, no jsonschema). Used by tests/e2e/lib.sh's validate_records."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_records.py: python3-jsonschema is not installed (scripts/bootstrap --test)", file=sys.stderr)
    sys.exit(2)

if len(sys.argv) < 3:
    print("usage: validate_records.py SCHEMA FILE...", file=sys.stderr)
    sys.exit(2)

with open(sys.argv[1]) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

problems = records = 0
for path in sys.argv[2:]:
    try:
        lines = open(path, encoding="utf-8").read().split("\n")
    except OSError as e:
        print("%s: %s" % (path, e.strerror), file=sys.stderr)
        sys.exit(2)
    if not any(line.strip() for line in lines):
        print("%s: no records" % path)
        problems += 1
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        records += 1
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as e:
            print("%s:%d: not JSON: %s" % (path, n, e))
            problems += 1
            continue
        found = []
        for error in sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(record)"
            found.append("%s: %s" % (where, error.message[:300]))
        score = record.get("score") if isinstance(record, dict) else None
        if isinstance(score, dict):
            for key in ("events", "probes"):
                got, want = score.get(key), record.get(key)
                if isinstance(got, list) and isinstance(want, list) and len(got) != len(want):
                    found.append("score/%s: %d verdicts for %d %s" % (key, len(got), len(want), key))
        for text in found[:5]:
            print("%s:%d: %s" % (path, n, text))
        if len(found) > 5:
            print("%s:%d: ... %d more" % (path, n, len(found) - 5))
        problems += len(found)

print("validate_records: %d records, %d problems" % (records, problems), file=sys.stderr)
sys.exit(1 if problems else 0)
