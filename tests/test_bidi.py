"""Right-to-left text read back in logical order from the visual order a PDF draws it in."""

from __future__ import annotations

import pytest

from foresight.ingest.bidi import logical


@pytest.mark.parametrize(
    ("drawn", "rtl", "read"),
    [
        ("םולש םלוע", True, "עולם שלום"),
        # numbers keep their own direction, signs stay with them, brackets turn
        ("(חודה יפל) 45%-ב", True, "ב-45% (לפי הדוח)"),
        ("לקש 000 10", True, "10 000 שקל"),
        # a number beside Arabic letters is an Arabic number: the percent sign follows it
        ("نواعتلل %3.5 ةبسنب", True, "بنسبة 3.5% للتعاون"),
        # Latin words inside a right-to-left line, and the other way round
        ("לש ABC DEF", True, "ABC DEF של"),
        ("The word םלוע םולש means peace.", False, "The word שלום עולם means peace."),
        ("in 10 000 cases", False, "in 10 000 cases"),
    ],
)
def test_visual_order_read_back_in_logical_order(drawn: str, rtl: bool, read: str) -> None:
    assert "".join(logical(list(drawn), rtl)) == read


def test_a_glyph_of_several_characters_keeps_their_order() -> None:
    # a ligature's letters come in reading order already: the glyph moves as one piece
    assert logical(["ﻡ", "لا", "ﺳ"], True) == ["ﺳ", "لا", "ﻡ"]
