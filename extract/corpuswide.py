"""Corpus-wide evidence, a second pass over every document's mentions: what one text establishes holds in all.

- A name a strong cue establishes as a person (a record, a personal title, a credit, an author's heading, a
  speech verb) is that person wherever it appears; a title a text sets in italics or names after a cue is that
  work wherever it appears.
- One person's name never becomes a work's, and an established work's title is no person.
- Spellings of one surname no record knows (transliterations, a letter apart in a long name) are one person.
- A person found only by a weak cue (a rank before a word, an enumeration, a surname's repetition) whose every
  word the corpus writes in lower case ("Strike", "Election", "Collected") is no person.

The pass costs one scan of each text with two alternations of names, a fraction of the extraction."""
from __future__ import annotations

import re
from collections import Counter

from kgpub.extract.gazetteer import compile_names, find_names, fold
from kgpub.extract.lexicon import common_words
from kgpub.extract.model import Mention, mention
from kgpub.extract.pipeline import DocumentMentions
from kgpub.ontology.names import one_edit

# Rules whose persons are certain whatever the words of the name.
STRONG_PERSON_RULES = ("person:record", "person:html:", "person:credit", "person:cue:title-personal",
                       "person:cue:says", "person:cue:name-says", "person:cue:words-of", "person:cue:initials")
# Rules whose works are titles the text itself marks as titles.
TITLE_RULES = ("work:record", "work:html:", "work:cue:", "work:footnote")
LOWER_WORD = re.compile(r"(?<![\w'-])[a-z][a-z'-]+")
WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019-]*")


def lowercase_vocabulary(corpus: list[DocumentMentions], least: int = 2) -> set[str]:
    """Words the corpus writes in lower case at least `least` times."""
    counts: Counter = Counter()
    for dm in corpus:
        counts.update(LOWER_WORD.findall(dm.doc.normalized.text))
    return {w for w, n in counts.items() if n >= least} | common_words()


def common_only(name: str, vocabulary: set[str]) -> bool:
    words = [w for w in WORD.findall(name) if len(w) > 1]
    return bool(words) and all(w.lower() in vocabulary for w in words)


def strong(m: Mention) -> bool:
    return m.rule.startswith(STRONG_PERSON_RULES)


def established(corpus: list[DocumentMentions], vocabulary: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(person name -> key, work title -> key) that some text of the corpus establishes."""
    persons: dict[str, Counter] = {}
    works: dict[str, Counter] = {}
    for dm in corpus:
        for m in dm.mentions:
            surface = fold(m.text)
            if m.kind == "person" and strong(m) and not m.rule.startswith("person:record"):
                if len(surface.split()) > 1 or not common_only(surface, vocabulary):
                    persons.setdefault(surface, Counter())[m.key] += 1
            elif m.kind == "work" and m.rule.startswith(TITLE_RULES) and "\n" not in m.text:
                words = WORD.findall(surface)
                if len(words) > 1 and len(surface) >= 6 or len(words) == 1 and len(surface) >= 4 and not common_only(
                        surface, vocabulary):
                    works.setdefault(surface, Counter())[m.key] += 1
    person_names = {n: c.most_common(1)[0][0] for n, c in persons.items()}
    work_titles = {t: c.most_common(1)[0][0] for t, c in works.items() if t not in person_names}
    return person_names, work_titles


def keep(m: Mention, person_names: dict[str, str], work_titles: dict[str, str], vocabulary: set[str]) -> bool:
    """Whether a mention survives what the whole corpus knows."""
    surface = fold(m.text)
    if m.kind == "person" and not strong(m):
        if surface in work_titles or common_only(surface, vocabulary) and surface not in person_names:
            return False
    if m.kind == "work" and surface in person_names and not m.rule.startswith("work:record"):
        return False
    return True


def spread(dm: DocumentMentions, pattern: re.Pattern | None, names: dict[str, str], kind: str,
           taken: list[tuple[int, int]]) -> list[Mention]:
    """Mentions of the established names in one text, where no mention stands yet."""
    norm = dm.doc.normalized
    out = []
    for s, e, surface in find_names(pattern, norm.text):
        key = names.get(fold(surface))
        if key is None or sentence_initial_single(norm.text, s, surface):
            continue
        raw_start, raw_end = norm.raw_span(s, e)
        if any(a < raw_end and raw_start < b for a, b in taken):
            continue
        taken.append((raw_start, raw_end))
        extra = {"name": fold(surface)} if kind == "person" else {"title": fold(surface)}
        out.append(mention(kind, raw_start, raw_end, dm.doc.text[raw_start:raw_end], key, f"{kind}:corpus", **extra))
    return out


def sentence_initial_single(text: str, at: int, surface: str) -> bool:
    """A one-word name opening a sentence or a line may be any capitalised word."""
    if " " in surface.strip():
        return False
    before = text[max(0, at - 4):at]
    return at == 0 or bool(re.search(r"(?:[.!?:]['\")]?\s+|\n\s*)['\"(]?$", before))


# Spellings of one Russian sound in English transliterations: Preobrajensky / Preobrazhensky, Krasnoff / Krasnov.
TRANSLITERATION = [("zh", "j"), ("kh", "h"), ("tch", "ch"), ("ff", "v"), ("ii", "i"), ("y", "i"), ("w", "v")]
MIN_VARIANT_LENGTH = 7
# A letter apart is a spelling variant only in Russian surnames, where transliterations differ so
# ('Serebriakov', 'Serebiakov'); 'Friedman' and 'Friedan' are two people.
RUSSIAN_ENDING = re.compile(r"(?:ov|ev|iev|in|sk[iy]|ski|vich|ich|enko|idze|iani|ian)$")


def spelling(surname: str) -> str:
    """A surname with the transliterations' differences folded."""
    folded = surname.lower()
    for a, b in TRANSLITERATION:
        folded = folded.replace(a, b)
    return folded


def spelling_variants(corpus: list[DocumentMentions]) -> dict[str, str]:
    """Person keys no record knows whose surnames are spellings of one name ('Serebriakov' and 'Serebiakov',
    'Preobrajensky' and 'Preobrazhensky'): each mapped to the key the corpus uses most. Only long surnames, the
    same once transliteration is folded or, for Russian surnames, one letter apart, count as certain."""
    counts: Counter = Counter()
    surname: dict[str, str] = {}
    for dm in corpus:
        for m in dm.mentions:
            if m.kind == "person" and m.key.startswith("new:"):
                counts[m.key] += 1
                surname.setdefault(m.key, fold(m.text).split()[-1].rstrip("'’s") if m.text.split() else "")
    keys = sorted(counts, key=lambda k: (-counts[k], k))
    out: dict[str, str] = {}
    for i, key in enumerate(keys):
        name = spelling(surname[key])
        if len(name) < MIN_VARIANT_LENGTH or key in out:
            continue
        for other in keys[i + 1:]:
            variant = spelling(surname[other])
            if other not in out and len(variant) >= MIN_VARIANT_LENGTH and (variant == name or one_edit(
                    variant, name) and variant[0] == name[0] and RUSSIAN_ENDING.search(variant)
                    and RUSSIAN_ENDING.search(name)):
                out[other] = key
    return out


def rekeyed(m: Mention, keys: dict[str, str]) -> Mention:
    """The mention with its key and any attribute naming a person key moved to the variant's main key."""
    if not keys:
        return m
    attrs = tuple((k, keys.get(v, v) if isinstance(v, str) else v) for k, v in m.attrs)
    key = keys.get(m.key, m.key) if m.kind == "person" else m.key
    return Mention(m.kind, m.start, m.end, m.text, key, m.rule, attrs) if (key, attrs) != (m.key, m.attrs) else m


def corpus_evidence(corpus: list[DocumentMentions]) -> list[DocumentMentions]:
    """Every document's mentions with what the whole corpus establishes applied: weak persons named by common
    words and names of the wrong kind dropped, established persons and works found wherever they appear."""
    variants = spelling_variants(corpus)
    corpus = [DocumentMentions(dm.doc, [rekeyed(m, variants) for m in dm.mentions]) for dm in corpus]
    vocabulary = lowercase_vocabulary(corpus)
    person_names, work_titles = established(corpus, vocabulary)
    person_pattern = compile_names(person_names)
    work_pattern = compile_names(work_titles)
    out = []
    for dm in corpus:
        kept = [m for m in dm.mentions if keep(m, person_names, work_titles, vocabulary)]
        taken = [(m.start, m.end) for m in kept if m.kind in ("person", "work", "congress", "organization")]
        added = spread(dm, person_pattern, person_names, "person", taken)
        added += spread(dm, work_pattern, work_titles, "work", taken)
        mentions = sorted(kept + added, key=lambda m: (m.start, m.end, m.kind))
        out.append(DocumentMentions(dm.doc, mentions))
    return out
