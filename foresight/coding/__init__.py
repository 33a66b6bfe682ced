"""A coder's work and what they work through.

- ``actions``: apply and remove codes, mark units done, undo and redo, memos, decisions on
  suggestions; each a committed transaction. Its functions are this package's own names:
  ``from foresight import coding; coding.apply_code(...)``.
- ``worklist``: the units in reading order with their status and filters, and one unit's view
  (its text, context, codes and suggestions), as the coders' screen shows them.
"""

from foresight.coding.actions import (
    ORIGINS,
    Step,
    apply_code,
    batch_units,
    decide_suggestion,
    decided_by,
    finished_units,
    get_memo,
    last_coded,
    list_codings,
    mark_done,
    progress,
    redo,
    remove_code,
    set_memo,
    undo,
    unit_finished,
)

__all__ = [
    "ORIGINS",
    "Step",
    "apply_code",
    "batch_units",
    "decide_suggestion",
    "decided_by",
    "finished_units",
    "get_memo",
    "last_coded",
    "list_codings",
    "mark_done",
    "progress",
    "redo",
    "remove_code",
    "set_memo",
    "undo",
    "unit_finished",
]
