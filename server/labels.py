"""Words the pages show: a person's label for each kind of entity and class, and counted nouns ("9 congresses")."""
from __future__ import annotations

import re

from kgpub.ontology.kinds import BROWSED

# The kinds of the site (IRI segments) and the local names of the graph's classes, as a reader names them.
KIND_LABELS = {"date": "Date", "datemention": "Date", "annotation": "Annotation"}
for _kind in reversed(BROWSED):  # a class two kinds share is named by the first: schema:CreativeWork is "Work"
    for _name in (_kind.name, *map(str, _kind.classes)):
        KIND_LABELS[re.split(r"[#/]", _name)[-1].lower()] = _kind.label
IRREGULAR_PLURALS = {"person": "persons", "analysis": "analyses", "thesis": "theses", "index": "indexes"}


def plural(noun: str) -> str:
    """The English plural of a noun ("congress" -> "congresses", "body" -> "bodies")."""
    lower = noun.lower()
    if lower in IRREGULAR_PLURALS:
        return noun[0] + IRREGULAR_PLURALS[lower][1:]
    if re.search(r"(s|x|z|ch|sh)$", lower):
        return noun + "es"
    if re.search(r"[^aeiou]y$", lower):
        return noun[:-1] + "ies"
    return noun + "s"


def counted(n: int, noun: str) -> str:
    """"1 congress", "9 congresses", "1,204 quotations"."""
    return f"{n:,} {noun if n == 1 else plural(noun)}"


def kind_label(kind: str) -> str:
    """A kind of the site or a class's local name as a reader names it ("datemention" -> "Date")."""
    return KIND_LABELS.get(kind.lower(), humanised(kind))


def humanised(name: str) -> str:
    """A local name in words: "DateMention" -> "Date mention", "has_part" -> "Has part"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_-]+", " ", name).split()
    return " ".join([words[0][:1].upper() + words[0][1:]] + [w.lower() if not w.isupper() else w for w in words[1:]]) \
        if words else name


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def class_label(iri: str, label: str | None = None) -> str:
    """A class as a reader names it: the data's own label, else the site's word for it, else its local name."""
    return label or kind_label(local_name(iri))
