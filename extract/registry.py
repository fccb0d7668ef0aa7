"""Curated entity records (data/records/*.toml): preferred names, variants, facts and verified Wikidata QIDs."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kgpub.ontology.kinds import KINDS
from kgpub.ontology.names import name_key

# The TOML array name of each kind of record.
TABLES = {kind.name: kind.records for kind in KINDS if kind.records}
QID_PATTERN = re.compile(r"^Q[1-9][0-9]*$")


def slugify(text: str) -> str:
    """An IRI path segment from a name: ascii, lower case, words joined by hyphens."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['\u2019]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unnamed"


@dataclass
class Record:
    """One curated entity: its IRI slug, preferred name, the other forms it goes by, and facts."""

    kind: str
    id: str
    name: str
    variants: list[str] = field(default_factory=list)
    qid: str | None = None
    facts: dict = field(default_factory=dict)

    @property
    def all_names(self) -> list[str]:
        return [self.name, *self.variants]


class RecordError(ValueError):
    """A curated record that is malformed; the message names the file and the record."""


@dataclass
class Registry:
    """Every curated record, with look-ups by id and by any of its names."""

    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    # [[qid]] entries whose name matches no record: the build attaches them to the entity of that
    # preferred name (entities found in the texts only, e.g. reconciled ones); else they are reported.
    unattached: list[dict] = field(default_factory=list)
    _name_index: dict[str, dict[str, Record]] = field(default_factory=dict, repr=False, compare=False)

    def of_kind(self, kind: str) -> list[Record]:
        return list(self.records.get(kind, {}).values())

    def get(self, kind: str, record_id: str) -> Record | None:
        return self.records.get(kind, {}).get(record_id)

    def by_name(self, kind: str, name: str) -> Record | None:
        """The first record (in file order) one of whose names has the same key as `name`."""
        index = self._name_index.get(kind)
        if index is None:
            index = {}
            for record in self.of_kind(kind):
                for n in record.all_names:
                    index.setdefault(name_key(n), record)
            self._name_index[kind] = index
        return index.get(name_key(name))

    def qid_for(self, kind: str, name: str) -> str | None:
        """The QID of an unattached [[qid]] entry of this kind and exactly this preferred name."""
        key = name_key(name)
        return next((e["qid"] for e in self.unattached if e.get("kind") == kind
                     and name_key(e.get("name", "")) == key), None)

    def add(self, record: Record) -> None:
        self.records.setdefault(record.kind, {})[record.id] = record
        self._name_index.pop(record.kind, None)


def _record(kind: str, raw: dict, source: Path) -> Record:
    name = raw.get("name") or raw.get("title")
    if not name:
        raise RecordError(f"{source}: a [[{kind}]] record has no name; give it name = \"...\"")
    facts = {k: v for k, v in raw.items() if k not in {"id", "name", "title", "variants", "qid"}}
    return Record(kind, raw.get("id") or slugify(name), name, list(raw.get("variants", [])),
                  raw.get("qid"), facts)


def load_registry(records_dir: Path) -> Registry:
    """Read every *.toml file of the records folder; QIDs in [[qid]] tables attach to records by name."""
    registry = Registry()
    qids: list[tuple[dict, Path]] = []
    for path in sorted(records_dir.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise RecordError(f"{path}: {err}; fix the TOML syntax") from None
        for kind, table in TABLES.items():
            for raw in data.get(table, []):
                registry.add(_record(kind, raw, path))
        qids.extend((raw, path) for raw in data.get("qid", []))
    for raw, _path in qids:
        record = registry.by_name(raw.get("kind", ""), raw.get("name", ""))
        if record is None:
            registry.unattached.append(raw)
        elif record.qid is None:
            record.qid = raw.get("qid")
        elif record.qid != raw.get("qid"):
            raise RecordError(f"{records_dir}: {record.name!r} has two QIDs, {record.qid} and {raw.get('qid')}; "
                              "keep the verified one")
    for raw in registry.unattached:
        if not QID_PATTERN.match(str(raw.get("qid"))):
            raise RecordError(f"{records_dir}: [[qid]] {raw.get('name')!r} has QID {raw.get('qid')!r}, "
                              "which is not of the form Q123")
    for kind_records in registry.records.values():
        for record in kind_records.values():
            if record.qid is not None and not QID_PATTERN.match(record.qid):
                raise RecordError(f"{records_dir}: record {record.name!r} has QID {record.qid!r}, "
                                  "which is not of the form Q123")
    return registry
