"""The share of a build's persons named only by common English words ("Strike", "Election", "Civil War").

A common word is one the corpus itself writes in lower case (at least twice) as running text; a person is named
only by common words when every word of its name is one. Usage:
    python -m bench.common_persons BUILD_DIR CORPUS_DIR [--list N]"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from kgpub.extract.corpus import list_corpus, read_document

WORD = re.compile(r"[^\W\d_][\w'-]*")


def lowercase_vocabulary(corpus: Path, least: int = 2) -> set[str]:
    """Words the corpus writes in lower case at least `least` times."""
    counts: Counter = Counter()
    for path in list_corpus(corpus):
        try:
            text = read_document(path, root=corpus).text
        except Exception:  # an unreadable file says nothing about the vocabulary
            continue
        counts.update(w for w in WORD.findall(text) if w.islower())
    return {w for w, n in counts.items() if n >= least}


def persons_of(dump: Path) -> dict[str, str]:
    """IRI -> name of every kg:Person of a Turtle dump."""
    from rdflib import Graph
    g = Graph().parse(dump)
    rows = g.query("PREFIX kg: <https://w3id.org/kgpub/ontology#> PREFIX schema: <http://schema.org/> "
                   "SELECT ?p ?n WHERE { ?p a kg:Person ; schema:name ?n }")
    return {str(p): str(n) for p, n in rows}


def common_only(name: str, vocabulary: set[str]) -> bool:
    words = [w.lower() for w in WORD.findall(name)]
    return bool(words) and all(w in vocabulary for w in words)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir", type=Path)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--list", type=int, default=30, help="show this many of the persons named by common words")
    args = ap.parse_args(argv)
    dump = next((args.build_dir / "current").glob("kgpub-*.ttl"))
    persons = persons_of(dump)
    vocabulary = lowercase_vocabulary(args.corpus)
    common = sorted(n for n in persons.values() if common_only(n, vocabulary))
    share = len(common) / len(persons) if persons else 0.0
    print(f"{len(persons)} persons, {len(common)} named only by common words: {share:.1%}")
    print(", ".join(common[:args.list]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
