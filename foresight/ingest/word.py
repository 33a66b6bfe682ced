"""Word documents (.docx) with python-docx: headings become the units' sections."""

from __future__ import annotations

import io

import docx
from docx.opc.exceptions import PackageNotFoundError

from foresight.errors import InputError
from foresight.ingest.model import Block, Document
from foresight.ingest.zipped import READ_ERRORS, check_unpacked


def read_docx(data: bytes, name: str) -> list[Document]:
    check_unpacked(data, name, "Word .docx file")
    try:
        document = docx.Document(io.BytesIO(data))
        return [_document(document)]
    except (PackageNotFoundError, *READ_ERRORS) as exc:
        raise InputError(name, f"not a readable Word .docx file ({exc})") from None
    except (AttributeError, TypeError) as exc:  # python-docx met XML that Word does not write
        raise InputError(
            name, f"not a readable Word .docx file (a part is not what Word writes: {exc})"
        ) from None


def _document(document: docx.document.Document) -> Document:
    # paragraph.style searches all styles on every call; look the names up once
    styles = {style.style_id: style.name or "" for style in document.styles}
    blocks: list[Block] = []
    for paragraph in document.paragraphs:
        text = paragraph.text
        if not text.strip():
            continue
        style = styles.get(paragraph._p.style or "Normal", "")
        p_pr = paragraph._p.pPr
        numbered = p_pr is not None and p_pr.numPr is not None
        if style.startswith("Heading") or style == "Title":
            blocks.append(Block(text, kind="heading"))
        elif numbered or style.startswith("List"):
            blocks.append(Block(text, kind="list_item"))
        else:
            blocks.append(Block(text))
    props = document.core_properties
    created = props.created
    return Document(
        format="docx",
        blocks=blocks,
        title=(props.title or "").strip() or None,
        author=(props.author or "").strip() or None,
        date=created.date() if created is not None else None,
        language=(props.language or "").strip() or None,
    )
