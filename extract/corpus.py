"""Reading the corpus: one Document per .txt file, its raw text exactly as stored, and its repaired view."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from extract.normalize import Normalized, normalize

MAX_DOCUMENT_BYTES = 50_000_000


class CorpusError(Exception):
    """A corpus file that cannot be used; the message names the file and, where it can, the line."""


@dataclass(frozen=True)
class Document:
    """A corpus text: its identifier (file name without .txt), raw text and repaired view."""

    doc_id: str
    text: str
    path: Path | None = None

    @cached_property
    def normalized(self) -> Normalized:
        return normalize(self.text)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


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


def read_document(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """Read one corpus file; raise CorpusError with the file (and line) when it cannot be used."""
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
    return Document(path.stem, decode(path, data), path)


def list_corpus(corpus_dir: Path) -> list[Path]:
    """The corpus files, in name order; a CorpusError if the folder is missing or holds no text."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: no such corpus folder; pass --corpus DIR with your .txt files")
    paths = sorted(corpus_dir.glob("*.txt"))  # a folder or a broken link named *.txt is reported, not skipped
    if not paths:
        raise CorpusError(f"{corpus_dir}: holds no .txt file; put the texts to publish there")
    return paths
