"""Id, title and type from the file name, the first heading and the folder (SPEC §3.1 item 4).

Defaults (all configurable by the arguments; kept conservative so that a default never reads
something that is not there):

- **id pattern** `DEFAULT_ID_PATTERN`: an upper-case prefix of 2–6 letters, up to two more
  upper-case or numeric groups, and a number, joined by hyphens: `SOP-001`, `REF-04`, `QP-0003`,
  `WI-12`, `ABC-XY-123`, `DEV-PLAN-001`, `AUD-SCH-2026`. It must stand at the start of the file
  name (`SOP-012 Vigilance.md`, `QP-0003_Document_Control_Process.md`, `REF-04-purchasing.md`)
  or of the first heading (`# REF-04: Purchasing`, `# SOP-001 — Document Control`) and end at a
  word boundary (`SOP-001x` is no id). Lower-case names (`sop-001.md`) and ids elsewhere in the
  name (`Copy of SOP-001.md`) are not read.
- **title** from the first heading, with the id prefix and its separator (`:`, `-`, `–`, `—`,
  `|`, `_`) stripped: `# SOP-012: Vigilance` → "Vigilance". A heading that is only the id gives no
  title, nor does a generic section heading (`# Purpose`, `## 1. Scope`), which is a body section
  and not a title.
- **type from the id prefix** `DEFAULT_PREFIX_TYPES` (first hyphen group, case-insensitive):
  `SOP`, `QP` → procedure; `WI` → work-instruction; `FRM`, `FORM` → form; `TPL`, `TMPL` →
  template; `QM` → manual; `POL` → policy; `PLN`, `PLAN` → plan; `RPT` → report; `REC` → record;
  `LST` → list; `SPEC` → specification.
- **type from the folder** `DEFAULT_FOLDER_TYPES`: a folder of the path named (case-insensitive,
  a leading number such as `02-` ignored) `forms` → form, `templates`/`_templates` → template,
  `procedures`/`sops` → procedure, `work-instructions` → work-instruction, `policies` → policy,
  `records` → record, `quality-manual` → manual, `plans` → plan, `reports` → report. The deepest
  matching folder wins; the id prefix wins over the folder when both give a type.

A configured id pattern runs on at most `MAX_NAME_CHARS` characters under RE2
(`support.patterns`), so that a pattern from a config cannot make reading hang.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from qmslint.model import START, Position
from qmslint.support.patterns import compile_pattern, safe_text

MAX_NAME_CHARS = 200
DEFAULT_ID_PATTERN = r"[A-Z]{2,6}(?:-[A-Z0-9]{1,6}){0,2}-[0-9]{1,6}"

DEFAULT_PREFIX_TYPES: dict[str, str] = {
    "sop": "procedure",
    "qp": "procedure",
    "wi": "work-instruction",
    "frm": "form",
    "form": "form",
    "tpl": "template",
    "tmpl": "template",
    "qm": "manual",
    "pol": "policy",
    "pln": "plan",
    "plan": "plan",
    "rpt": "report",
    "rec": "record",
    "lst": "list",
    "spec": "specification",
}
DEFAULT_FOLDER_TYPES: dict[str, str] = {
    "forms": "form",
    "form": "form",
    "templates": "template",
    "template": "template",
    "_templates": "template",
    "procedures": "procedure",
    "sops": "procedure",
    "work-instructions": "work-instruction",
    "work_instructions": "work-instruction",
    "policies": "policy",
    "records": "record",
    "quality-manual": "manual",
    "plans": "plan",
    "reports": "report",
}
GENERIC_SECTIONS = frozenset(
    {
        "purpose",
        "scope",
        "purpose and scope",
        "introduction",
        "overview",
        "summary",
        "background",
        "definitions",
        "abbreviations",
        "definitions and abbreviations",
        "references",
        "responsibilities",
        "procedure",
        "process",
        "records",
        "appendix",
        "appendices",
        "revision history",
        "change history",
        "document history",
        "table of contents",
        "contents",
        "general",
        "description",
    }
)
_SEPARATORS = " \t:-–—|_.,"


@dataclass(frozen=True)
class NameValue:
    """A value read from the file name, a heading or the folder."""

    label: str  # "id", "title" or "type"
    value: str
    position: Position  # in the file (START for file-name and folder values)
    source: str  # "file-name", "heading", "id-prefix", "folder"


@dataclass(frozen=True)
class Names:
    id: NameValue | None
    title: NameValue | None
    type: NameValue | None
    ids: tuple[NameValue, ...] = ()  # every id read (file name and heading), to compare


def check_pattern(pattern: str) -> object:
    """Compile a configured id pattern under RE2 (linear time: it cannot make reading hang);
    qmslint's own pattern, of bounded repeats only, runs under `re`, whose calls cost a tenth."""
    if pattern == DEFAULT_ID_PATTERN:
        return _DEFAULT_ID
    return compile_pattern(f"(?:{pattern})")


_DEFAULT_ID = re.compile(f"(?:{DEFAULT_ID_PATTERN})")


@lru_cache(maxsize=4096)
def id_at_start(text: str, pattern: str = DEFAULT_ID_PATTERN) -> tuple[str, int] | None:
    """The id `text` starts with and where it ends, or None (`SOP-001x` starts with no id).

    Cached: the first heading is asked for its id and then for its title.
    """
    text = safe_text(text[:MAX_NAME_CHARS])  # a file name git gave as bytes may hold surrogates
    match = check_pattern(pattern).match(text)
    if not match or not match.group(0):
        return None
    end = match.end()
    if end < len(text) and text[end].isascii() and text[end].isalnum():
        return None
    return match.group(0), end


def file_stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    for _ in range(2):  # X.docx.yaml → X
        if "." in name.lstrip("."):
            name = name[: name.rfind(".")]
    return name


def id_from_file_name(path: str, pattern: str = DEFAULT_ID_PATTERN) -> NameValue | None:
    """`docs/SOP-012 Vigilance.md` → SOP-012 (source "file-name")."""
    found = id_at_start(file_stem(path), pattern)
    return NameValue("id", found[0], START, "file-name") if found else None


def id_from_heading(
    text: str, position: Position, pattern: str = DEFAULT_ID_PATTERN
) -> NameValue | None:
    """`REF-04: Purchasing` (a heading's text) → REF-04 at the heading."""
    found = id_at_start(text.strip(), pattern)
    return NameValue("id", found[0], position, "heading") if found else None


def title_from_heading(
    text: str, position: Position, pattern: str = DEFAULT_ID_PATTERN
) -> NameValue | None:
    """The first heading as the title, without its id prefix; None for a generic section."""
    stripped = text.strip()
    column = position.column + (len(text) - len(text.lstrip()))
    found = id_at_start(stripped, pattern)
    if found:
        rest = stripped[found[1] :]
        cut = len(rest) - len(rest.lstrip(_SEPARATORS))
        column += found[1] + cut
        stripped = rest[cut:].strip()
    if not stripped or _generic(stripped):
        return None
    return NameValue("title", stripped, Position(position.line, column), "heading")


def _generic(title: str) -> bool:
    words = title.lower().replace(".", " ").split()
    while words and words[0].strip(")").isdigit():
        words = words[1:]
    return (
        not words
        or " ".join(words) in GENERIC_SECTIONS
        or (len(words) == 1 and words[0] in GENERIC_SECTIONS)
    )


class ByLowerKey(dict[str, str]):
    """Rules whose keys are lower case already (made by `by_lower_key`)."""


def by_lower_key(rules: Mapping[str, str]) -> Mapping[str, str]:
    """`rules` by lower-case key, the last of keys equal but for case winning, as the type
    look-ups take them. Rules made here are returned as they are: the reading settings make them
    once (`ReadSettings.prefix_rules`), not every document its own."""
    if isinstance(rules, ByLowerKey):
        return rules
    return ByLowerKey({k.lower(): v for k, v in rules.items()})


def type_from_id(
    doc_id: str, rules: Mapping[str, str] = DEFAULT_PREFIX_TYPES, position: Position = START
) -> NameValue | None:
    """`SOP-012` → procedure, by the id's first hyphen group."""
    prefix = doc_id.split("-", 1)[0].strip().lower()
    found = by_lower_key(rules).get(prefix)
    return NameValue("type", found, position, "id-prefix") if found else None


def type_from_path(path: str, rules: Mapping[str, str] = DEFAULT_FOLDER_TYPES) -> NameValue | None:
    """`docs/forms/x.md` → form: the deepest folder that a rule names."""
    folders = path.replace("\\", "/").split("/")[:-1]
    lowered = by_lower_key(rules)
    for folder in reversed(folders):
        name = folder.lower()
        bare = name.lstrip("0123456789").lstrip("-_. ") or name
        for candidate in (name, bare):
            if candidate in lowered:
                return NameValue("type", lowered[candidate], START, "folder")
    return None


def read_names(
    path: str,
    heading_text: str | None = None,
    heading_position: Position = START,
    *,
    id_pattern: str = DEFAULT_ID_PATTERN,
    prefix_types: Mapping[str, str] = DEFAULT_PREFIX_TYPES,
    folder_types: Mapping[str, str] = DEFAULT_FOLDER_TYPES,
    heading_level: int = 1,
) -> Names:
    """Id (heading first, then file name), title (heading) and type (id prefix, then folder).

    Only a level-1 heading gives a title (`## Supplier Overview` is a section, not a title); an
    id may come from a heading of any level.
    """
    from_heading = (
        id_from_heading(heading_text, heading_position, id_pattern) if heading_text else None
    )
    from_name = id_from_file_name(path, id_pattern)
    ids = tuple(v for v in (from_heading, from_name) if v is not None)
    chosen = ids[0] if ids else None
    title = None
    if heading_text and heading_level <= 1:
        title = title_from_heading(heading_text, heading_position, id_pattern)
    kind = type_from_id(chosen.value, prefix_types, chosen.position) if chosen else None
    if kind is None:
        kind = type_from_path(path, folder_types)
    return Names(chosen, title, kind, ids)
