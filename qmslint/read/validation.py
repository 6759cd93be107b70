"""JSON Schema validation whose errors point at the file, line and key that is wrong."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmslint.errors import UserError
from qmslint.model import Position
from qmslint.read import yamlsafe
from qmslint.support import safe_open
from qmslint.support.resources import schema_path

if TYPE_CHECKING:  # jsonschema is imported by the first validation, not by every run's start
    import jsonschema


@cache
def load_schema(name: str) -> dict[str, Any]:
    return json.loads(schema_path(name).read_text("utf-8"))


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for `file.json` or for a definition inside it, `file.json#name`."""
    import jsonschema

    file_name, _, definition = name.partition("#")
    root = load_schema(file_name)
    schema = root
    if definition:  # keep the root's $defs so that the definition's own $refs resolve
        schema = {"$defs": root["$defs"], "$ref": f"#/$defs/{definition}"}
        if "$schema" in root:
            schema["$schema"] = root["$schema"]
    cls = jsonschema.validators.validator_for(root)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validator_for_schema(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A validator for a schema given as data (a check function's options)."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema)


def errors(
    instance: Any, schema: str, positions: dict[tuple, Position] | None = None
) -> list[tuple[Position | None, str]]:
    """Every schema error as (position, "key.path: message"), in document order."""
    found = []
    for error in _validator(schema).iter_errors(jsonable(instance)):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            if extra:  # point at the unknown key itself
                path = (*path, extra[0])
        position = _nearest(path, positions or {})
        key = ".".join(str(part) for part in error.absolute_path)
        found.append((position, f"{key}: {_message(error)}" if key else _message(error)))
    found.sort(key=lambda item: (item[0].line, item[0].column) if item[0] else (0, 0))
    return found


def read_yaml_mapping(
    path: Path, shown: str, what: str, root: Path | None = None
) -> yamlsafe.Loaded | None:
    """A YAML file the user wrote (config, rule pack, baseline), as a mapping with positions.

    Only a regular file is read (inside `root` when given), and only up to a size limit
    (support/safe_open.py). None for an empty file; every mistake is a UserError naming
    `shown:line:col`.
    """
    try:
        raw = safe_open.read_regular(path, root)
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except OSError as exc:
        raise UserError(f"cannot read the {what}: {exc.strerror}", where=shown) from None
    except UnicodeDecodeError:
        raise UserError(f"the {what} is not UTF-8", where=shown) from None
    try:
        loaded = yamlsafe.load(text)
    except yamlsafe.YamlProblem as problem:
        where = f"{shown}:{problem.position.line}:{problem.position.column}"
        raise UserError(problem.message, where=where) from None
    if loaded is not None and not isinstance(loaded.value, dict):
        raise UserError(f"the {what} must be a mapping", where=f"{shown}:1:1")
    return loaded


def check(
    instance: Any, schema: str, where: str, positions: dict[tuple, Position] | None = None
) -> None:
    """Raise a UserError for the first schema error, naming `where:line:col`."""
    found = errors(instance, schema, positions)
    if found:
        position, message = found[0]
        place = f"{where}:{position.line}:{position.column}" if position else where
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise UserError(message + more, where=place)


def jsonable(value: Any) -> Any:
    """YAML dates as ISO strings, so that a schema can describe them."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _nearest(path: tuple, positions: dict[tuple, Position]) -> Position | None:
    for size in range(len(path), -1, -1):
        key_position = positions.get((*path[:size], "<key>")) if size else None
        if key_position:
            return key_position
        position = positions.get(path[:size])
        if position:
            return position
    return None


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"unknown key {', '.join(repr(e) for e in extra)} (allowed: {allowed})"
    if error.validator == "pattern" and error.validator_value == "\\S":
        return "must not be blank"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return error.message
