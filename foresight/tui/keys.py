"""Key bindings are data: each action has a default key, remappable in ``foresight.toml``."""

from __future__ import annotations

from foresight.errors import ConfigError

# action -> (default key, what it does); the order is the help screen's
ACTIONS: dict[str, tuple[str, str]] = {
    "search": ("slash", "search the codes; Enter applies (or removes) the highlighted one, Esc leaves"),
    "next": ("n", "next unit"),
    "previous": ("p", "previous unit"),
    "next_uncoded": ("N", "next uncoded unit"),
    "undo": ("u", "undo my last step"),
    "redo": ("ctrl+r", "redo"),
    "accept": ("a", "accept the highlighted suggestion"),
    "reject": ("r", "reject the highlighted suggestion"),
    "next_suggestion": ("s", "show the next suggestion"),
    "others": ("c", "show or fold the other coders' codes"),
    "text_down": ("J", "scroll the unit's text down"),
    "text_up": ("K", "scroll the unit's text up"),
    "memo": ("m", "memo on this unit"),
    "code_memo": ("M", "memo on the highlighted code"),
    "done": ("d", "mark this unit done (with no code), or not done"),
    "filter": ("f", "filter units: source, type, period, code, status, text; reading or learning order"),
    "order": ("o", "switch between reading order and the learning queue ('foresight suggest next')"),
    "adjudicate": ("A", "adjudicate a double-coded unit: each coder's codes, record the agreed ones"),
    "help": ("question_mark", "this help"),
    "quit": ("q", "quit (position and filter are kept)"),
}
RECENT_KEYS = [str(i) for i in range(1, 10)]  # 1..9 apply one of my recent codes


def keymap(overrides: dict[str, str]) -> dict[str, str]:
    """Action -> key, the defaults with the project's ``[tui.keys]`` over them."""
    unknown = sorted(set(overrides) - set(ACTIONS))
    if unknown:
        raise ConfigError(
            f"foresight.toml: [tui.keys] names unknown actions: {', '.join(unknown)} "
            f"(known: {', '.join(ACTIONS)})"
        )
    keys = {action: default for action, (default, _) in ACTIONS.items()}
    keys.update(overrides)
    taken: dict[str, str] = {}
    for action, key in keys.items():
        if key in taken or key in RECENT_KEYS:
            raise ConfigError(
                f"foresight.toml: [tui.keys] gives key {key!r} to both {taken.get(key, 'recent codes')} "
                f"and {action}"
            )
        taken[key] = action
    return keys


def shown(key: str) -> str:
    return {"slash": "/", "question_mark": "?"}.get(key, key)
