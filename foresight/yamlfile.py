"""YAML files that people write: safe loading, with each node's line kept for messages.

Loading is safe and bounded: no tags that build objects, no text longer than :data:`MAX_CHARS`,
no nesting deeper than :data:`MAX_DEPTH`, no anchors and aliases that stand for more than
:data:`MAX_VALUES` values once expanded (a "billion laughs" file is a few hundred bytes that
expand to billions), and no alias inside the very list or mapping it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from foresight.errors import ForesightError

MAX_CHARS = 10_000_000
MAX_DEPTH = 50
MAX_VALUES = 100_000


class TooComplex(yaml.MarkedYAMLError):
    """YAML that would take too deep a stack or too much memory to build."""


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH; the parser's events need no recursion to read."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise TooComplex(
                    problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=event.start_mark
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_size(root: yaml.Node) -> None:
    """Refuse aliases that expand to more than MAX_VALUES values or refer to themselves.

    Each node's expanded size is counted once (aliases share their node), so this takes time in
    proportion to the file, not to what it expands to."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise TooComplex(
                problem="an alias refers to the list or mapping it is in", problem_mark=node.start_mark
            )
        total = 1
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            open_nodes.add(key)
            children = (
                node.value if isinstance(node, yaml.SequenceNode) else [n for kv in node.value for n in kv]
            )
            for item in children:
                total += size(item)
                if total > MAX_VALUES:
                    raise TooComplex(
                        problem=f"anchors and aliases expand to more than {MAX_VALUES:,} values",
                        problem_mark=node.start_mark,
                    )
            open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root)


def safe_load(text: str) -> tuple[Any, yaml.Node | None]:
    """The data in ``text`` and its node tree, loaded safely and within the bounds above.

    Raises :class:`yaml.YAMLError` (with ``problem`` and ``problem_mark``) for bad YAML."""
    if len(text) > MAX_CHARS:
        raise TooComplex(problem=f"over {MAX_CHARS:,} characters long")
    _check_depth(text)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_size(root)
        return loader.construct_document(root), root
    finally:
        loader.dispose()


def load_with_lines(
    text: str, path: str | Path, error: type[ForesightError] = ForesightError
) -> tuple[Any, yaml.Node | None]:
    """The data in ``text`` and its node tree (``node.start_mark.line`` is 0-based).

    Safe loading only: no tags that build objects. Bad YAML raises ``error`` naming the file and
    the line."""
    try:
        return safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        verdict = "YAML refused" if isinstance(exc, TooComplex) else "not valid YAML"
        # a reader error (a control character) has no problem, and its text runs over two lines
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{where}: {verdict} ({problem})") from None
