"""A coder's work and what they work through.

- ``actions``: apply and remove codes, mark units done, undo and redo, memos, decisions on
  suggestions; each a committed transaction, over a bare DB-API connection (it loads no
  SQLAlchemy, so ``foresight code`` starts at once);
- ``listing``: what the work has left in the store: codings, memos, progress, blind batches;
- ``worklist``: the units in reading order with their status and filters, and one unit's view
  (its text, context, codes and suggestions), as the coders' screen shows them.

The names below are this package's own: ``from foresight import coding; coding.apply_code(...)``.
Each is loaded from its module when first asked for.
"""

from __future__ import annotations

from foresight.lazy import attributes

_HOME = {
    **dict.fromkeys(
        [
            "ORIGINS",
            "Step",
            "apply_code",
            "decide_suggestion",
            "mark_done",
            "redo",
            "remove_code",
            "set_memo",
            "undo",
        ],
        "actions",
    ),
    **dict.fromkeys(
        [
            "batch_units",
            "decided_by",
            "finished_units",
            "get_memo",
            "last_coded",
            "list_codings",
            "progress",
            "unit_finished",
        ],
        "listing",
    ),
}
__all__ = sorted(_HOME)

__getattr__ = attributes(__name__, _HOME, globals())
