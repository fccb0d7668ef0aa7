"""Reading the corpus: one Document per .txt or HTML file (in subfolders too), its text and its repaired view.

A document's identifier is its path under the corpus folder without the extension ("archive/x/1920/ch01"); the
text of a .txt file is the file as stored, that of an HTML page the text its markup renders (extract.html)."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kgpub.extract.normalize import Normalized, normalize

MAX_DOCUMENT_BYTES = 50_000_000
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES


class CorpusError(Exception):
    """A corpus file that cannot be used; the message names the file and, where it can, the line."""


@dataclass(frozen=True)
class Document:
    """A corpus text: its identifier (path under the corpus folder without the extension), text and repaired
    view; `meta` holds what an HTML page's markup says (its evidence, head title, encoding, undecodable bytes)."""

    doc_id: str
    text: str
    path: Path | None = None
    meta: dict = field(default_factory=dict, compare=False, hash=False)
    source_sha256: str | None = None   # the SHA-256 of the file as stored, when it is not the text itself

    @cached_property
    def normalized(self) -> Normalized:
        return normalize(self.text)

    @cached_property
    def sha256(self) -> str:
        """The SHA-256 of the source file (for a .txt file, of its text as UTF-8)."""
        return self.source_sha256 or hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def media_type(self) -> str:
        return self.meta.get("format", "text/plain")

    def evidence(self, kind: str) -> list[tuple[int, int]]:
        """Spans of the text the source's markup marks as `kind` ("title", "quote", "heading", "info"...)."""
        return [(s, e) for k, s, e, _ in self.meta.get("evidence", ()) if k == kind]


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text of a corpus file, or a CorpusError naming the file and line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise CorpusError(f"{path}: line {line}: not valid UTF-8 (byte 0x{data[err.start]:02x} at offset "
                          f"{err.start}); save the file as UTF-8 and build again") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = next((i for i, c in enumerate(text) if c == "\x00"), None)
    if bad is not None:
        raise CorpusError(f"{path}: line {text.count(chr(10), 0, bad) + 1}: contains a NUL character; "
                          "is this a binary file? Remove it from the corpus folder")
    return text


def document_id(path: Path, root: Path | None) -> str:
    """The path under the corpus folder, without the extension, with "/" between folders."""
    if root is None:
        return path.stem
    try:
        relative = path.relative_to(root)
    except ValueError:
        return path.stem
    return relative.with_suffix("").as_posix()


def html_document(path: Path, data: bytes, doc_id: str) -> Document:
    """An HTML page as a Document: its rendered text, the markup's evidence, the file's SHA-256."""
    from kgpub.extract.html import read_html
    page = read_html(data)
    if "\x00" in page.text:
        raise CorpusError(f"{path}: contains a NUL character; is this a binary file? Remove it from the corpus folder")
    meta = {"format": "text/html", "encoding": page.encoding, "head_title": page.head_title,
            "meta_author": page.meta.get("author", ""),
            "evidence": tuple((e.kind, e.start, e.end, e.detail) for e in page.evidence)}
    if page.bad_bytes:
        meta["bad_bytes"] = tuple(page.bad_bytes)
    return Document(doc_id, page.text, path, meta, hashlib.sha256(data).hexdigest())


def undecoded(doc: Document) -> str | None:
    """A warning naming the file and the offsets of the bytes of an HTML page that did not decode, if any."""
    bad = doc.meta.get("bad_bytes")
    if not bad:
        return None
    shown = ", ".join(str(b) for b in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    return (f"{doc.path}: {len(bad)} byte(s) not valid {doc.meta.get('encoding')} (the encoding it declares) at "
            f"offset {shown}; replaced by U+FFFD. Declare the page's real charset or fix those bytes")


def read_document(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES, root: Path | None = None) -> Document:
    """Read one corpus file (.txt or HTML); raise CorpusError with the file (and line) when it cannot be used."""
    if path.is_dir():
        raise CorpusError(f"{path}: is a folder, not a text file; move it out of the corpus folder or rename it")
    if path.is_symlink() and not path.exists():
        raise CorpusError(f"{path}: is a link to {os.readlink(path)}, which does not exist; fix or remove the link")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusError(f"{path}: {size} bytes is over the limit of {max_bytes} bytes per text; "
                              "split the text into several files")
        data = path.read_bytes()
    except OSError as err:
        raise CorpusError(f"{path}: cannot be read ({err.strerror}); check its permissions") from None
    doc_id = document_id(path, root)
    if path.suffix.lower() in HTML_SUFFIXES:
        return html_document(path, data, doc_id)
    return Document(doc_id, decode(path, data), path)


def list_corpus(corpus_dir: Path) -> list[Path]:
    """The corpus files (.txt, .html, .htm, in subfolders too, hidden ones left out), in path order; a CorpusError
    if the folder is missing or holds no text."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: no such corpus folder; pass --corpus DIR with your .txt or HTML files")
    # a folder or a broken link named like a text is listed, so that it is reported rather than silently left out
    paths = sorted((p for p in corpus_dir.rglob("*") if p.suffix.lower() in SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)),
                   key=lambda p: p.relative_to(corpus_dir).as_posix())
    if not paths:
        raise CorpusError(f"{corpus_dir}: holds no .txt, .html or .htm file; put the texts to publish there")
    return paths
