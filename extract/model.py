"""The records that flow between extraction steps: documents' mentions and the entities they resolve to."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """One span of a document's raw text that names a thing, with the rule that found it.

    `start`/`end` are code-point offsets into the raw text (end exclusive); `key` identifies the
    thing the span is about (a record id, a date value, a quotation's normalised text...).
    `kind` is one of ontology/kinds.py MENTION_KINDS.
    `attrs` carries kind-specific facts (a congress's ordinal, a quotation's cited volume...).
    """

    kind: str
    start: int
    end: int
    text: str
    key: str
    rule: str
    attrs: tuple[tuple[str, object], ...] = ()

    def attr(self, name: str, default=None):
        return dict(self.attrs).get(name, default)

    def to_json(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text,
                "key": self.key, "rule": self.rule, "attrs": dict(self.attrs)}

    @classmethod
    def from_json(cls, data: dict) -> "Mention":
        return cls(data["kind"], data["start"], data["end"], data["text"], data["key"], data["rule"],
                   tuple(sorted(data.get("attrs", {}).items())))


def mention(kind: str, start: int, end: int, text: str, key: str, rule: str, **attrs) -> Mention:
    """A Mention with its attributes given as keywords (None values dropped)."""
    return Mention(kind, start, end, text, key, rule,
                   tuple(sorted((k, v) for k, v in attrs.items() if v is not None)))


@dataclass
class Entity:
    """A person, work, congress, organisation or quotation as the whole corpus knows it."""

    kind: str
    key: str
    name: str
    alternate_names: set[str] = field(default_factory=set)
    qid: str | None = None
    facts: dict = field(default_factory=dict)
