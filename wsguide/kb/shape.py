"""A tiny declarative schema for knowledge-base YAML.

One description of the shape serves three jobs: strict validation of YAML nodes with the
line of every problem, conversion to plain Python values, and the JSON Schema written to
`knowledge/schema.json` for editors. Hand-written (not pydantic) because the errors must read
`file:line: field: message` for people who know nginx, not Python, and because importing
pydantic would cost lookup's start-up budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Problem:
    """One problem found in a file, pointing at a line and a dotted field path."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field or '(top)'}: {self.message}"


class Ctx:
    """Collects problems while one file is walked."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.file, line, path, message))


class Spec:
    """Base class: `check` turns a YAML node into a value or records problems (returns None)."""

    doc: str = ""

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


def _scalar(node: yaml.Node, path: str, ctx: Ctx, what: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        ctx.add(node, path, f"expected {what}, got a {_kind(node)}")
        return None
    return yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return f"scalar ({node.tag.rsplit(':', 1)[-1]})"


@dataclass
class Str(Spec):
    doc: str = ""
    pattern: str | None = None
    pattern_help: str = ""
    nonempty: bool = True

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:str":
            # PyYAML reads yes/no/on/off/numbers as non-strings: fail loud, do not coerce.
            ctx.add(node, path, f"expected text, got {node.tag.rsplit(':', 1)[-1]} "
                                f"{node.value!r} (quote it)")
            return None
        value = _scalar(node, path, ctx, "text")
        if value is None:
            return None
        if self.nonempty and not value.strip():
            ctx.add(node, path, "must not be empty")
            return None
        if self.pattern and not re.fullmatch(self.pattern, value):
            ctx.add(node, path, f"{value!r} is not {self.pattern_help or 'valid'}")
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"
        if self.nonempty:
            out["minLength"] = 1
        return _doc(out, self.doc)


@dataclass
class Num(Spec):
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        value = _scalar(node, path, ctx, "a number")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            self.integer and not isinstance(value, int)
        ):
            ctx.add(node, path, f"expected {'a whole number' if self.integer else 'a number'}, "
                                f"got {node.value!r}")
            return None
        if self.minimum is not None and value < self.minimum:
            ctx.add(node, path, f"{value} is below the minimum {self.minimum}")
            return None
        if self.maximum is not None and value > self.maximum:
            ctx.add(node, path, f"{value} is above the maximum {self.maximum}")
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return _doc(out, self.doc)


@dataclass
class Bool(Spec):
    doc: str = ""

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        value = _scalar(node, path, ctx, "true or false")
        if not isinstance(value, bool):
            ctx.add(node, path, f"expected true or false, got {getattr(node, 'value', '')!r}")
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        return _doc({"type": "boolean"}, self.doc)


@dataclass
class Enum(Spec):
    choices: tuple[str, ...] = ()
    doc: str = ""

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        value = Str().check(node, path, ctx)
        if value is None:
            return None
        if value not in self.choices:
            ctx.add(node, path, f"{value!r} is not one of: {', '.join(self.choices)}")
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        return _doc({"type": "string", "enum": list(self.choices)}, self.doc)


@dataclass
class ListOf(Spec):
    item: Spec = field(default_factory=Str)
    doc: str = ""
    min_items: int = 0

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            ctx.add(node, path, f"expected a list, got a {_kind(node)}")
            return None
        if len(node.value) < self.min_items:
            ctx.add(node, path, f"needs at least {self.min_items} item(s)")
        out = []
        for i, child in enumerate(node.value):
            value = self.item.check(child, f"{path}[{i}]", ctx)
            if value is not None:
                out.append(value)
        return out

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        return _doc(out, self.doc)


@dataclass
class MapOf(Spec):
    """A mapping from free keys (ids) to values of one shape."""

    value: Spec = field(default_factory=Str)
    doc: str = ""
    key_pattern: str = r"[a-z_][a-z0-9_]*"

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        if not isinstance(node, yaml.MappingNode):
            ctx.add(node, path, f"expected a mapping, got a {_kind(node)}")
            return None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not key or not re.fullmatch(self.key_pattern, str(key)):
                ctx.add(key_node, path, f"key {key!r} must match {self.key_pattern}")
                continue
            if key in out:
                ctx.add(key_node, f"{path}.{key}", "duplicate key")
                continue
            value = self.value.check(value_node, f"{path}.{key}", ctx)
            if value is not None:
                out[key] = value
        return out

    def json_schema(self) -> dict[str, Any]:
        return _doc({"type": "object", "propertyNames": {"pattern": f"^{self.key_pattern}$"},
                     "additionalProperties": self.value.json_schema()}, self.doc)


@dataclass
class Ref(Spec):
    """A spec by name, for recursive shapes (an audit condition holds conditions).

    `target` is set once the named spec exists; the JSON Schema says `{"$ref": "#/$defs/NAME"}`
    and `kb/schema.py` puts the target under `$defs`.
    """

    name: str = ""
    target: Spec | None = None
    doc: str = ""

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        assert self.target is not None, f"Ref {self.name!r} has no target"
        return self.target.check(node, path, ctx)

    def json_schema(self) -> dict[str, Any]:
        return _doc({"$ref": f"#/$defs/{self.name}"}, self.doc)


@dataclass
class F:
    """A field of an Obj: its spec, whether it is required, and what it is for."""

    spec: Spec
    required: bool = False
    doc: str = ""


@dataclass
class Obj(Spec):
    fields: dict[str, F] = field(default_factory=dict)
    doc: str = ""
    one_of: tuple[tuple[str, ...], ...] = ()
    """Groups of keys of which exactly one must be present (e.g. regex | all)."""

    def check(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:
        if not isinstance(node, yaml.MappingNode):
            ctx.add(node, path or "(top)", f"expected a mapping, got a {_kind(node)}")
            return None
        out: dict[str, Any] = {}
        ok = True
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            sub = f"{path}.{key}" if path else str(key)
            if key not in self.fields:
                near = _nearest(str(key), list(self.fields))
                hint = f" (did you mean {near!r}?)" if near else ""
                ctx.add(key_node, sub, f"unknown key{hint}; allowed: {', '.join(self.fields)}")
                ok = False
                continue
            if key in out:
                ctx.add(key_node, sub, "duplicate key")
                ok = False
                continue
            value = self.fields[key].spec.check(value_node, sub, ctx)
            if value is None:
                ok = False
            else:
                out[key] = value
        present = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        for name, f in self.fields.items():
            if f.required and name not in present:
                ctx.add(node, f"{path}.{name}" if path else name, "required field is missing")
                ok = False
        for group in self.one_of:
            n = len(present & set(group))
            if n != 1:
                ctx.add(node, path or "(top)", f"needs exactly one of: {', '.join(group)}")
                ok = False
        return out if ok else None

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {k: _doc(f.spec.json_schema(), f.doc) for k, f in self.fields.items()},
        }
        req = [k for k, f in self.fields.items() if f.required]
        if req:
            out["required"] = req
        return _doc(out, self.doc)


def _doc(schema: dict[str, Any], doc: str) -> dict[str, Any]:
    if doc and "description" not in schema:
        schema["description"] = doc
    return schema


def _nearest(word: str, options: list[str]) -> str | None:
    import difflib  # only on the error path

    found = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return found[0] if found else None
