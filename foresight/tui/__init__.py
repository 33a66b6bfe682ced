"""The coders' terminal UI (Textual): ``foresight tui --coder NAME``."""
