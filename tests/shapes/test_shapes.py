"""Every shape can fail: a real excerpt broken one way gives exactly the expected violation; its twin conforms."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from kgpub.ontology.vocab import ONTOLOGY_FILE, SH, WD, new_graph, sparql_prefixes
from kgpub.shapes.validate import ShapesError, compile_shapes, load_shapes, validate_graph

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
LINES = (CORPUS / "000_61cde4feabb096c6.txt").read_text(encoding="utf-8").splitlines()
# A real excerpt of the corpus: title, navigation (Stalin), a sentence naming a work, a quotation with citation.
TEXT = "\n\n".join([LINES[0], LINES[2], "We must not forget what Lenin said on this subject in his pamphlet "
                    "The State and Revolution:", LINES[103]])
PREFIXES = sparql_prefixes().replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
# b:path below is shorthand for an IRI under the base (Turtle's prefixed names cannot hold '/').
BASE_IRI = "https://w3id.org/kgpub/"
QUOTE = "mutual confidence* between the vanguard of the working class and the mass of the workers."
START = TEXT.index(QUOTE)
STOP = START + len(QUOTE)


def annotation(name: str, body: str, exact: str, nth: int = 0) -> str:
    """A Web Annotation of the excerpt with true offsets, as the build writes it."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(exact, start + 1)
    a = f"b:annotation/{name}"
    return f"""
{a} a oa:Annotation , kg:Mention ; oa:hasBody {body} ; oa:hasTarget {a}-target ; kg:rule "test" .
{a}-target a oa:SpecificResource ; oa:hasSource b:document/doc ;
    oa:hasSelector {a}-position , {a}-quote .
{a}-position a oa:TextPositionSelector ; oa:start {start} ; oa:end {start + len(exact)} .
{a}-quote a oa:TextQuoteSelector ; oa:exact {Literal(exact).n3()} .
"""


from rdflib import Literal  # noqa: E402  (used by annotation() above, kept beside it)

BASE = PREFIXES + f"""
b:document/doc a kg:Document , schema:CreativeWork ; dcterms:identifier "000_61cde4feabb096c6" ;
    schema:name {Literal(LINES[0]).n3()} ; schema:text {Literal(TEXT).n3()} .
b:person/vladimir-lenin a kg:Person , schema:Person ; schema:name "Vladimir Lenin" ;
    schema:alternateName "Lenin" ; owl:sameAs wd:Q1394 .
b:person/joseph-stalin a kg:Person , schema:Person ; schema:name "Joseph Stalin" ; owl:sameAs wd:Q855 .
b:work/the-state-and-revolution a kg:Work , schema:CreativeWork ; schema:name "The State and Revolution" ;
    schema:author b:person/vladimir-lenin ; schema:datePublished "1917"^^xsd:gYear .
b:work/speech-on-the-trade-unions a kg:Work , schema:CreativeWork ; schema:name "Speech on the Trade Unions" ;
    schema:author b:person/vladimir-lenin .
b:organization/rcp-b a kg:Organization , schema:Organization ;
    schema:name "Russian Communist Party (Bolsheviks)" ; owl:sameAs wd:Q79854 .
b:congress/rcp-b-10 a kg:Congress , schema:Event ;
    schema:name "10th Congress of the Russian Communist Party (Bolsheviks)" ;
    schema:position 10 ; schema:organizer b:organization/rcp-b ;
    schema:startDate "1921-03-08"^^xsd:date ; schema:endDate "1921-03-16"^^xsd:date .
b:quotation/q1 a kg:Quotation , schema:Quotation ; schema:text {Literal(QUOTE).n3()} ;
    schema:creator b:person/vladimir-lenin ; schema:isPartOf b:work/speech-on-the-trade-unions ;
    bibo:volume 26 ; bibo:pageStart 235 ; bibo:pageEnd 235 .
b:date/1921-03-08--1921-03-16 a kg:DateMention , time:Interval ;
    time:hasBeginning b:date/1921-03-08 ; time:hasEnd b:date/1921-03-16 .
b:date/1921-03-08 a kg:DateMention , time:Instant ; time:inXSDDate "1921-03-08"^^xsd:date .
b:date/1921-03-16 a kg:DateMention , time:Instant ; time:inXSDDate "1921-03-16"^^xsd:date .
""" + "".join([
    annotation("lenin", "b:person/vladimir-lenin", "Lenin", 0),
    annotation("stalin", "b:person/joseph-stalin", "Stalin"),
    annotation("state", "b:work/the-state-and-revolution", "The State and Revolution"),
    annotation("speech", "b:work/speech-on-the-trade-unions", "Speech on the Trade Unions"),
    annotation("congress", "b:congress/rcp-b-10", "Tenth Congress of the R.C.P.(B.)"),
    annotation("quote", "b:quotation/q1", QUOTE),
    annotation("date", "b:date/1921-03-08--1921-03-16", "March 8-16, 1921"),
])

def expand(curie: str) -> str:
    return curie.replace("b:", BASE_IRI, 1)


LENIN, STATE, SPEECH = "b:person/vladimir-lenin", "b:work/the-state-and-revolution", "b:work/speech-on-the-trade-unions"
CONGRESS, ORG, QUOTATION, DOC = "b:congress/rcp-b-10", "b:organization/rcp-b", "b:quotation/q1", "b:document/doc"
POS, TARGET = "b:annotation/quote-position", "b:annotation/quote-target"
INTERVAL, BEGIN, END = "b:date/1921-03-08--1921-03-16", "b:date/1921-03-08", "b:date/1921-03-16"

# (case, triples to remove, triples to add, expected messages (with multiplicity), at this focus node)
CASES = [
    ("creative work neither document nor work", f"{STATE} a kg:Work .", "",
     ["schema:CreativeWork that is neither a corpus document (kg:Document) nor a work (kg:Work)"], STATE),
    ("document without title", f"{DOC} schema:name {Literal(LINES[0]).n3()} .", "",
     ["document or work without a title (schema:name)"], DOC),
    ("work with two titles", "", f'{STATE} schema:name "State and Revolution" .',
     ["document or work with more than one preferred title (schema:name; others go to schema:alternateName)"],
     STATE),
    ("work title with a language tag", f'{STATE} schema:name "The State and Revolution" .',
     f'{STATE} schema:name "The State and Revolution"@en .',
     ["document or work whose title (schema:name) is empty or not a plain string"], STATE),
    ("document without identifier", f'{DOC} dcterms:identifier "000_61cde4feabb096c6" .', "",
     ["document without exactly one dcterms:identifier (its file name without .txt)"], DOC),
    ("document without text", f"{DOC} schema:text {Literal(TEXT).n3()} .", "",
     ["document without exactly one schema:text (the text its annotations' offsets count in)"], DOC),
    ("document not typed schema:CreativeWork", f"{DOC} a schema:CreativeWork .", "",
     ["document not typed schema:CreativeWork (the contract's type for documents)"], DOC),
    ("work not typed schema:CreativeWork", f"{STATE} a schema:CreativeWork .", "",
     ["work not typed schema:CreativeWork (the contract's type for works)"], STATE),
    ("work whose author is an organisation", f"{STATE} schema:author {LENIN} .", f"{STATE} schema:author {ORG} .",
     ["work whose schema:author is not a schema:Person"], STATE),
    ("work with two dates", "", f'{STATE} schema:datePublished "1918"^^xsd:gYear .',
     ["work with more than one schema:datePublished"], STATE),
    ("work date as a plain string", f'{STATE} schema:datePublished "1917"^^xsd:gYear .',
     f'{STATE} schema:datePublished "1917" .',
     ["work whose schema:datePublished is not an xsd:date, xsd:gYearMonth or xsd:gYear"], STATE),
    ("work date ill-formed", f'{STATE} schema:datePublished "1917"^^xsd:gYear .',
     f'{STATE} schema:datePublished "August 1917"^^xsd:gYear .',
     ["work whose schema:datePublished is not an xsd:date, xsd:gYearMonth or xsd:gYear"], STATE),
    ("person without name", f'{LENIN} schema:name "Vladimir Lenin" .', "",
     ["person without a preferred name (schema:name)"], LENIN),
    ("person with two names", "", f'{LENIN} schema:name "V. I. Lenin" .',
     ["person with more than one preferred name (schema:name; others go to schema:alternateName)"], LENIN),
    ("person name of one letter", f'{LENIN} schema:name "Vladimir Lenin" .', f'{LENIN} schema:name "L" .',
     ["person whose schema:name is not a plain string of two characters or more"], LENIN),
    # Without its contract type Lenin is no schema:Person to the works and quotations that point at him either.
    ("person not typed schema:Person", f"{LENIN} a schema:Person .", "",
     ["person not typed schema:Person (the contract's type)", "quotation whose schema:creator is not a schema:Person"]
     + ["work whose schema:author is not a schema:Person"] * 2, LENIN),
    ("owl:sameAs to a Wikidata page", f"{LENIN} owl:sameAs wd:Q1394 .",
     f"{LENIN} owl:sameAs <http://www.wikidata.org/wiki/Q1394> .",
     ["owl:sameAs that is not a Wikidata entity IRI (http://www.wikidata.org/entity/Q...)"], LENIN),
    ("owl:sameAs as a literal", f"{LENIN} owl:sameAs wd:Q1394 .",
     f'{LENIN} owl:sameAs "http://www.wikidata.org/entity/Q1394" .',
     ["owl:sameAs that is not a Wikidata entity IRI (http://www.wikidata.org/entity/Q...)"], LENIN),
    ("owl:sameAs to Q0", f"{LENIN} owl:sameAs wd:Q1394 .", f"{LENIN} owl:sameAs wd:Q01394 .",
     ["owl:sameAs that is not a Wikidata entity IRI (http://www.wikidata.org/entity/Q...)"], LENIN),
    ("entity with two Wikidata items", "", f"{LENIN} owl:sameAs wd:Q855 .",
     ["entity linked to more than one Wikidata item (owl:sameAs)",
      f"two entities link to the same Wikidata item {WD}Q855: {expand(LENIN)} and {expand('b:person/joseph-stalin')}",
      f"two entities link to the same Wikidata item {WD}Q855: {expand('b:person/joseph-stalin')} and {expand(LENIN)}"],
     LENIN),
    ("two entities for one Wikidata item", "", f"{STATE} owl:sameAs wd:Q1394 .",
     [f"two entities link to the same Wikidata item {WD}Q1394: {expand(LENIN)} and {expand(STATE)}",
      f"two entities link to the same Wikidata item {WD}Q1394: {expand(STATE)} and {expand(LENIN)}"], STATE),
    ("work without evidence", f"b:annotation/speech oa:hasBody {SPEECH} .",
     f"b:annotation/speech oa:hasBody {STATE} .",
     ["entity without evidence: no annotation has it as body"], SPEECH),
    ("quotation without evidence", f"b:annotation/quote oa:hasBody {QUOTATION} .",
     f"b:annotation/quote oa:hasBody {LENIN} .",
     ["entity without evidence: no annotation has it as body"], QUOTATION),
    ("congress without evidence", f"b:annotation/congress oa:hasBody {CONGRESS} .",
     f"b:annotation/congress oa:hasBody {LENIN} .",
     ["entity without evidence: no annotation has it as body"], CONGRESS),
    ("organisation without name", f'{ORG} schema:name "Russian Communist Party (Bolsheviks)" .', "",
     ["organisation without exactly one preferred schema:name"], ORG),
    ("organisation not typed schema:Organization", f"{ORG} a schema:Organization .", "",
     ["organisation not typed schema:Organization (the contract's type)",
      "congress whose schema:organizer is not a schema:Organization"], ORG),
    ("event without name", f'{CONGRESS} schema:name "10th Congress of the Russian Communist Party (Bolsheviks)" .',
     "", ["event without exactly one preferred schema:name"], CONGRESS),
    ("event with two start dates", "", f'{CONGRESS} schema:startDate "1921-03-09"^^xsd:date .',
     ["event with more than one schema:startDate"], CONGRESS),
    ("event with two end dates", "", f'{CONGRESS} schema:endDate "1921-03-17"^^xsd:date .',
     ["event with more than one schema:endDate"], CONGRESS),
    ("event start date as text", f'{CONGRESS} schema:startDate "1921-03-08"^^xsd:date .',
     f'{CONGRESS} schema:startDate "March 8, 1921" .',
     ["event whose schema:startDate is not an xsd:date, xsd:gYearMonth or xsd:gYear"], CONGRESS),
    ("event end date ill-formed", f'{CONGRESS} schema:endDate "1921-03-16"^^xsd:date .',
     f'{CONGRESS} schema:endDate "1921-3-16"^^xsd:date .',
     ["event whose schema:endDate is not an xsd:date, xsd:gYearMonth or xsd:gYear"], CONGRESS),
    ("event that ends before it starts", f'{CONGRESS} schema:endDate "1921-03-16"^^xsd:date .',
     f'{CONGRESS} schema:endDate "1921-03-01"^^xsd:date .',
     ["event that ends (1921-03-01) before it starts (1921-03-08)"], CONGRESS),
    ("event that ends the year before it starts", f'{CONGRESS} schema:endDate "1921-03-16"^^xsd:date .',
     f'{CONGRESS} schema:endDate "1920"^^xsd:gYear .',
     ["event that ends (1920) before it starts (1921-03-08)"], CONGRESS),
    ("congress not typed schema:Event", f"{CONGRESS} a schema:Event .", "",
     ["congress not typed schema:Event (the contract's type)"], CONGRESS),
    ("congress with two ordinals", "", f"{CONGRESS} schema:position 11 .",
     ["congress with more than one ordinal (schema:position)"], CONGRESS),
    ("congress with ordinal 0", f"{CONGRESS} schema:position 10 .", f"{CONGRESS} schema:position 0 .",
     ["congress whose ordinal (schema:position) is not a positive xsd:integer"], CONGRESS),
    ("congress with a decimal ordinal", f"{CONGRESS} schema:position 10 .", f"{CONGRESS} schema:position 10.0 .",
     ["congress whose ordinal (schema:position) is not a positive xsd:integer"], CONGRESS),
    ("congress with two organisers", "", f"{CONGRESS} schema:organizer b:organization/other .\n"
     'b:organization/other a schema:Organization ; schema:name "Communist International" .',
     ["congress with more than one schema:organizer"], CONGRESS),
    ("congress organised by a person", f"{CONGRESS} schema:organizer {ORG} .",
     f"{CONGRESS} schema:organizer {LENIN} .",
     ["congress whose schema:organizer is not a schema:Organization"], CONGRESS),
    ("quotation not typed schema:Quotation", f"{QUOTATION} a schema:Quotation .", "",
     ["quotation not typed schema:Quotation (the contract's type)"], QUOTATION),
    ("quotation without text", f"{QUOTATION} schema:text {Literal(QUOTE).n3()} .", "",
     ["quotation without text (schema:text)"], QUOTATION),
    ("quotation with two texts", "", f'{QUOTATION} schema:text "mutual confidence" .',
     ["quotation with more than one schema:text (one node per passage)"], QUOTATION),
    ("quotation with empty text", f"{QUOTATION} schema:text {Literal(QUOTE).n3()} .", f'{QUOTATION} schema:text "" .',
     ["quotation whose schema:text is empty or not a plain string"], QUOTATION),
    ("quotation with two speakers", "", f"{QUOTATION} schema:creator b:person/joseph-stalin .",
     ["quotation with more than one schema:creator (whose words are they?)"], QUOTATION),
    ("quotation whose speaker is a work", f"{QUOTATION} schema:creator {LENIN} .",
     f"{QUOTATION} schema:creator {STATE} .", ["quotation whose schema:creator is not a schema:Person"], QUOTATION),
    ("quotation from two works", "", f"{QUOTATION} schema:isPartOf {STATE} .",
     ["quotation with more than one source work (schema:isPartOf)"], QUOTATION),
    ("quotation from a congress", f"{QUOTATION} schema:isPartOf {SPEECH} .",
     f"{QUOTATION} schema:isPartOf {CONGRESS} .",
     ["quotation whose schema:isPartOf is not a schema:CreativeWork"], QUOTATION),
    ("quotation with two volumes", "", f"{QUOTATION} bibo:volume 27 .",
     ["quotation with more than one cited bibo:volume"], QUOTATION),
    ("quotation volume 0", f"{QUOTATION} bibo:volume 26 .", f"{QUOTATION} bibo:volume 0 .",
     ["quotation whose bibo:volume is not a positive xsd:integer"], QUOTATION),
    ("quotation with two first pages", "", f"{QUOTATION} bibo:pageStart 234 .",
     ["quotation with more than one bibo:pageStart"], QUOTATION),
    ("quotation first page 0", f"{QUOTATION} bibo:pageStart 235 .", f"{QUOTATION} bibo:pageStart 0 .",
     ["quotation whose bibo:pageStart is not a positive xsd:integer"], QUOTATION),
    ("quotation with two last pages", "", f"{QUOTATION} bibo:pageEnd 236 .",
     ["quotation with more than one bibo:pageEnd"], QUOTATION),
    ("quotation last page decimal", f"{QUOTATION} bibo:pageEnd 235 .", f"{QUOTATION} bibo:pageEnd 235.0 .",
     ["quotation whose bibo:pageEnd is not a positive xsd:integer"], QUOTATION),
    ("quotation pages backwards", f"{QUOTATION} bibo:pageStart 235 .", f"{QUOTATION} bibo:pageStart 236 .",
     ["quotation whose first cited page (bibo:pageStart) is after its last (bibo:pageEnd)"], QUOTATION),
    ("annotation without body", f"b:annotation/date oa:hasBody {INTERVAL} .", "",
     ["annotation without a body (oa:hasBody): what does it mention?"], "b:annotation/date"),
    ("annotation with two bodies", "", f"b:annotation/date oa:hasBody {BEGIN} .",
     ["annotation with more than one body (oa:hasBody)"], "b:annotation/date"),
    ("annotation without target", "b:annotation/date oa:hasTarget b:annotation/date-target .", "",
     ["annotation without a target (oa:hasTarget): where is it in the text?"], "b:annotation/date"),
    ("annotation with two targets", "", "b:annotation/date oa:hasTarget b:annotation/quote-target .",
     ["annotation with more than one target (oa:hasTarget)"], "b:annotation/date"),
    ("mention without rule", 'b:annotation/date kg:rule "test" .', "",
     ["mention without exactly one kg:rule (the rule or record that found it)"], "b:annotation/date"),
    ("target without source", f"{TARGET} oa:hasSource {DOC} .", "",
     ["annotation target without a source document (oa:hasSource)"], TARGET),
    ("target on two documents", "", f"{TARGET} oa:hasSource {STATE} .",
     ["annotation target with more than one source document (oa:hasSource)",
      "annotation target whose oa:hasSource is not a corpus document (kg:Document)"], TARGET),
    ("target on a person", f"{TARGET} oa:hasSource {DOC} .", f"{TARGET} oa:hasSource {LENIN} .",
     ["annotation target whose oa:hasSource is not a corpus document (kg:Document)"], TARGET),
    ("target without position selector", f"{POS} a oa:TextPositionSelector .", "",
     ["annotation target without an oa:TextPositionSelector (start and end offsets)"], TARGET),
    ("target without quote selector", "b:annotation/quote-quote a oa:TextQuoteSelector .", "",
     ["annotation target without an oa:TextQuoteSelector (the exact words)"], TARGET),
    ("offsets one character off", f"{POS} oa:start {START} .",
     f"{POS} oa:start {START + 1} .",
     [f"annotation whose quote ({QUOTE}) is not the document's text at {START + 1}-{STOP}"], TARGET),
    ("position selector end as a decimal", f"{POS} oa:end {STOP} .",
     f"{POS} oa:end {STOP}.0 .", ["position selector whose oa:end is not an integer"], POS),
    ("position selector without start", f"{POS} oa:start {START} .", "",
     ["position selector without exactly one oa:start"], POS),
    ("position selector before the text", f"{POS} oa:start {START} .", f"{POS} oa:start -1 .",
     ["position selector whose oa:start is not an integer >= 0",
      f"annotation whose quote ({QUOTE}) is not the document's text at -1-{STOP}"], POS),
    ("position selector without end", f"{POS} oa:end {STOP} .", "",
     ["position selector without exactly one oa:end"], POS),
    ("position selector start after end", f"{POS} oa:start {START} .",
     f"{POS} oa:start {STOP} .",
     ["position selector whose oa:start is not before its oa:end",
      f"annotation whose quote ({QUOTE}) is not the document's text at {STOP}-{STOP}"],
     POS),
    ("quote selector without exact", f"b:annotation/quote-quote oa:exact {Literal(QUOTE).n3()} .", "",
     ["quote selector without one non-empty oa:exact"], "b:annotation/quote-quote"),
    ("date neither instant nor interval", f"{INTERVAL} a time:Interval .", "",
     ["date that is neither a time:Instant nor a time:Interval"], INTERVAL),
    ("instant with two dates", "", f'{END} time:inXSDgYear "1921"^^xsd:gYear .',
     ["time instant without exactly one date (time:inXSDDate, time:inXSDgYearMonth or time:inXSDgYear): "
      "it has 2"], END),
    ("instant whose date is a year", f'{END} time:inXSDDate "1921-03-16"^^xsd:date .',
     f'{END} time:inXSDDate "1921"^^xsd:gYear .', ["time instant whose time:inXSDDate is not an xsd:date"], END),
    ("interval without end", f"{INTERVAL} time:hasEnd {END} .", "",
     ["time interval without one end instant (time:hasEnd)"], INTERVAL),
    ("interval that ends before it begins", f'{END} time:inXSDDate "1921-03-16"^^xsd:date .',
     f'{END} time:inXSDDate "1921-03-01"^^xsd:date .',
     ["time interval that ends (1921-03-01) before it begins (1921-03-08)"], INTERVAL),
    ("interval without beginning", f"{INTERVAL} time:hasBeginning {BEGIN} .", "",
     ["time interval without one beginning instant (time:hasBeginning)"], INTERVAL),
    ("instant whose month is a date", "",
     'b:date/1921-03 a time:Instant ; time:inXSDgYearMonth "1921-03-01"^^xsd:date .',
     ["time instant whose time:inXSDgYearMonth is not an xsd:gYearMonth"], "b:date/1921-03"),
    ("instant whose year is a month", "", 'b:date/1921 a time:Instant ; time:inXSDgYear "1921-03"^^xsd:gYearMonth .',
     ["time instant whose time:inXSDgYear is not an xsd:gYear"], "b:date/1921"),
]

# One case per kind of constraint is also run under pyshacl, the reference engine (about a second each), to show
# that the SPARQL the shapes compile to means what SHACL means. Not compared: an ill-formed xsd:gYear, which
# pyshacl accepts, and a decimal offset, on which its SPARQL engine raises.
REFERENCE_CHECKED = {
    "creative work neither document nor work", "document without title", "work with two titles",
    "work title with a language tag", "work whose author is an organisation", "work date as a plain string",
    "owl:sameAs to a Wikidata page", "owl:sameAs as a literal", "two entities for one Wikidata item",
    "work without evidence", "event that ends the year before it starts", "congress with ordinal 0",
    "quotation with empty text", "quotation pages backwards", "target without position selector",
    "offsets one character off", "position selector start after end", "date neither instant nor interval",
    "instant with two dates", "interval that ends before it begins",
}

# Twins that must conform: where a looser reading would wrongly fail.
VALID_TWINS = [
    ("event ending in a year of lower precision", f'{CONGRESS} schema:endDate "1921-03-16"^^xsd:date .',
     f'{CONGRESS} schema:endDate "1921"^^xsd:gYear .'),
    ("event ending in the same month", f'{CONGRESS} schema:endDate "1921-03-16"^^xsd:date .',
     f'{CONGRESS} schema:endDate "1921-03"^^xsd:gYearMonth .'),
    ("one-page quotation without a last page", f"{QUOTATION} bibo:pageEnd 235 .", ""),
    ("quotation without speaker or work", f"{QUOTATION} schema:creator {LENIN} ; schema:isPartOf {SPEECH} .", ""),
]

# What `kgpub link --enrich` brought back about a linked item, published about the item with its provenance.
FETCH, ITEM = "b:wikidata/Q1394", "http://www.wikidata.org/entity/Q1394"
FETCHED = (f'{FETCH} a prov:Entity ; prov:wasDerivedFrom wd:Q1394 ; dcterms:source <https://query.wikidata.org/sparql> '
           '; prov:generatedAtTime "2026-12-03T18:00:00Z"^^xsd:dateTime .\n'
           'wd:Q1394 rdfs:label "Vladimir Lenin"@en ; schema:description "Russian revolutionary"@en ; '
           'schema:birthDate "1870-04-22"^^xsd:date ; schema:deathDate "1924-01-21"^^xsd:date ; '
           'schema:image <https://commons.wikimedia.org/wiki/Special:FilePath/Lenin.jpg> ; '
           'schema:sameAs <http://viaf.org/viaf/1> , <https://d-nb.info/gnd/1> .\n')


def fetched(old: str, new: str) -> str:
    assert old in FETCHED
    return FETCHED.replace(old, new)


CASES += [
    ("fetched facts without a time", "", fetched('; prov:generatedAtTime "2026-12-03T18:00:00Z"^^xsd:dateTime', ""),
     ["fetched facts without the one xsd:dateTime they were fetched at (prov:generatedAtTime)"], FETCH),
    ("fetched facts without a source", "", fetched("dcterms:source <https://query.wikidata.org/sparql> ;", ""),
     ["fetched facts without the endpoint they were fetched from (dcterms:source)"], FETCH),
    ("fetched facts about a web page", "", fetched("prov:wasDerivedFrom wd:Q1394", "prov:wasDerivedFrom <http://x.org/>"),
     ["fetched facts not derived from exactly one Wikidata item (prov:wasDerivedFrom)",
      "facts fetched about http://x.org/, an item no entity of the graph links to (owl:sameAs)"], FETCH),
    ("fetched facts about an item no entity links to", "",
     fetched("prov:wasDerivedFrom wd:Q1394", "prov:wasDerivedFrom wd:Q42"),
     ["facts fetched about http://www.wikidata.org/entity/Q42, an item no entity of the graph links to (owl:sameAs)"],
     FETCH),
    ("Wikidata item with two English labels", "", FETCHED + 'wd:Q1394 rdfs:label "Lenin"@en .',
     ["Wikidata item with more than one label, or one without a language tag"], ITEM),
    ("Wikidata description without a language", "",
     fetched('"Russian revolutionary"@en', '"Russian revolutionary"'),
     ["Wikidata item with more than one description, or one without a language tag"], ITEM),
    ("Wikidata date of birth as a dateTime", "",
     fetched('"1870-04-22"^^xsd:date', '"1870-04-22T00:00:00Z"^^xsd:dateTime'),
     ["Wikidata item's date of birth (schema:birthDate) that is not an xsd:date"], ITEM),
    ("Wikidata date of death as a year", "", fetched('"1924-01-21"^^xsd:date', '"1924"^^xsd:gYear'),
     ["Wikidata item's date of death (schema:deathDate) that is not an xsd:date"], ITEM),
    ("Wikidata image elsewhere", "", fetched("https://commons.wikimedia.org/wiki/Special:FilePath/Lenin.jpg",
                                             "http://x.org/Lenin.jpg"),
     ["Wikidata item's image (schema:image) that is not a Wikimedia Commons file"], ITEM),
    ("Wikidata sameAs to another site", "", fetched("<http://viaf.org/viaf/1>", "<http://x.org/person/1>"),
     ["Wikidata item's schema:sameAs that is not a VIAF, GND, Library of Congress or BnF record"], ITEM),
]
REFERENCE_CHECKED |= {"fetched facts about an item no entity links to", "Wikidata date of birth as a dateTime"}
VALID_TWINS += [
    ("Wikidata facts of a linked item", "", FETCHED),
    ("Wikidata item with two dates of birth and no English label", "",
     fetched('rdfs:label "Vladimir Lenin"@en ;', 'schema:birthDate "1870-04-10"^^xsd:date ;')),
]


def graph_of(turtle: str) -> Graph:
    return new_graph().parse(data=re.sub(r"(?<![\w\"])b:([\w/.\-]+\w)", rf"<{BASE_IRI}\1>", turtle), format="turtle")


def mutate(remove: str, add: str) -> Graph:
    graph = graph_of(BASE)
    removed = graph_of(PREFIXES + remove)
    assert len(removed) == len(removed & graph), f"not in the base graph: {remove}"
    graph -= removed
    graph += graph_of(PREFIXES + add)
    return graph


REFERENCE_SHAPES, REFERENCE_ONTOLOGY = load_shapes(), Graph().parse(ONTOLOGY_FILE)


def pyshacl_results(graph: Graph) -> tuple[bool, set[tuple[str, str]]]:
    """The reference SHACL engine on the same shapes: (conforms, {(focus, message up to its first '{')})."""
    from pyshacl import validate
    conforms, report, _ = validate(graph, shacl_graph=REFERENCE_SHAPES, ont_graph=REFERENCE_ONTOLOGY,
                                   inference="none", advanced=True)
    found = set()
    for result in report.subjects(predicate=SH.focusNode):
        found.add((str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultMessage))))
    return bool(conforms), found


def matches(template: str, message: str) -> bool:
    """Whether a message is its shape's template with values filled in."""
    parts = re.split(r"(\{[?$]\w+\})", template)
    pattern = "".join(".+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.fullmatch(pattern, message, re.S) is not None


def test_the_real_excerpt_conforms():
    report = validate_graph(graph_of(BASE))
    assert report.conforms, report.summary()
    assert report.violations == []


@pytest.mark.parametrize("case, remove, add, expected, focus", CASES, ids=[c[0] for c in CASES])
def test_a_shape_catches_one_defect(case, remove, add, expected, focus):
    graph = mutate(remove, add)
    report = validate_graph(graph)
    assert not report.conforms
    assert Counter(v.message for v in report.violations) == Counter(expected), report.summary()
    assert expand(focus) in {str(v.focus) for v in report.violations}
    # The same shapes under the reference engine flag the same focus nodes for the same reasons.
    if case not in REFERENCE_CHECKED:
        return
    conforms, reference = pyshacl_results(graph)
    assert not conforms
    assert reference == {(str(v.focus), v.message) for v in report.violations}


@pytest.mark.parametrize("case, remove, add", VALID_TWINS, ids=[c[0] for c in VALID_TWINS])
def test_a_valid_twin_conforms(case, remove, add):
    graph = mutate(remove, add)
    assert validate_graph(graph).conforms, validate_graph(graph).summary()
    assert pyshacl_results(graph)[0]


def test_every_shape_is_exercised_by_a_case():
    """A shape no case breaks cannot be shown to fail: each compiled check's message appears in some case."""
    expected = [m for case in CASES for m in case[3]]
    templates = {check.message for check in compile_shapes(load_shapes())}
    assert {t for t in templates if not any(matches(t, m) for m in expected)} == set()


def test_an_unsupported_shape_feature_is_refused_not_skipped():
    shapes = load_shapes()
    shapes.parse(data=PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                 f"<{BASE_IRI}x> a sh:NodeShape ; sh:targetClass schema:Person ; sh:closed true .", format="turtle")
    with pytest.raises(ShapesError, match="closed"):
        compile_shapes(shapes)


def test_every_shape_has_a_name_and_a_description():
    shapes = load_shapes()
    for shape in set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.targetObjectsOf, None)):
        assert shapes.value(shape, SH.name) and shapes.value(shape, SH.description), shape
