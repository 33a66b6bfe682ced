"""Fuzzing every reader with hypothesis: random bytes and mutations of valid files.

The contract, for every input: the reader returns, or says what is wrong in one clean line (a
``ForesightError``, or a "failed" ingest outcome), within a time cap and a memory cap; it
expands no XML entity and no YAML alias bomb, runs no code from a YAML tag, and writes nothing
outside the project. Each reader gets ``FORESIGHT_FUZZ_EXAMPLES`` examples (default below); set
it higher for a longer hunt by hand. The examples are the same from run to run, so that the test
suite passes or fails for the code, not for the draw; ``FORESIGHT_FUZZ_RANDOM=1`` draws new ones.
A crash found here is fixed at its source and its file goes into ``tests/data/hostile``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import resource
import struct
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select

from foresight.project import Project
from foresight.resources import WORKSHOPS
from foresight.store import Source
from tests import builders
from tests.hostile import read

EXAMPLES = int(os.environ.get("FORESIGHT_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("FORESIGHT_FUZZ_RANDOM") != "1",
    deadline=timedelta(seconds=30),
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
MEMORY_CAP = 1_500_000_000  # bytes of address space one reader may add
CANARY = "fuzz-canary"
SECRET = "S3CRET-TOKEN-never-read"
OUTCOMES = ("ingested", "updated", "skipped", "failed")
pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="memory caps through RLIMIT_AS and /proc"),
    pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning"),  # archives with a name twice, on purpose
]


@contextlib.contextmanager
def memory_cap(extra: int = MEMORY_CAP) -> Iterator[None]:
    """Cap this process's address space at what it uses now plus ``extra`` bytes."""
    status = Path("/proc/self/status").read_text()
    used = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmSize:"))) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def files_outside(root: Path, project: Project) -> set[Path]:
    return {p for p in root.rglob("*") if project.root not in p.parents and p != project.root}


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Project]]:
    """A folder for the fuzzed files, with a project inside and a secret file beside it."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "secret.txt").write_text(SECRET)
    toml = Project.init(root / "project").root / "foresight.toml"
    # no time cap of ingest's own: files are read in this process, under the caps above (a
    # worker process for each of hundreds of examples would be started for nothing)
    toml.write_text(toml.read_text().replace("max_file_seconds = 120", "max_file_seconds = 0"))
    project = Project.open(toml.parent)
    yield root, project
    project.close()


def run(path: Path, project: Project, reader: str) -> tuple[str, str]:
    """Read ``path`` under the caps, from inside its folder; check the clean-outcome contract."""
    before = os.getcwd()
    os.chdir(path.parent)
    try:
        with memory_cap():
            outcome, message = read(path, project, reader)
    finally:
        os.chdir(before)
    assert not (path.parent / CANARY).exists(), "a YAML tag ran a command"
    assert "\n" not in message, message
    if reader == "ingest":
        assert outcome in OUTCOMES
        if outcome == "failed":
            assert message
            # a reader library's own exception, caught by ingest's last resort: a bug to fix
            assert not message.startswith("cannot be read ("), message
    else:
        assert outcome in ("ok", "error")
        if outcome == "error":
            assert message.startswith(str(path)), message
    assert SECRET not in message
    return outcome, message


# ------------------------------------------------------------------------------ mutations

INTERESTING = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xff\xff\xff\x7f",
    b"-1",
    b"99999999999999999999",
    b"obj",
    b"endobj",
    b"<<",
    b">>",
    b"/Length 999999999",
    b"stream\n",
    b"xref",
    b"%%EOF",
    b"trailer",
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    b"&e;",
    b"]]>",
    b"<![CDATA[",
    b"</",
    b"<p>",
    b"\r",
    b'"',
    b",",
    b";",
    b"\t",
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few bit flips, truncations, insertions, deletions and repeats."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "repeat"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(INTERESTING) | st.binary(min_size=1, max_size=32))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 512))]
        elif op == "repeat":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 64))] * draw(st.integers(2, 200))
    return bytes(data)


def zipped(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def declare_size(data: bytes, size: int) -> bytes:
    """The zip with every member's uncompressed size set to ``size`` in its headers."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = out.find(signature)
        while at >= 0:
            if at + offset + 4 <= len(out):
                struct.pack_into("<I", out, at + offset, size & 0xFFFFFFFF)
            at = out.find(signature, at + 4)
    return bytes(out)


@st.composite
def zip_mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """A zip archive (Word, Excel) with one member's bytes mutated, a member dropped or doubled,
    sizes that lie, or the archive's own bytes mutated."""
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    how = draw(st.sampled_from(["member", "member", "drop", "double", "declare", "bytes"]))
    index = draw(st.integers(0, len(members) - 1))
    if how == "member":
        members[index] = (members[index][0], draw(mutated(members[index][1])))
    elif how == "drop":
        del members[index]
    elif how == "double":
        members.append((members[index][0], draw(mutated(members[index][1]))))
    data = zipped(members)
    if how == "declare":
        data = declare_size(data, draw(st.sampled_from([0, 1, 2**31, 2**32 - 1])))
    elif how == "bytes":
        data = draw(mutated(data))
    return data


# --------------------------------------------------------------------------------- ingest


@functools.cache
def seed(ext: str) -> bytes:
    """A valid file of each kind ingest reads, made by the builders."""
    make = {
        ".pdf": builders.wrapped_pdf,
        ".docx": builders.word_document,
        ".xlsx": builders.survey_xlsx,
        ".csv": builders.survey_csv,
        ".html": builders.web_page,
        ".rss": builders.feed_file,
        ".md": builders.markdown_post,
        ".txt": builders.hard_wrapped_text,
    }[ext]
    with tempfile.TemporaryDirectory() as folder:
        return make(Path(folder) / f"seed{ext}").read_bytes()


@pytest.mark.parametrize("ext", [".pdf", ".docx", ".xlsx", ".csv", ".html", ".rss", ".md", ".txt"])
@FUZZ
@given(data=st.data())
def test_ingest_gives_each_broken_file_a_clean_outcome(
    ext: str, data: st.DataObject, place: tuple[Path, Project]
) -> None:
    root, project = place
    mutate = zip_mutated(seed(ext)) if ext in (".docx", ".xlsx") else mutated(seed(ext))
    if ext == ".rss":
        mutate = mutate | entity_feeds(root / "secret.txt")
    content = data.draw(st.one_of(mutate, mutate, mutate, st.binary(max_size=4096)), label="content")
    path = root / f"input{ext}"
    path.write_bytes(content)
    before = files_outside(root, project)
    run(path, project, "ingest")
    assert files_outside(root, project) == before
    with project.session() as session:
        texts = session.execute(select(Source.text)).scalars().all()
    assert not any(SECRET in text or "lollollol" in text for text in texts)  # no entity expanded


@st.composite
def entity_feeds(draw: st.DrawFn, secret: Path) -> bytes:
    """The seed feed with a DOCTYPE declaring an entity bomb or an external file, used in an item."""
    prolog = draw(st.sampled_from(entity_prologs("rss", secret)))
    reference = draw(st.sampled_from([b"&l9;", b"&s;", b"&l3;&l3;"]))
    feed = seed(".rss").replace(b"?>\n", b"?>\n" + prolog + b"\n", 1)
    return feed.replace(b"<description><![CDATA[", b"<description>" + reference + b"<![CDATA[", 1)


# ------------------------------------------------------------------------------------ YAML

CODEBOOK = """\
schema_version: 1
codebook: {name: Fuzz, version: 1, description: A small codebook}
groups:
  - {id: MT, name: Megatrends, description: Long-term shifts, colour: "#336699"}
codes:
  - id: MT.AGEING
    name: Ageing society
    group: MT
    definition: The population grows older.
    use_when: A unit names demographic ageing.
    not_when: It is about a single firm's staff.
    example: Regions with older workers automate sooner.
    keywords: [ageing, demographic change]
  - {id: MT.CLIMATE, name: Climate change, group: MT, parent: MT.AGEING, definition: Warming}
"""
WORKSHOP = (WORKSHOPS / "internal-foresight-workshop.yaml").read_text(encoding="utf-8")
YAML_TOKENS = [
    f'!!python/object/apply:os.system ["touch {CANARY}"]',
    f'!!python/object/apply:subprocess.check_output [["touch", "{CANARY}"]]',
    "!!python/name:os.system",
    f'!!python/object/new:os.system ["touch {CANARY}"]',
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!custom x",
    "&a [1, 2]",
    "*a",
    "<<: *a",
    "&a [*a]",
    "{",
    "[",
    "]",
    ": ",
    "- ",
    "? ",
    "|\n",
    ">-\n",
    "\t",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:yaml.org,2002:python/\n",
    "2015-13-45",
    "1e999",
    "0x7fffffffffffffff",
    "~",
    "'",
    '"',
    "\\",
    "\x00",
    "\ufeff",
]


def alias_bomb(levels: int, width: int, key: str) -> str:
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + f"\n{key}: *l{levels}\n"


@st.composite
def yaml_texts(draw: st.DrawFn, seed: str, key: str) -> str:
    """YAML a person or an attacker might hand over: the seed mutated with YAML's own tokens,
    random data of the wrong types, alias bombs, deep nesting, and tags that name Python."""
    kind = draw(st.sampled_from(["tokens", "tokens", "bytes", "data", "bomb", "deep", "tag"]))
    if kind == "tokens":
        text = seed
        for _ in range(draw(st.integers(1, 5))):
            pos = draw(st.integers(0, len(text)))
            text = text[:pos] + draw(st.sampled_from(YAML_TOKENS)) + text[pos:]
        return text
    if kind == "bytes":
        return draw(mutated(seed.encode("utf-8"))).decode("utf-8", errors="replace")
    if kind == "data":
        leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.dates()
        tree = st.recursive(
            leaves,
            lambda inner: (
                st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
            ),
            max_leaves=30,
        )
        data = yaml.safe_load(seed)
        for field in draw(st.lists(st.sampled_from(sorted(data)), max_size=3)):
            data[field] = draw(tree)
        return yaml.safe_dump(data, allow_unicode=True)
    if kind == "bomb":
        return seed + alias_bomb(draw(st.integers(1, 12)), draw(st.integers(1, 12)), "extra")
    if kind == "deep":
        depth = draw(st.integers(1, 3000))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}"), ("- ", "")]))
        if opener == "- ":
            nested = "".join("  " * i + "-\n" for i in range(depth)) + "  " * depth + "x\n"
            return f"{key}:\n" + nested
        return f"{key}: " + opener * depth + "1" + closer * depth + "\n"
    tag = draw(st.sampled_from(YAML_TOKENS[:4]))
    return seed.replace(f"\n{key}:", f"\n{key}: {tag}\nignored:", 1)


@FUZZ
@given(text=yaml_texts(CODEBOOK, "codes"))
def test_codebook_yaml_is_read_or_refused_in_one_line(text: str, place: tuple[Path, Project]) -> None:
    root, project = place
    path = root / "codebook.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    run(path, project, "codebook")


@FUZZ
@given(text=yaml_texts(WORKSHOP, "topics"))
def test_workshop_yaml_is_read_or_refused_in_one_line(text: str, place: tuple[Path, Project]) -> None:
    root, project = place
    path = root / "workshop.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    run(path, project, "workshop")


def test_a_python_tag_runs_nothing(place: tuple[Path, Project]) -> None:
    root, project = place
    for token in YAML_TOKENS[:4]:
        path = root / "codebook.yaml"
        path.write_text(f"schema_version: 1\ncodes: {token}\n", encoding="utf-8")
        outcome, message = run(path, project, "codebook")
        assert outcome == "error"
        assert "not valid YAML (could not determine a constructor for the tag" in message


# ------------------------------------------------------------------------------------- XML

QDC_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
NAMESPACES = [QDC_NS, PROJECT_NS, None, "urn:other", "http://www.w3.org/2001/XInclude"]
GUIDS = st.sampled_from(
    ["", "not-a-guid", "{11111111-2222-3333-4444-555555555555}", "aaaaaaaa-0000-0000-0000-000000000001"]
) | st.uuids().map(str)
XML_CHARS = st.characters(  # what lxml lets a tree hold
    blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufffe\uffff"
)
TAGS = ["CodeBook", "Codes", "Code", "Description", "Sets", "Set", "MemberCode", "NoteRef", "Other"]


def attribute_values() -> st.SearchStrategy[str]:
    huge = st.integers(1, 300_000).map(lambda n: "x" * n)
    plain = st.text(alphabet=XML_CHARS, max_size=40)
    return plain | GUIDS | huge | st.sampled_from(["true", "false", "0", "#fff", "#12345g", "-1", "1e9"])


@st.composite
def elements(draw: st.DrawFn, tags: list[str], depth: int = 0) -> etree._Element:
    namespace = draw(st.sampled_from(NAMESPACES))
    tag = draw(st.sampled_from(tags))
    el = etree.Element(f"{{{namespace}}}{tag}" if namespace else tag)
    for name in draw(
        st.lists(st.sampled_from(["guid", "name", "isCodable", "color", "targetGUID"]), max_size=4)
    ):
        el.set(name, draw(attribute_values()))
    if draw(st.booleans()):
        el.text = draw(st.text(alphabet=XML_CHARS, max_size=200))
    if depth < 5:
        for child in draw(st.lists(elements(tags, depth + 1), max_size=4)):
            el.append(child)
    return el


def entity_prologs(root: str, secret: Path) -> list[bytes]:
    laughs = "".join(
        f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' if i else '<!ENTITY l0 "lol">'
        for i in range(10)
    )
    return [
        f"<!DOCTYPE {root} [{laughs}]>".encode(),
        f'<!DOCTYPE {root} [<!ENTITY s SYSTEM "file://{secret}">]>'.encode(),
        f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>'.encode(),
        f'<!DOCTYPE {root} SYSTEM "file://{secret}">'.encode(),
        f'<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/evil.dtd">'.encode(),
    ]


@st.composite
def xml_documents(draw: st.DrawFn, root_tag: str, tags: list[str], secret: Path) -> bytes:
    """Random REFI-QDA-like trees with entities, deep nesting, huge attributes and wrong
    namespaces, some of them mutated byte by byte."""
    kind = draw(st.sampled_from(["tree", "tree", "entities", "deep", "bytes"]))
    root = draw(elements(tags))
    if draw(st.booleans()):
        root.tag = f"{{{draw(st.sampled_from(NAMESPACES[:2]))}}}{root_tag}"
    body = etree.tostring(root)
    if kind == "entities":
        prolog = draw(st.sampled_from(entity_prologs(root_tag, secret)))
        reference = draw(st.sampled_from([b"&l9;", b"&s;", b""]))
        body = body.replace(b">", b">" + reference, 1) if b"/>" not in body[:80] else body
        return b'<?xml version="1.0"?>\n' + prolog + b"\n" + body
    if kind == "deep":
        depth = draw(st.integers(100, 20_000))
        return (
            f'<{root_tag} xmlns="{QDC_NS}"><Codes>'.encode()
            + b"<Code>" * depth
            + b"</Code>" * depth
            + (f"</Codes></{root_tag}>".encode())
        )
    if kind == "bytes":
        return draw(mutated(body))
    return body


def strings_in(value: Any) -> int:
    """The total length of the text held in a dataclass tree."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(strings_in(v) for v in value)
    if hasattr(value, "__dict__"):
        return sum(strings_in(v) for v in vars(value).values())
    return 0


@FUZZ
@given(data=st.data())
def test_qdc_is_read_or_refused_and_no_entity_is_expanded(
    data: st.DataObject, place: tuple[Path, Project]
) -> None:
    from foresight.codebook import check_codebook

    root, project = place
    content = data.draw(xml_documents("CodeBook", TAGS, root / "secret.txt"), label="qdc")
    path = root / "codebook.qdc"
    path.write_bytes(content)
    outcome, _ = run(path, project, "codebook")
    if outcome == "ok":
        spec, _ = check_codebook(path)
        assert strings_in(spec) <= len(content)  # nothing grew: no entity was expanded
        assert SECRET not in repr(spec)


# ---------------------------------------------------------------------------------- .qdpx

REFERENCES = [
    "internal://a.txt",
    "internal://../../escape.txt",
    "internal://../secret.txt",
    "../secret.txt",
    "..\\..\\secret.txt",
    "file:///etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "sources/../../x.txt",
    "a.txt",
    "b.docx",
    "",
]
MEMBER_NAMES = [
    "sources/a.txt",
    "Sources/A.TXT",
    "../escape.txt",
    "../../escape.txt",
    "/tmp/escape.txt",
    "sources/../../escape.txt",
    "project.qde",
    "foresight.json",
    "sources/b.docx",
    "x" * 300,
]


@st.composite
def project_qde(draw: st.DrawFn, secret: Path) -> bytes:
    """A Project with users, a codebook, text sources pointing anywhere, selections anywhere."""
    ns = draw(st.sampled_from([PROJECT_NS, PROJECT_NS, QDC_NS, None]))

    def q(tag: str) -> str:
        return f"{{{ns}}}{tag}" if ns else tag

    root = etree.Element(q("Project"), name=draw(st.text(alphabet=XML_CHARS, max_size=20)))
    users = etree.SubElement(root, q("Users"))
    user = draw(GUIDS)
    etree.SubElement(users, q("User"), guid=user, name=draw(st.text(alphabet=XML_CHARS, max_size=10)))
    book = etree.SubElement(root, q("CodeBook"))
    codes = etree.SubElement(book, q("Codes"))
    code_guids = draw(st.lists(GUIDS, max_size=4))
    for guid in code_guids:
        etree.SubElement(
            codes, q("Code"), guid=guid, name=draw(st.text(alphabet=XML_CHARS, max_size=10)), isCodable="true"
        )
    sources = etree.SubElement(root, q("Sources"))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["TextSource", "TextSource", "PDFSource", "AudioSource", "Other"]))
        source = etree.SubElement(
            sources, q(kind), guid=draw(GUIDS), name=draw(st.text(alphabet=XML_CHARS, max_size=10))
        )
        holder = (
            etree.SubElement(source, q("Representation"), guid=draw(GUIDS)) if kind == "PDFSource" else source
        )
        if draw(st.booleans()):
            etree.SubElement(holder, q("PlainTextContent")).text = draw(
                st.text(alphabet=XML_CHARS, max_size=200)
            )
        else:
            holder.set(
                draw(st.sampled_from(["plainTextPath", "richTextPath"])), draw(st.sampled_from(REFERENCES))
            )
        for _ in range(draw(st.integers(0, 4))):
            sel = etree.SubElement(
                holder,
                q("PlainTextSelection"),
                guid=draw(GUIDS),
                startPosition=str(draw(st.integers(-5, 10**12))),
                endPosition=str(draw(st.integers(-5, 10**12))),
                creatingUser=user,
            )
            coding = etree.SubElement(sel, q("Coding"), guid=draw(GUIDS), creatingUser=draw(GUIDS))
            if code_guids:
                etree.SubElement(coding, q("CodeRef"), targetGUID=draw(st.sampled_from(code_guids)))
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    if draw(st.integers(0, 9)) == 0:
        body = body.replace(b"?>", b"?>" + draw(st.sampled_from(entity_prologs("Project", secret))), 1)
    return body


def json_values() -> st.SearchStrategy[Any]:
    leaves = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )


@st.composite
def sidecars(draw: st.DrawFn) -> bytes:
    guid = "aaaaaaaa-0000-0000-0000-000000000001"
    shaped = st.fixed_dictionaries(
        {
            "format": st.just("foresight-qdpx"),
            "sources": json_values() | st.fixed_dictionaries({guid: json_values()}),
            "origins": json_values(),
            "done": json_values() | st.fixed_dictionaries({guid: json_values()}),
        }
    )
    return json.dumps(draw(shaped | json_values())).encode("utf-8")


@st.composite
def qdpx_archives(draw: st.DrawFn, secret: Path, docx: bytes) -> bytes:
    """A zip with a project.qde, sources under names that try to leave the archive, duplicate
    names, a sidecar of any shape, sizes that lie, or bytes mutated."""
    members = [("project.qde", draw(project_qde(secret)))]
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(MEMBER_NAMES))
        content = draw(st.sampled_from([b"Cluster text.\n\nA second paragraph.", docx, b"\xff\xfe\x00", b""]))
        members.append((name, content))
    if draw(st.booleans()):
        members.append(("foresight.json", draw(sidecars())))
    if draw(st.booleans()):
        members.append(("sources/bomb.txt", b"word " * draw(st.integers(1, 200_000))))
    method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    data = zipped(members, method)
    how = draw(st.sampled_from(["plain", "plain", "declare", "bytes"]))
    if how == "declare":
        data = declare_size(data, draw(st.sampled_from([0, 2**31, 2**32 - 1])))
    elif how == "bytes":
        data = draw(mutated(data))
    return data


@FUZZ
@given(data=st.data())
def test_qdpx_import_is_clean_and_writes_nothing_outside_the_project(
    data: st.DataObject, place: tuple[Path, Project]
) -> None:
    root, project = place
    content = data.draw(qdpx_archives(root / "secret.txt", seed(".docx")), label="qdpx")
    path = root / "input.qdpx"
    path.write_bytes(content)
    before = files_outside(root, project)
    run(path, project, "qdpx")
    assert files_outside(root, project) == before
    with project.session() as session:
        texts = session.execute(select(Source.text)).scalars().all()
    assert not any(SECRET in text or "root:x:0:0" in text for text in texts)
