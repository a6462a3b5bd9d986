"""Stub of docstring_parser for tools/tau-import (see ../README.md).

tau2's Tool (environment/tool.py) calls `parse(func.__doc__)` and reads `short_description`,
`long_description`, `params[i].arg_name/.description/.type_name`, `returns.description/.type_name`,
`raises[i].type_name/.description` and `examples`. Every tau2 retail tool has a Google-style
docstring, for which docstring_parser's automatic style picks its Google parser; this is a
reimplementation of that parser's rules as they bear on those fields:

- the text is cleaned with inspect.cleandoc;
- the first line matching `^(Args|Arguments|Parameters|Params|Raises|Exceptions|Except|Attributes|
  Example|Examples|Returns|Yields):[ \\t\\r\\f\\v]*$` starts the sections; before it, the first line is
  the short description and the rest, stripped, the long description (None when empty);
- a section runs to the next title; within it, anything after a line that starts without
  indentation is dropped; the section is stripped of newlines and split at the lines indented
  exactly as its first line;
- an entry `name (type): text` or `name: text` gives the name, the type and the text; the text's
  first line is kept as it is and the following lines are dedented with inspect.cleandoc; a
  leading space after the colon is dropped and newlines are stripped from both ends;
- Returns/Yields are one entry (`type: text` when the first line looks like `word:`), Example(s)
  one text.
"""
import inspect
import re
from dataclasses import dataclass, field
from typing import List, Optional

_TITLES = {
    "Arguments": "param", "Args": "param", "Parameters": "param", "Params": "param",
    "Raises": "raises", "Exceptions": "raises", "Except": "raises",
    "Attributes": "attribute", "Example": "examples", "Examples": "examples",
    "Returns": "returns", "Yields": "yields",
}
_SINGULAR = {"examples"}
_SINGULAR_OR_MULTIPLE = {"returns", "yields"}
_TITLES_RE = re.compile(
    "^(" + "|".join(f"({t})" for t in _TITLES) + "):[ \t\r\f\v]*$", flags=re.M)
_TYPED_ARG_RE = re.compile(r"\s*(.+?)\s*\(\s*(.*[^\s]+)\s*\)")
_MULTIPLE_RE = re.compile(r"(\s*[^:\s]+:)|([^:]*\]:.*)")


@dataclass
class DocstringParam:
    arg_name: str
    description: Optional[str]
    type_name: Optional[str]


@dataclass
class DocstringReturns:
    description: Optional[str]
    type_name: Optional[str]


@dataclass
class DocstringRaises:
    description: Optional[str]
    type_name: Optional[str]


@dataclass
class Docstring:
    short_description: Optional[str] = None
    long_description: Optional[str] = None
    params: List[DocstringParam] = field(default_factory=list)
    raises: List[DocstringRaises] = field(default_factory=list)
    returns: Optional[DocstringReturns] = None
    examples: List[str] = field(default_factory=list)


def _split_spec(text):
    before, desc = text.split(":", 1)
    if desc:
        desc = desc[1:] if desc[0] == " " else desc
        if "\n" in desc:
            first, rest = desc.split("\n", 1)
            desc = first + "\n" + inspect.cleandoc(rest)
        desc = desc.strip("\n")
    return before, desc


def _add(ret, key, text):
    if key in _SINGULAR or (key in _SINGULAR_OR_MULTIPLE and not _MULTIPLE_RE.match(text)):
        if key == "examples":
            ret.examples.append(text or None)
        elif key == "returns":
            ret.returns = DocstringReturns(description=text or None, type_name=None)
        return
    before, desc = _split_spec(text)
    if key == "param":
        m = _TYPED_ARG_RE.match(before)
        if m:
            name, type_name = m.group(1, 2)
            if type_name.endswith(", optional"):
                type_name = type_name[:-10]
            elif type_name.endswith("?"):
                type_name = type_name[:-1]
        else:
            name, type_name = before, None
        ret.params.append(DocstringParam(arg_name=name, description=desc, type_name=type_name))
    elif key == "returns":
        ret.returns = DocstringReturns(description=desc, type_name=before)
    elif key == "raises":
        ret.raises.append(DocstringRaises(description=desc, type_name=before))


def parse(text):
    ret = Docstring()
    if not text:
        return ret
    text = inspect.cleandoc(text)
    m = _TITLES_RE.search(text)
    desc_chunk, meta_chunk = (text[: m.start()], text[m.start():]) if m else (text, "")
    parts = desc_chunk.split("\n", 1)
    ret.short_description = parts[0] or None
    if len(parts) > 1:
        ret.long_description = parts[1].strip() or None
    matches = list(_TITLES_RE.finditer(meta_chunk))
    for j, match in enumerate(matches):
        end = matches[j + 1].start() if j + 1 < len(matches) else len(meta_chunk)
        chunk = meta_chunk[match.end():end]
        unknown = re.search(r"\n\S", chunk)
        if unknown is not None:
            chunk = chunk[: unknown.start()]
        chunk = chunk.strip("\n")
        key = _TITLES[match.group(1)]
        if key in _SINGULAR or key in _SINGULAR_OR_MULTIPLE:
            _add(ret, key, inspect.cleandoc(chunk))
            continue
        indent = re.search(r"^\s*", chunk).group()
        starts = list(re.finditer("^" + indent + r"(?=\S)", chunk, flags=re.M))
        for k, s in enumerate(starts):
            stop = starts[k + 1].start() if k + 1 < len(starts) else len(chunk)
            _add(ret, key, chunk[s.end():stop].strip("\n"))
    return ret
