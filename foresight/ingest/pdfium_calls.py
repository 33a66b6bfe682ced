"""pdfium's text functions that reading a page calls for every line or character, and what
their text may hold that is no text.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any

import pypdfium2.raw as pdfium_c

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # a glyph pdfium maps to a control code


def untyped(function: Any, restype: Any) -> Any:
    """A twin of one of pypdfium2's pdfium functions without its argument types.

    ctypes checks a typed pointer argument at every call, which costs more than pdfium's work
    for one character; the functions called for every line of every page (and for every
    character of a line of right-to-left script) go without, and the one giving a page's text,
    so that it takes a plain byte buffer.
    """
    twin = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    twin.restype = restype
    return twin


char_box = untyped(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
tight_box = untyped(pdfium_c.FPDFText_GetCharBox, ctypes.c_int)
map_error = untyped(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int)
get_text = untyped(pdfium_c.FPDFText_GetText, ctypes.c_int)
char_origin = untyped(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int)
font_size = untyped(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
