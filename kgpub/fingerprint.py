"""What a build's output depends on, hashed: the texts, the extraction code and records, shapes, ontology, settings.

Kept free of heavy imports: a build with nothing changed only reads files and compares two hashes."""
from __future__ import annotations

import hashlib
from pathlib import Path

from kgpub import extract, ontology, shapes
from kgpub.extract.corpus import Document
from kgpub.extract.lexicon import LEXICON
from kgpub.config import Config

EXTRACT_CODE = Path(extract.__file__).resolve().parent
# Code and vocabulary whose change changes the published graph (besides extraction and records).
OUTPUT_FOLDERS = (Path(__file__).resolve().parent, Path(shapes.__file__).resolve().parent,
                  Path(ontology.__file__).resolve().parent)


def rules_fingerprint(records_dir: Path) -> str:
    """A hash of everything extraction depends on besides the text: its code (version included) and the records."""
    digest = hashlib.sha256()
    for path in sorted(EXTRACT_CODE.glob("*.py")) + sorted(records_dir.glob("*.toml")) + [LEXICON]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def input_fingerprint(config: Config, docs: list[Document], rules: str) -> str:
    """A hash of everything a build's output depends on: texts, rules (their fingerprint), code, shapes, ontology
    and settings."""
    digest = hashlib.sha256(rules.encode())
    for folder in OUTPUT_FOLDERS:
        for path in sorted(folder.glob("*.py")) + sorted(folder.glob("*.ttl")):
            digest.update(path.read_bytes())
    for doc in docs:
        digest.update(f"{doc.doc_id}\0{doc.sha256}\0".encode())
    facts = config.links_dir / "wikidata.json"  # published by the build (`kgpub link --enrich` writes it)
    if facts.exists():
        digest.update(facts.read_bytes())
    readme = config.corpus_dir / "README.md"
    if readme.exists():
        digest.update(readme.read_bytes())
    digest.update(f"{config.base_iri}\0{config.title}\0{config.license}".encode())
    return digest.hexdigest()
