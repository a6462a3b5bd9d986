#!/usr/bin/env python3
"""Holds every #include in engine/ against the library edges CMake declares.

usage: check.py LAYERING_TXT ENGINE_DIR [ARCHITECTURE_MD]

LAYERING_TXT is written by CMakeLists.txt (spar_engine_library), one line per folder:
    <folder> deps=<folder>,... public=<target>,... private=<target>,...
Rules, each broken include reported as `path:line: message` on stderr, exit 1:
  - `#include "X/..."` of an engine folder X: X is the folder itself or one it depends on,
    directly or through other folders (what CMake's PUBLIC edges put on the include path);
  - a third-party header (Lua, libcurl, SQLite, cpp-httplib, CLI11, simdjson): the folder links
    that library itself, or a folder it depends on links it PUBLIC;
  - every engine folder has a library.
With ARCHITECTURE_MD, its table rows "| `spar_<folder>` | `dep`, ... | ... |" must list the
same folders and direct edges as CMake.
"""
import pathlib
import re
import sys

# Third-party headers whose library is linked by one folder only.
THIRD_PARTY = [
    (re.compile(r"^(lua|lauxlib|lualib|luaconf)\.h(pp)?$"), "PkgConfig::LUA"),
    (re.compile(r"^curl/"), "PkgConfig::CURL"),
    (re.compile(r"^sqlite3\.h$"), "PkgConfig::SQLITE"),
    (re.compile(r"^httplib\.h$"), "PkgConfig::HTTPLIB"),
    (re.compile(r"^CLI/"), "CLI11::CLI11"),
    (re.compile(r"^simdjson\.h$"), "PkgConfig::SIMDJSON"),
    (re.compile(r"^nlohmann/"), "nlohmann_json::nlohmann_json"),
    (re.compile(r"^fmt/"), "fmt::fmt"),
    (re.compile(r"^spdlog/"), "spdlog::spdlog"),
]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def parse_layers(path):
    layers = {}
    for n, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        folder, *fields = line.split()
        entry = {}
        for field in fields:
            key, _, value = field.partition("=")
            entry[key] = [v for v in value.split(",") if v]
        layers[folder] = entry
    return layers


def closure(layers, folder):
    seen, todo = set(), [folder]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        todo.extend(layers.get(f, {}).get("deps", []))
    return seen


def allowed_libs(layers, folder):
    libs = set(layers[folder]["public"]) | set(layers[folder]["private"])
    for dep in closure(layers, folder) - {folder}:
        libs |= set(layers[dep]["public"])
    return libs


def check_includes(layers, engine):
    errors = []
    for folder_path in sorted(p for p in engine.iterdir() if p.is_dir()):
        folder = folder_path.name
        if folder not in layers:
            errors.append(f"{folder_path}: engine folder '{folder}' has no library in CMakeLists.txt")
            continue
        reach = closure(layers, folder)
        libs = allowed_libs(layers, folder)
        for source in sorted(folder_path.rglob("*")):
            if source.suffix not in (".h", ".cc", ".hpp", ".cpp"):
                continue
            for n, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                header = m.group(2)
                target = header.split("/", 1)[0] if "/" in header else None
                if m.group(1) == '"' and target in layers:
                    if target not in reach:
                        errors.append(f"{source}:{n}: {folder}/ may not include \"{header}\": "
                                      f"spar_{folder} does not depend on spar_{target}")
                    continue
                for pattern, lib in THIRD_PARTY:
                    if pattern.search(header) and lib not in libs:
                        errors.append(f"{source}:{n}: {folder}/ may not include <{header}>: "
                                      f"spar_{folder} does not link {lib}")
    return errors


def check_doc(layers, doc):
    errors, rows = [], {}
    row = re.compile(r"^\|\s*`spar_(\w+)`\s*\|([^|]*)\|")
    for n, line in enumerate(pathlib.Path(doc).read_text().splitlines(), 1):
        m = row.match(line)
        if m:
            rows[m.group(1)] = (n, set(re.findall(r"`(\w+)`", m.group(2))))
    for folder, entry in layers.items():
        if folder not in rows:
            errors.append(f"{doc}: no table row for spar_{folder}")
            continue
        n, deps = rows[folder]
        if deps != set(entry["deps"]):
            errors.append(f"{doc}:{n}: spar_{folder} depends on {sorted(entry['deps'])} in "
                          f"CMakeLists.txt, the table says {sorted(deps)}")
    for folder, (n, _) in rows.items():
        if folder not in layers:
            errors.append(f"{doc}:{n}: spar_{folder} is not a library in CMakeLists.txt")
    return errors


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    layers = parse_layers(argv[1])
    errors = check_includes(layers, pathlib.Path(argv[2]))
    if len(argv) == 4:
        errors += check_doc(layers, argv[3])
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
