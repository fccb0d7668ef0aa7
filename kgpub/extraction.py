"""Extraction for a build: each document's mentions cached on disk, the rest extracted in parallel on every core."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kgpub.extract.corpus import Document
from kgpub.extract.model import Mention
from kgpub.extract.pipeline import DocumentMentions, extract_document
from kgpub.extract.registry import Registry

# Below this many characters to extract, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400_000


class MentionCache:
    """Mentions of one document by (rules fingerprint, text hash), as JSON files; safe to delete at any time."""

    def __init__(self, cache_dir: Path, fingerprint: str):
        self.folder = cache_dir / "mentions" / fingerprint

    def path(self, doc: Document) -> Path:
        return self.folder / f"{doc.sha256}.json"

    def get(self, doc: Document) -> list[Mention] | None:
        try:
            data = json.loads(self.path(doc).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return [Mention.from_json(m) for m in data]

    def put(self, doc: Document, mentions: list[Mention]) -> None:
        """Written to a temporary file and renamed, so a killed build never leaves a half-written entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump([m.to_json() for m in mentions], handle, ensure_ascii=False)
        os.replace(tmp, self.path(doc))


def _extract(doc: Document, registry: Registry) -> list[Mention]:
    return extract_document(doc, registry).mentions


def extract_corpus(docs: list[Document], registry: Registry, cache: MentionCache | None,
                   on_document: Callable[[int, Document, list[Mention], bool], None] | None = None,
                   workers: int | None = None) -> list[DocumentMentions]:
    """Mentions of every document, in corpus order: from the cache where the text and rules are unchanged,
    otherwise extracted, in parallel processes when there is enough text to make it worth it."""
    results: dict[int, list[Mention]] = {}
    todo: list[int] = []
    for i, doc in enumerate(docs):
        cached = cache.get(doc) if cache else None
        if cached is not None:
            results[i] = cached
            if on_document:
                on_document(i, doc, cached, True)
        else:
            todo.append(i)
    workers = workers or os.cpu_count() or 1
    size = sum(len(docs[i].text) for i in todo)
    if len(todo) > 1 and workers > 1 and size >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = {i: pool.submit(_extract, docs[i], registry) for i in todo}
            for i in todo:
                results[i] = futures[i].result()
                finish(i, docs[i], results[i], cache, on_document)
    else:
        for i in todo:
            results[i] = _extract(docs[i], registry)
            finish(i, docs[i], results[i], cache, on_document)
    return [DocumentMentions(doc, results[i]) for i, doc in enumerate(docs)]


def finish(i: int, doc: Document, mentions: list[Mention], cache: MentionCache | None, on_document) -> None:
    if cache:
        cache.put(doc, mentions)
    if on_document:
        on_document(i, doc, mentions, False)
