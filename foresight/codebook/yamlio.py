"""Codebook YAML files: read with the line of every group and code, written back in the same shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from foresight.codebook.model import (
    CODE_FIELDS,
    CodebookSpec,
    CodeSpec,
    GroupSpec,
    Problem,
    split_languages,
)
from foresight.errors import ForesightError
from foresight.nlp import knows, unknown_language
from foresight.yamlfile import load_with_lines

SCHEMA_VERSION = 1
GROUP_FIELDS = ("id", "name", "description", "colour", "exclusive")


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The node of the value under ``key`` in the mapping ``node``."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _items(node: yaml.Node | None, key: str) -> list[yaml.Node]:
    """The item nodes of the sequence under ``key`` in the mapping ``node``."""
    value = _child(node, key)
    return list(value.value) if isinstance(value, yaml.SequenceNode) else []


def _lines(node: yaml.Node | None, key: str) -> list[int]:
    """The 1-based line of each item of the sequence under ``key`` in the root mapping."""
    return [item.start_mark.line + 1 for item in _items(node, key)]


def _line(node: yaml.Node | None, key: str, default: int = 1) -> int:
    """The 1-based line of the value under ``key`` in the mapping ``node`` (``default`` when
    there is none)."""
    value = _child(node, key)
    return value.start_mark.line + 1 if value is not None else default


def _keyword_list(
    words: list[Any], node: yaml.Node | None, line: int, where: str, problems: list[Problem]
) -> list[str]:
    """The keywords of one language; empty, duplicate (whatever their case) or non-text ones are
    problems."""
    lines = [n.start_mark.line + 1 for n in node.value] if isinstance(node, yaml.SequenceNode) else []
    kept: dict[str, str] = {}
    for i, word in enumerate(words):
        at = lines[i] if i < len(lines) else line
        if isinstance(word, dict | list):
            problems.append(
                Problem(at, f"{where}: a keyword must be a word or phrase, not a {type(word).__name__}")
            )
        elif not _text(word):
            problems.append(Problem(at, f"{where}: an empty keyword"))
        elif _text(word).casefold() in kept:
            problems.append(Problem(at, f"{where}: duplicate keyword {_text(word)!r}"))
        else:
            kept[_text(word).casefold()] = _text(word)
    return list(kept.values())


def _keywords(
    value: Any, node: yaml.Node | None, line: int, code_id: Any, problems: list[Problem]
) -> tuple[list[str], dict[str, list[str]]]:
    """A code's English keywords and those of other languages, from a list (English) or a
    mapping of ISO 639-1 language code to list."""
    where = f"code {code_id}: keywords"
    if value is None:
        return [], {}
    key_node = _child(node, "keywords")
    line = key_node.start_mark.line + 1 if key_node is not None else line
    if isinstance(value, list):
        return _keyword_list(value, key_node, line, where, problems), {}
    if not isinstance(value, dict):
        problems.append(
            Problem(line, f"{where} must be a list, or a mapping of language to list (de: [...])")
        )
        return [], {}
    by_lang: dict[str, list[str]] = {}
    for lang, words in value.items():
        lang = "no" if lang is False else lang  # YAML 1.1 reads a bare no (Norwegian) as false
        at = _line(key_node, str(lang), line)
        if not isinstance(lang, str) or not knows(lang):
            problems.append(Problem(at, f"{where}: {unknown_language(lang)}"))
        elif not isinstance(words, list):
            problems.append(Problem(at, f"{where} in {lang} must be a list"))
        else:
            by_lang[lang] = _keyword_list(words, _child(key_node, lang), at, f"{where} in {lang}", problems)
    return split_languages(by_lang)


def _list(raw: dict[str, Any], key: str, root: yaml.Node | None, problems: list[Problem]) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(_line(root, key), f"'{key}' must be a list"))
        return []
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_yaml(text: str, path: Path) -> tuple[CodebookSpec, list[Problem]]:
    """The codebook in ``text`` and the problems of its form (unknown or mistyped fields)."""
    raw, root = load_with_lines(text, path)
    if not isinstance(raw, dict) or "codes" not in raw:
        raise ForesightError(f"{path}: not a foresight codebook (no 'codes' list)")
    problems: list[Problem] = []
    if raw.get("schema_version") != SCHEMA_VERSION:
        problems.append(
            Problem(1, f"schema_version must be {SCHEMA_VERSION}, not {raw.get('schema_version')!r}")
        )
    meta = raw.get("codebook") or {}
    if not isinstance(meta, dict):
        problems.append(
            Problem(_line(root, "codebook"), "codebook must be a mapping of name, version, description")
        )
        meta = {}
    version = meta.get("version") or 1
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(
            Problem(_line(root, "codebook"), f"codebook: version must be a whole number, not {version!r}")
        )
        version = 1
    groups = []
    for item, line in zip(_list(raw, "groups", root, problems), _lines(root, "groups"), strict=False):
        if not isinstance(item, dict):
            problems.append(Problem(line, "a group must be a mapping of id, name, description, colour"))
            continue
        problems += [Problem(line, f"group: unknown field {k!r}") for k in item if k not in GROUP_FIELDS]
        exclusive = item.get("exclusive", False)
        if not isinstance(exclusive, bool):
            problems.append(
                Problem(
                    line, f"group {_text(item.get('id'))}: exclusive must be true or false, not {exclusive!r}"
                )
            )
            exclusive = False
        groups.append(
            GroupSpec(
                id=_text(item.get("id")),
                name=_text(item.get("name")),
                description=_text(item.get("description")),
                colour=_text(item.get("colour")) or "#808080",
                exclusive=exclusive,
                line=line,
            )
        )
    codes = []
    code_nodes = _items(root, "codes")
    for item, node in zip(_list(raw, "codes", root, problems), code_nodes, strict=False):
        line = node.start_mark.line + 1
        if not isinstance(item, dict):
            problems.append(Problem(line, "a code must be a mapping of id, name, group, definition, ..."))
            continue
        problems += [
            Problem(line, f"code {item.get('id')}: unknown field {k!r}") for k in item if k not in CODE_FIELDS
        ]
        keywords, keywords_lang = _keywords(item.get("keywords"), node, line, item.get("id"), problems)
        codes.append(
            CodeSpec(
                id=_text(item.get("id")),
                name=_text(item.get("name")),
                group=_text(item.get("group")),
                parent=_text(item.get("parent")) or None,
                definition=_text(item.get("definition")),
                use_when=_text(item.get("use_when")),
                not_when=_text(item.get("not_when")),
                example=_text(item.get("example")),
                keywords=keywords,
                keywords_lang=keywords_lang,
                colour=_text(item.get("colour")) or "#808080",
                domain=_text(item.get("domain")),
                line=line,
            )
        )
    spec = CodebookSpec(
        name=_text(meta.get("name")) or path.stem,
        version=version,
        description=_text(meta.get("description")),
        groups=groups,
        codes=codes,
    )
    return spec, problems


def read_yaml(path: Path) -> tuple[CodebookSpec, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ForesightError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ForesightError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ForesightError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_yaml(text, path)


def to_yaml(spec: CodebookSpec) -> str:
    data = {
        "schema_version": SCHEMA_VERSION,
        "codebook": {"name": spec.name, "version": spec.version, "description": spec.description},
        # only an exclusive group is written with the flag
        "groups": [
            {"id": g.id, "name": g.name, "description": g.description, "colour": g.colour}
            | ({"exclusive": True} if g.exclusive else {})
            for g in spec.groups
        ],
        # a code without a roadmap domain is written without the field
        "codes": [{k: _field(c, k) for k in CODE_FIELDS if k != "domain" or c.domain} for c in spec.codes],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _field(code: CodeSpec, key: str) -> Any:
    """What a codebook file holds for ``key``: keywords in English only are a plain list."""
    if key == "keywords" and code.keywords_lang:
        return code.keywords_by_language()
    return getattr(code, key)


def write_yaml(spec: CodebookSpec, path: Path) -> None:
    path.write_text(to_yaml(spec), encoding="utf-8")
