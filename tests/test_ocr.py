"""Scanned PDFs: a text layer that is debris is refused, and ``--ocr`` reads scans with Tesseract."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from foresight import corpus
from foresight.errors import ForesightError
from foresight.ingest import IngestOptions, ingest
from foresight.ingest.ocr import MISSING, ocr_languages, read_tsv
from foresight.ingest.textlayer import text_layer_problem
from foresight.project import Project
from tests import builders

if TYPE_CHECKING:
    from PIL import Image

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
NO_TESSERACT = shutil.which("tesseract") is None
needs_tesseract = pytest.mark.skipif(
    NO_TESSERACT, reason="Tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
)

PARAGRAPH = (
    "Regional clusters are changing as the internet of things reaches the factory floor. "
    "Sensor makers and machine builders now share development teams."
)
REAL_TEXT = {
    "english": PARAGRAPH * 3,
    "german": "Die Clusterpolitik fördert seit 2008 gemeinsame Forschungsvorhaben kleiner und "
    "mittlerer Unternehmen; bzw. vgl. Abschnitt 3.2 über Übergänge und Maßnahmen. " * 3,
    "french": "Les pôles de compétitivité réunissent des entreprises, des laboratoires et des "
    "établissements de formation autour de projets innovants à l'échelle régionale. " * 3,
    "chinese": "截至2015年12月31日，神鹰集团在该担保项下实际融资余额为1.57亿元，具体明细如下：" * 6,
    "korean": "지역 클러스터는 사물 인터넷이 공장 현장에 도달하면서 변화하고 있습니다. " * 6,
    "arabic": "تتغير التجمعات الإقليمية مع وصول إنترنت الأشياء إلى أرضية المصنع. " * 6,
    "math": "Let f(x) = a x^2 + b x + c with a, b, c in R and x_i = 2^i for i = 1, ..., n; then "
    "E[X] = sum_i p_i x_i and Var(X) = E[X^2] - E[X]^2 (see Eq. 3 and Table 2). " * 3,
    "table": "Revenue 2015 2016 change\nSales 189,175.14 111,824.05 9.82%\n"
    "Operating costs 62,939.16 10,336.58 12.48%\nNet income 14,220.99 1,479.00 9%\n" * 4,
}


def shifted(text: str, by: int) -> str:
    """Text as a font that maps glyph numbers, not characters, gives it."""
    return "".join(chr(ord(c) + by) if ord(c) + by > 0 else c for c in text)


rng = random.Random(7)
DEBRIS = {
    "private use": (
        " ".join("".join(chr(rng.randint(0xE000, 0xF8FF)) for _ in range(6)) for _ in range(60)),
        "100% of its characters are unmapped: U+FFFD, private-use or control",
    ),
    "replacement characters": (
        "\ufffd\ufffd\ufffd \ufffd\ufffd " * 40,
        "100% of its characters are unmapped: U+FFFD, private-use or control",
    ),
    # what pdfium gives for the review set's Chinese scan: the characters of its OCR layer are
    # lost, digits and OCR slips of them are left
    "digits left of a lost script": (
        "ZOq5\r\n2016) 306\r\n:\r\n( )\r\n20I5\r\n( [20I6]0512 )\r\nZ0l5 4 6\r\n20 5 6 500\r\n"
        '2015 12 t8 (\r\n4,804.45 ) 2016\r\n1\r\nc ) 2015 12 7\r\n( [2015] 199 ) " " E14\r\n' * 4,
        "mostly digits and punctuation: ",
    ),
    "glyph numbers (text shifted by 29)": (shifted(PARAGRAPH * 3, -29), "of its words have no vowel"),
    "a shifted alphabet": (shifted(PARAGRAPH * 3, 3), "of its words have no vowel"),
    "repeated strokes": (
        "IIIIIII iiiiiiii |||| IIIIIIIIII ooooo " * 20,
        "of its letters are one letter repeated",
    ),
}


@pytest.mark.parametrize("name", sorted(REAL_TEXT))
def test_real_text_in_any_script_is_readable(name: str) -> None:
    assert text_layer_problem([REAL_TEXT[name], REAL_TEXT[name]]) is None


@pytest.mark.parametrize("name", sorted(DEBRIS))
def test_debris_is_refused_with_a_reason(name: str) -> None:
    text, reason = DEBRIS[name]
    problem = text_layer_problem([text])
    assert problem is not None and reason in problem


def test_text_too_short_to_judge_is_left_to_the_reader() -> None:
    assert text_layer_problem([]) is None
    assert text_layer_problem(["", "  \r\n "]) is None
    assert text_layer_problem(["habibi يبيبَح"]) is None  # the whole of a real one-page PDF


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="the review set of real documents is not here")
def test_only_the_scan_of_the_real_documents_is_refused() -> None:
    import pypdfium2 as pdfium

    refused = {}
    for path in sorted(REALDOCS.glob("*.pdf")):
        pdf = pdfium.PdfDocument(path)
        try:
            pages = [page.get_textpage().get_text_range() for page in pdf]
        finally:
            pdf.close()
        refused[path.name] = text_layer_problem(pages)
    assert len(refused) >= 10
    assert {name for name, problem in refused.items() if problem} == {"scan-ocr-layer-zh.pdf"}
    assert (
        refused["scan-ocr-layer-zh.pdf"] == "mostly digits and punctuation: 11% of its characters are letters"
    )


TSV = "\n".join(
    [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t1000\t1000\t-1\t",
        "5\t1\t1\t1\t1\t1\t100\t100\t90\t20\t95.1\tSensing",
        "5\t1\t1\t1\t1\t2\t200\t100\t90\t20\t93.0\tclusters",
        "5\t1\t1\t1\t2\t1\t100\t130\t90\t20\t91.0\tgrow.",
        "5\t1\t1\t2\t1\t1\t100\t200\t40\t40\t92.0\t天健",
        "5\t1\t1\t2\t1\t2\t140\t200\t40\t40\t90.0\t会计",
        "5\t1\t1\t2\t1\t3\t180\t200\t60\t40\t88.0\t2015",
        "5\t1\t1\t2\t1\t4\t240\t200\t20\t40\t91.0\t年",
        "5\t1\t2\t1\t1\t1\t500\t900\t90\t20\t12.0\t[BAIALCIMNG",  # a logo, read with no confidence
        "5\t1\t2\t1\t1\t2\t600\t900\t90\t20\t95.0\t ",
    ]
)


def test_tesseract_paragraphs_keep_their_lines_and_join_cjk_words_without_spaces() -> None:
    page = read_tsv(TSV, scale=2.0, page_height=500.0)
    assert page.paragraphs == [["Sensing clusters", "grow."], ["天健会计2015年"]]
    assert page.lines[0] == ("Sensing clusters", 50.0, 145.0, 450.0, 440.0, 10.0)
    assert [line[0] for line in page.lines] == ["Sensing clusters", "grow.", "天健会计2015年"]


def without_tesseract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


def test_ocr_without_tesseract_says_how_to_get_it(
    cli: Any, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_tesseract(monkeypatch, tmp_path)
    with pytest.raises(ForesightError) as raised:
        ocr_languages()
    assert str(raised.value) == MISSING
    result = cli("--project", str(project.root), "ingest", "--ocr", str(tmp_path))
    assert result.code == 1
    assert result.err == (
        "Error: OCR needs Tesseract, which is not on PATH; install Tesseract: apt-get install "
        "tesseract-ocr (Debian/Ubuntu) or brew install tesseract\n"
    )


@needs_tesseract
def test_a_language_tesseract_lacks_is_named_with_its_package() -> None:
    with pytest.raises(ForesightError) as raised:
        ocr_languages("eng+xyz_abc")
    assert str(raised.value).startswith("Tesseract has no language xyz_abc (installed: ")
    assert "apt-get install tesseract-ocr-xyz-abc" in str(raised.value)
    assert ocr_languages(" eng ") == "eng"


def text_image(lines: list[str]) -> Image.Image:
    """A white page (A4 at 150 dpi) with the lines drawn in big black DejaVu Sans: a scan."""
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), 34)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((110, 160 + 52 * number), line, font=font, fill=0)
    return image


SCANNED_LINES = [
    "Regional clusters are changing as the internet",
    "of things reaches the factory floor. Sensor",
    "makers and machine builders now share",
    "development teams across the whole region.",
]


def scan_pdf(path: Path, debris: str | None = None) -> Path:
    """A PDF of one scanned page; ``debris``: a text layer of it that is not its words."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(text_image(SCANNED_LINES), x=0, y=0, w=210, h=297)
    if debris:
        pdf.set_font("Helvetica", size=6)
        pdf.set_text_color(255, 255, 255)
        for number, line in enumerate(debris.splitlines()[:60]):
            pdf.set_xy(10, 200 + 1.5 * number)
            pdf.cell(0, 1.5, line)
    pdf.output(str(path))
    return path


def assert_read_by_ocr(project: Project) -> None:
    text = " ".join(unit["text"] for unit in corpus.list_units(project))
    for word in ("Regional", "clusters", "internet", "factory", "Sensor", "machine", "development"):
        assert word in text


@needs_tesseract
def test_a_scan_is_read_with_ocr_and_refused_without(project: Project, tmp_path: Path) -> None:
    scan = scan_pdf(tmp_path / "scan.pdf")
    report = ingest(project, [scan])
    assert [o.message for o in report.failed] == [
        "has no text layer (a scanned PDF?); run OCR on it: foresight ingest --ocr"
    ]
    report = ingest(project, [scan], IngestOptions(ocr=True, ocr_languages="eng"))
    assert report.count("ingested") == 1, report.failed
    assert_read_by_ocr(project)
    assert {unit["page"] for unit in corpus.list_units(project)} == {1}


@needs_tesseract
def test_a_text_layer_of_debris_is_refused_and_read_again_with_ocr(
    cli: Any, project: Project, tmp_path: Path
) -> None:
    scan = scan_pdf(tmp_path / "scan.pdf", debris=DEBRIS["digits left of a lost script"][0])
    report = ingest(project, [scan])
    assert [o.message for o in report.failed] == [
        "has a text layer that cannot be read (mostly digits and punctuation: 11% of its characters "
        "are letters); run OCR on it: foresight ingest --ocr"
    ]
    result = cli("--project", str(project.root), "ingest", "--ocr-languages", "eng", str(scan))
    assert result.code == 0, result.err
    assert result.out.startswith("1 ingested")
    assert_read_by_ocr(project)


@needs_tesseract
def test_a_pdf_with_a_text_layer_is_read_as_always_under_ocr(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foresight.ingest import ocr

    def no_ocr(*args: object) -> None:
        raise AssertionError("a PDF with a text layer went to Tesseract")

    monkeypatch.setattr(ocr, "run_tesseract", no_ocr)
    report = ingest(project, [builders.wrapped_pdf(tmp_path / "brief.pdf")], IngestOptions(ocr=True))
    assert report.count("ingested") == 1, report.failed
    assert "internet of things" in corpus.list_units(project)[0]["text"]
