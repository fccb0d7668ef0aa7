"""Quotations: quoted passages with their exact text, speaker, cited volume and pages, and the work quoted.

What counts: a passage in double quotation marks (or curly single ones) of at least MIN_WORDS words that reports
someone's words, or a paragraph set off as a block after a lead-in naming whom it quotes and ending with a colon
("Mclellan goes on to quote Deutscher's succint description:"); titles (a work mention covering the quoted span),
footnote bodies and hypothetical speech ("we would have to say that ...") do not. One quotation may run across an
interrupting attribution ('"...," says Lenin, "..."') or the writer's aside between commas ('"...," while being
equal in law, "have ..."'), across paragraphs in the printers' convention (each paragraph reopens the quote, only
the last closes it), across page breaks and footnotes set in the middle of it (a paragraph that ends mid-sentence),
and keeps the quotes nested inside it.

Identity (see extract/resolve.py, resolve_quotations): a quotation node is one passage *as cut*. Occurrences whose
words are the same up to typography and OCR noise are one node; different cuts of one passage (a fragment re-quoted
later, a longer or shorter excerpt in another document) are distinct nodes linked by kg:overlapsWith. A node shared
by several documents keeps exactly one text, the reading of one occurrence chosen without regard to document order
(the longest, then the least OCR-damaged, then the smallest): a web transcription's "realizes" may stand for an
OCR'd edition's "realises" or "1s"; each document's own wording stays in its annotation's oa:exact.

OCR'd editions lose closing marks: a quotation still open when its paragraph ends closes before the citation ending
that paragraph, or where its words stop echoing the quotation before it; a double mark after an open single quote
inside the quotation, with prose after it, closes the inner quote. Attribution reads the lead-in ("Lenin says:",
"the following words of Lenin"), a lead-in pointing back to a work named before ("There it is stated:"; "the
document": the last work introduced as a document), the writer quoting himself ("my pamphlet", "I said": the
document's author, resolved at emit time), the citation after the quotation (or after the question ending on it, or
a person it names: "(see Lenin, Vol. XXIV, p. 13)"), and shares a closing citation (its pages in order) and its work
among the cuts of one sentence or of an ellipsis chain.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from kgpub.extract.citations import (CITATION, EDITION_CITATION, FOOTNOTE_LINE_START, FOOTNOTE_MARK, PAGE_CITATION,
    PAGES, PAREN, TRAILING_PAGES, Footnote, body_for, edition_pages, footnote_bodies, note_pages, page_range,
    parse_citation, volume_number)
from kgpub.extract.corpus import Document
from kgpub.extract.model import Mention, mention
from kgpub.extract.registry import name_key

MIN_WORDS = 5
# A quoted phrase this short counts only when something attributes it (a speaker, a work, a citation):
# unattributed, it is a term or scare quote, not a report of someone's words.
UNATTRIBUTED_MIN_WORDS = 6
MAX_CHARS = 8000
SPEECH_VERBS = (r"says|said|say|writes|wrote|write|declares|declared|states|stated|asserts|asserted|adds|added|"
                r"continues|continued|defines|defined|puts it|speaks of|spoke of|argues|argued|insists|insisted|"
                r"replies|replied|remarks|remarked|observes|observed|explains|explained|tells|told|calls|called|"
                r"answers|answered|asks|asked|recalls|recalled|repeats|repeated|emphasizes|emphasized|notes|noted|"
                r"concludes|concluded|proclaims|proclaimed|formulates|formulated|makes clear|made clear")
SPEECH_VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
# An attribution interrupting a quotation: '"...," says Lenin, "..."', '"...," Lenin writes further, "..."',
# '"...," wrote comrade Lenin, "..."' (a title before the name); not the writer's next sentence ('"..." We are
# sneeringly asked: "..."').
INTERRUPTION = re.compile(
    rf"^\s*[,:;.?!-]*\s*(?:(?:{SPEECH_VERBS})\s+(?:(?:comrade|Comrade|Mr\.|Dr\.)\s+)?[A-Z][\w.'\- ]{{1,40}}?"
    rf"|(?:comrade\s+)?(?!(?:We|I|They|You|It|This|That)\s)[A-Z][\w.'\- ]{{1,40}}?\s+(?:{SPEECH_VERBS})"
    rf"|(?:he|she)\s+(?:{SPEECH_VERBS}))(?:\s+(?:further|again|later|then|also))?(?:\s+to\s+(?:the\s+)?[a-z]+)?"
    rf"\s*[,:]?\s*$")
# An attribution after the closing quote: '"...," says Marx in his letter', '"..."--Bob Avakian'.
TRAILING = re.compile(rf"[,.;:]?\s*(?:(?:{SPEECH_VERBS})\s+|--?\s*)")
PRONOUN_SPEECH = re.compile(rf"\b(?:he|she|He|She)\s+(?:\w+\s+){{0,2}}?(?:{SPEECH_VERBS})\b|\bin which (?:he|she)\b")
# Someone else's words put hypothetically ("we would have to say that ...") are not a quotation.
HYPOTHETICAL = re.compile(r"\bwould\s+(?:have\s+to\s+|be\s+to\s+)?(?:say|admit|conclude)\s+(?:that\s+)?$")
# A quoted heading of a part of a work is its title, not a quotation: 'in section 2, "What is to replace ...?"'.
SECTION_TITLE = re.compile(r"\b(?:[Ss]ection|[Cc]hapter|[Pp]art)\s+(?:[IVXLC]+|\d{1,2})?,?\s*$"
                           r"|\b(?:[Ss]ection|[Cc]hapter)\s+(?:entitled|titled|headed)\s*$")
TITLE_MAX_WORDS = 12
# Editors' notes printed inside a quotation: "* My italics. -- J. St."
EDITORIAL_NOTE = re.compile(r"(?:^|(?<=\s))\*+\s*(?:My|Our)\s+(?:italics|emphasis)\.?(?:\s*--\s*[A-Z][\w. ]{0,12}?\.)?")
PAGE_NUMBER_LINE = re.compile(r"^[ \t]*\d{1,4}[ \t]*$", re.M)
SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z])")


@dataclass
class Quote:
    """One quotation found in the repaired text: its parts (inner spans) and what the text says about it."""

    parts: list[tuple[int, int]]
    reopen: list[int] = field(default_factory=list)  # marks reopening the quote at a new paragraph
    facts: dict = field(default_factory=dict)
    speaker: Mention | None = None

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


def quotation_key(text: str) -> str:
    """The identity of a passage as written: a hash of its folded words (see fold_words)."""
    return hashlib.sha1(" ".join(fold_words(text)).encode("utf-8")).hexdigest()[:16]


def fold_words(text: str) -> list[str]:
    """The words of a passage with typography and common OCR and spelling differences folded away."""
    text = name_key(text.replace("|", "I"))
    text = re.sub(r"(?<=[a-z])1|1(?=[a-z])", "i", text)  # OCR "1s" for "is"
    text = text.replace("z", "s")  # organization / organisation
    text = re.sub(r"our\b", "or", text)  # labour / labor
    return text.split()


# ------------------------------------------------------------------ finding the quoted spans

def classify(text: str, raw: str, norm, i: int) -> str:
    """'open', 'close' or '?' for the double quote at i: curly quotes say so, straight ones by their neighbours."""
    raw_char = raw[norm.to_raw[i]] if norm.to_raw[i] < len(raw) else '"'
    if raw_char in "\u201c\u201e\u00ab":
        return "open"
    if raw_char in "\u201d\u00bb":
        return "close"
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if (before.isspace() or before in "([{-/") and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or after in ".,;:!?)]}-*'"):
        return "close"
    return "?"


PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def content_end(text: str, at: int) -> str:
    """The last content character before `at`, skipping footnote lines and page numbers printed at a page's foot."""
    lines = text[:at].rstrip().split("\n")
    while lines and (re.match(r"^\s*\[?[^\]\s\w]?\w{0,3}\]\s", lines[-1]) or PAGE_NUMBER_LINE.match(lines[-1])
                     or not lines[-1].strip()):
        lines.pop()
    tail = lines[-1].rstrip() if lines else ""
    return tail[-1:] if tail else ""


def continues_across(text: str, brk: tuple[int, int]) -> bool:
    """Whether an open quotation runs on over this paragraph break: the break falls mid-sentence (a page break or
    a footnote set inside it), or the next paragraph starts in lower case."""
    if text[brk[1]:brk[1] + 1].islower():
        return True
    return content_end(text, brk[0]) not in {".", "?", "!", ":", '"', ")", ""}


def quoted_spans(text: str, raw: str, norm) -> list[Quote]:
    """Every double-quoted passage, paired over the whole text (see the module docstring for the runs allowed)."""
    breaks = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)]
    out: list[Quote] = []
    opened: int | None = None
    reopen: list[int] = []
    note_lines = [(m.start(), text.find("\n", m.end()) % (len(text) + 1)) for m in FOOTNOTE_LINE_START.finditer(text)]
    nested: set[int] = set()
    for i in (m.start() for m in re.finditer('"', text)):
        if i in nested:
            continue
        if opened is not None and any(a <= i < b and opened < a for a, b in note_lines):
            continue  # a footnote printed inside an open quotation: its quoted title is not the quotation's end
        kind = classify(text, raw, norm, i)
        if opened is not None:
            since = reopen[-1] if reopen else opened
            crossed = [b for b in breaks if since < b[0] < i]
            if crossed:
                reopening = kind != "close" and crossed[-1][1] == i  # the mark opens the next paragraph
                checks = crossed[:-1] if reopening else crossed
                if i - opened <= MAX_CHARS and all(continues_across(text, b) for b in checks):
                    if reopening:
                        reopen.append(i)
                        continue
                else:
                    ends = next(b[0] for b in checks if not continues_across(text, b)) if checks else crossed[0][0]
                    salvaged = unclosed(text, opened, reopen, min(ends, opened + MAX_CHARS), out)
                    out.extend([salvaged] if salvaged else [])
                    opened, reopen = None, []
        if opened is None:
            if kind != "close":
                opened, reopen = i, []
            continue
        if kind == "open":
            inner = nested_marks(text, raw, norm, i)
            if inner:  # a quote inside the quotation in the same marks: "... they "forget" to add ..."
                nested.update(inner)
                continue
            opened, reopen = i, []  # else a second opening in the same paragraph: the first mark was stray
            continue
        if closes_inner(text, raw, norm, opened, i):
            continue
        out.append(Quote([(opened + 1, i)], list(reopen)))
        opened, reopen = None, []
    if opened is not None:  # a mark still open at the end of the text
        since = reopen[-1] if reopen else opened
        ends = next((a for a, b in breaks if a > since and not continues_across(text, (a, b))), len(text))
        salvaged = unclosed(text, opened, reopen, min(ends, opened + MAX_CHARS), out)
        out.extend([salvaged] if salvaged else [])
    return out + single_quoted(text, raw, norm, out)


DOUBLE_MARK = re.compile('"')


def nested_marks(text: str, raw: str, norm, i: int) -> list[int]:
    """The marks of a quote opened at i inside an open quotation, when the marks from i to the paragraph's end nest
    cleanly (every one an unambiguous opening or closing) and a mark is left over to close the outer quotation; else
    none: the earlier opening was a stray mark."""
    brk = PARAGRAPH_BREAK.search(text, i)
    marks = [m.start() for m in DOUBLE_MARK.finditer(text, i, brk.start() if brk else len(text))]
    depth, inner = 1, []
    for j in marks:
        kind = classify(text, raw, norm, j)
        if kind == "?":
            return []
        depth += 1 if kind == "open" else -1
        if depth == 0:
            return inner
        inner.append(j)
    return []


def closes_inner(text: str, raw: str, norm, opened: int, i: int) -> bool:
    """Whether the double mark at i is OCR's for the single one closing a quote inside the quotation: a curly single
    quote is open ("heroes of 'Two-and-a-Half" Marxism were ... the first" (see ...)"), prose goes on after the mark
    and a closing double mark follows in the same paragraph."""
    inner = raw[norm.to_raw[opened]:norm.to_raw[i]]
    if inner.count("\u2018") <= inner.count("\u2019") or not re.match(r" [A-Za-z]", text[i + 1:i + 3]):
        return False
    rest = text[i + 1:text.find("\n\n", i) % (len(text) + 1)]
    nxt = rest.find('"')
    return nxt >= 0 and classify(text, raw, norm, i + 1 + nxt) == "close"


# A citation closing a paragraph: '... the whole people' (see Vol. XXVI, p. 286).'
CLOSING_CITATION = re.compile(r"\s*\(\s*(?:[Ss]ee|[Cc]f\.)\s[^()]{0,160}\)\s*[.;]?\s*$")


def unclosed(text: str, opened: int, reopen: list[int], ends: int, earlier: list[Quote]) -> Quote | None:
    """A quotation whose closing mark OCR lost, so that its paragraph ends with the mark still open: it ends
    before the citation closing its paragraph ('... the whole people' (see Vol. XXVI, p. 286).'), or, when it opens
    by repeating words of the quotation before it, where the repetition ends ('"Properly express what the people
    are conscious of--this is ...')."""
    segment = text[opened + 1:ends]
    cite = CLOSING_CITATION.search(segment)
    if cite and CITATION.search(segment, cite.start()):
        end = opened + 1 + len(segment[:cite.start()].rstrip())
        return Quote([(opened + 1, end)], [r for r in reopen if r < end])
    if earlier and not reopen:
        end = echoed_end(text, opened + 1, ends, passage_text(text, earlier[-1]))
        if end is not None:
            return Quote([(opened + 1, end)])
    return None


def echoed_end(text: str, start: int, limit: int, before: str) -> int | None:
    """Where the words from `start` stop repeating the passage `before` (at least MIN_WORDS of them), or None."""
    folded = " " + " ".join(fold_words(before)) + " "
    end, said = None, []
    for token in re.finditer(r"\w[\w'-]*\w|\w", text[start:limit]):
        word = fold_words(token.group(0))
        said += word
        if " " + " ".join(said) + " " not in folded:
            break
        end = start + token.end()
    return end if end is not None and len(said) > MIN_WORDS else None


def single_quoted(text: str, raw: str, norm, doubles: list[Quote]) -> list[Quote]:
    """Passages in curly single quotes outside any double-quoted one (some typesetters quote with them)."""
    out = []
    for m in re.finditer(r"'", text):
        i = m.start()
        if raw[norm.to_raw[i]] != "\u2018" or any(q.start <= i < q.end for q in doubles):
            continue
        close = re.compile(r"(?<=[\w.,!?])'(?=[\s.,;:)]|$)").search(text, i + 1, i + 1500)
        while close and raw[norm.to_raw[close.start()]] != "\u2019":
            close = re.compile(r"(?<=[\w.,!?])'(?=[\s.,;:)]|$)").search(text, close.end(), i + 1500)
        if close and "\n\n" not in text[i:close.start()] and text[close.start() - 1] in ".,!?":
            out.append(Quote([(i + 1, close.start())]))
    return out


# A lead-in announcing a set-off passage: "X goes on to quote Y's description:", "Lenin writes:", "nor could any
# citation better illustrate ...:", "This may be seen from a speech delivered by Lenin ...:".
BLOCK_LEAD = re.compile(rf"\b(?:quot(?:e|es|ed|ing)|description|words|passage|account|citation|extract|speech|"
                        rf"{SPEECH_VERBS})\b[^.!?\n]*:$")
# What opens a list item or an argument's step, not a passage of someone else's: "1)", "a)", "2.", "Firstly",
# a bullet ("- Socialism in One Country: ...").
ITEM_OPENING = re.compile(r"^\s*(?:\(?(?:\d{1,2}|[a-z])[.)]|(?:First|Second|Third|Four)(?:ly)?\b|[-*\u2022\u2013]\s)")
BLOCK_MIN_WORDS = 12


def block_quotes(text: str, found: list[Quote], person_spans) -> list[Quote]:
    """Passages set off as a block, without quotation marks: a paragraph of prose after a lead-in that names whom it
    quotes and ends with a colon ("Mclellan goes on to quote Deutscher's succint description:"). The paragraph holds
    no quotation mark of its own and is no list item; the lead-in's sentence names a person and a quoting word, or
    a pronoun speaks in it after its paragraph named a person ("... Lenin frankly justified ... Here is what he
    said:")."""
    out = []
    for brk in PARAGRAPH_BREAK.finditer(text):
        lead_end = len(text[:brk.start()].rstrip())
        para = paragraph_start(text, lead_end - 1)
        lead_start = sentence_start(text, lead_end - 1, para)
        named = any(lead_start <= s and e <= lead_end for s, e, _ in person_spans) or PRONOUN_SPEECH.search(
            text, lead_start, lead_end) and any(para <= s and e <= lead_start for s, e, _ in person_spans)
        if not BLOCK_LEAD.search(text, lead_start, lead_end) or not named:
            continue
        start = brk.end()
        end = text.find("\n\n", start) % (len(text) + 1)
        end = len(text[:end].rstrip())
        body = text[start:end]
        if ('"' in body or "\u201c" in body or ITEM_OPENING.match(body) or len(body.split()) < BLOCK_MIN_WORDS
                or in_any([(q.start, q.end) for q in found], start, end)):
            continue
        out.append(Quote([(start, end)], facts={"block": True}))
    return out


def marked_blocks(doc: Document, found: list[Quote]) -> list[Quote]:
    """Passages an HTML page sets off as block quotations (<blockquote>, the archive's quote paragraphs) without
    quotation marks of their own; consecutive blocks are one passage."""
    norm = doc.normalized
    text = norm.text
    blocks: list[list[int]] = []
    for raw_start, raw_end in doc.evidence("quote"):
        start, end = norm.from_raw(raw_start), norm.from_raw(raw_end)
        if blocks and not text[blocks[-1][1]:start].strip():
            blocks[-1][1] = max(blocks[-1][1], end)
        elif not blocks or start >= blocks[-1][1]:
            blocks.append([start, end])
    out = []
    taken = [(q.start, q.end) for q in found]
    for start, end in blocks:
        body = text[start:end]
        if body[:1] in "\"'" or in_any(taken, start, end) or len(body.split()) < MIN_WORDS:
            continue
        out.append(Quote([(start, end)], facts={"block": True}))
    return out


def join_interrupted(text: str, quotes: list[Quote]) -> list[Quote]:
    """Quotations whose parts are separated only by an attribution ('"...," says Lenin, "..."') become one."""
    out: list[Quote] = []
    for q in sorted(quotes, key=lambda q: q.start):
        if out:  # the second part may itself run over paragraphs ('," says Lenin, "is that ...\n\n"...')
            between = text[out[-1].end + 1:q.start - 1]
            if "\n\n" not in between and (INTERRUPTION.match(between) or aside(text, out[-1], q, between)):
                out[-1].parts.extend(q.parts)
                continue
        out.append(q)
    return out


# A short clause of the writer's own set between commas inside a quoted sentence: ', while being equal in law, '.
ASIDE = re.compile(r"\s+[a-z][\w'-]*(?:\s+[\w'-]+){0,7}\s*,\s*")


def aside(text: str, first: Quote, second: Quote, between: str) -> bool:
    """Whether two quoted parts are one sentence cut by the writer's aside: the first stops at a comma, the aside
    runs to a comma, the second goes on in lower case ('"... republics," while being equal in law, "have ...')."""
    return (text[first.end - 1] == "," and ASIDE.fullmatch(between) is not None
            and text[second.start:second.start + 1].islower())


def clean_part(text: str, s: int, e: int, reopen: list[int]) -> str:
    """The words of one part: reopening marks, footnote lines, page numbers and editors' notes taken out,
    words hyphenated across the break joined."""
    piece = text[s:e]
    for r in sorted(reopen, reverse=True):
        if s <= r < e:
            piece = piece[:r - s] + piece[r - s + 1:]
    if "\n" in piece:
        piece = re.sub(r"^[ \t]*\[?[^\]\s\w]?\w{0,3}\][^\n]*$", "", piece, flags=re.M)
        piece = PAGE_NUMBER_LINE.sub("", piece)
    piece = EDITORIAL_NOTE.sub(" ", piece)
    piece = FOOTNOTE_MARK.sub("", piece)
    piece = re.sub(r"(?<=[a-z])-\s*\n\s*(?=[a-z])", "", piece)
    return " ".join(piece.split())


def passage_text(text: str, q: Quote) -> str:
    return " ".join(clean_part(text, s, e, q.reopen) for s, e in q.parts)


# ------------------------------------------------------------------ context around a quotation

def spans_of(text_len: int, norm, mentions: list[Mention]) -> list[tuple[int, int, Mention]]:
    return [(norm.from_raw(m.start), norm.from_raw(m.end), m) for m in mentions]


def sentence_start(text: str, at: int, floor: int) -> int:
    """Where the sentence containing `at` starts (not before floor)."""
    start = floor
    for m in SENTENCE_END.finditer(text, floor, at):
        start = m.end()
    return start


def paragraph_start(text: str, at: int) -> int:
    i = text.rfind("\n\n", 0, at)
    return 0 if i < 0 else i + 2


def strip_marks(s: str) -> str:
    return FOOTNOTE_MARK.sub("", re.sub(r"(?<=[\w:.,;])\d{1,2}(?=\s*$)", "", s)).strip()


def persons_in(spans, lo: int, hi: int, quoted: list[tuple[int, int]]) -> list[Mention]:
    """Person mentions in [lo, hi) outside every quoted span, in text order."""
    return [m for s, e, m in sorted(spans, key=lambda x: x[0])
            if lo <= s and e <= hi and not any(a <= s < b for a, b in quoted)]


# A person named as the one quoted by someone else: "to quote Deutscher", "there is a quotation from Lenin",
# "the words of Lenin", "Deutscher's succinct description".
QUOTED_BEFORE = re.compile(r"\b(?:quot(?:e|es|ed|ing)|quotations?\s+(?:from|of)|words\s+of)\s+$")
QUOTED_AFTER = re.compile(r"'s?\s+(?:[a-z]+\s+)?(?:description|words|account|summary|formulation|definition|critique|"
                          r"elaboration|thoughts|remarks|statement|explanation|observation|argument)\b")


# The writer's own words put in brackets inside a quotation to say who speaks: "[he said]", "[she writes]".
BRACKETED_SPEECH = re.compile(rf"\[\s*(?:[Hh]e|[Ss]he)\s+(?:\w+\s+)?(?:{SPEECH_VERBS})\s*\]")
# A pronoun holding an opinion the quotation gives: "Yet he believes that "..."".
PRONOUN_HOLDS = re.compile(r"\b(?:[Hh]e|[Ss]he)\s+(?:\w+\s+)?(?:believes|believed|considers|considered|holds|"
                           r"held|admits|admitted|confesses|confessed|thinks|thought)\b")
# Words before a sentence's first name that make it something other than the sentence's subject.
SUBJECT_BREAKERS = frozenset({"of", "to", "with", "by", "from", "about", "against", "for", "on", "in", "at", "and",
                              "like", "unlike", "than"})
# A pronoun that speaks in a lead-in, and a person it speaks of: '"Did he not speak of the rudeness of X and "..."?"'.
PRONOUN_SPEAKS = re.compile(rf"\b(?:[Hh]e|[Ss]he)\s+(?:\w+\s+){{0,2}}?(?:{SPEECH_VERBS}|speak|spoke|warn|warned|"
                            r"warns|write|describe|described|describes)\b")
SPOKEN_OF = re.compile(r"\b(?:of|about|against|to|with|on)\s+$")


def speaker_in(text: str, spans, lo: int, hi: int, quoted, history: list[Mention]) -> Mention | None:
    """The speaker a lead-in names: a person next to a speech verb, else the first person named, else the last
    person named before it when a pronoun speaks ("in which he says:")."""
    people = [(s, e, m) for s, e, m in spans if lo <= s and e <= hi and not any(a <= s < b for a, b in quoted)]
    pronoun = PRONOUN_SPEAKS.search(text, lo, hi)
    if pronoun and people and all(s > pronoun.start() and SPOKEN_OF.search(text[max(lo, s - 12):s])
                                  for s, e, m in people):
        before = persons_in(spans, 0, lo, quoted)
        return before[-1] if before else None  # "did he not speak of the rudeness of X": X is spoken of, "he" speaks
    for s, e, m in people:  # "X goes on to quote Y's description": Y, the one quoted, not X who quotes him
        if QUOTED_BEFORE.search(text[max(lo, s - 20):s]) or QUOTED_AFTER.match(text, e):
            return m
    if people:
        for s, e, m in sorted(people, key=lambda x: -x[0]):
            near = text[max(lo, s - 25):min(hi, e + 40)]
            if SPEECH_VERB.search(near) or re.search(r"\bwords\b|\bof\s*$", near):
                return m
        return min(people, key=lambda x: x[0])[2]
    if PRONOUN_SPEECH.search(text[lo:hi]) or PRONOUN_HOLDS.search(text[lo:hi]) \
            or re.search(r"\b(?:his|her)\b", text[lo:hi]):
        return subject_before(text, spans, lo, quoted) or (history[-1] if history else None)
    return None


def subject_before(text: str, spans, lo: int, quoted) -> Mention | None:
    """The person a pronoun opening a lead-in means when the sentence before opens with one: its subject ("Nehru
    analyses the ideology of Gandhi ... Yet he believes that "..."": Nehru, not Gandhi, the last one named)."""
    prev_lo = sentence_start(text, lo - 1, paragraph_start(text, max(0, lo - 3)))
    first = persons_in(spans, prev_lo, lo, quoted)
    if not first:
        return None
    start = next(s for s, e, m in spans if m is first[0])
    before = text[prev_lo:start].split()
    return first[0] if len(before) <= 3 and not any(w in SUBJECT_BREAKERS for w in before) else None


# ------------------------------------------------------------------ the extractor

def in_any(spans, s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def title_like(text: str, q: Quote, work_spans) -> bool:
    """A quoted title: a work mention covers most of the quoted span."""
    length = q.end - q.start
    return any(ws <= q.start + 2 and we >= q.end - 3 or (min(we, q.end) - max(ws, q.start)) > 0.7 * length
               for ws, we, _ in work_spans)


def skip(text: str, at: int, chars: str, limit: int) -> int:
    """`at` moved past up to `limit` of the given characters."""
    window = text[at:at + limit]
    return at + len(window) - len(window.lstrip(chars))


# A question ending on the quotation, its citation after the question mark, perhaps set as the next paragraph:
# 'Was not Lenin right when he said that "..."? (See Vol. XXIII, p. 386.)', 'the "..." correct? (See ...)'.
QUESTION_GAP = re.compile(r"(?:[ \t]*[a-z]+){0,2}[ \t]*[?!][\s*]{0,8}")


NOTE_NUMBER = re.compile(r"\d{1,2}[ \t]+(?=\()")


def citation_after(text: str, q: Quote) -> tuple[re.Match | None, int]:
    """The parenthesis right after the quotation ('(See Vol. XXV, p. 192.)', '(Lenin.)') and where it ends."""
    after = q.end + 1
    at = skip(text, after, " \t\n.,;*?!", 6)
    mark = NOTE_NUMBER.match(text, at)  # a footnote's number set before the citation: '". 3 (see Lenin, ...)'
    m = PAREN.match(text, mark.end() if mark else at)
    if m is not None and m.start() - after <= 6 + (mark.end() - at if mark else 0):
        return m, m.end()
    gap = QUESTION_GAP.match(text, after)
    m = PAREN.match(text, gap.end()) if gap else None
    if m is not None and CITATION.fullmatch(m.group(0)):
        return m, m.end()
    return None, after


def edition_cited(text: str, q: Quote, paren: re.Match | None, lead_lo: int, lead_hi: int) -> re.Match | None:
    """An edition's citation of the quotation ("Lenin, Notes for a Speech ..., Collected Works, Volume 36, pages
    535-537"): in the parenthesis after it, right after its closing mark, or in its lead-in."""
    if paren is not None:
        return EDITION_CITATION.search(text, paren.start(), paren.end())
    after = EDITION_CITATION.match(text, skip(text, q.end + 1, " \t.,;-", 4))
    if after is not None:
        return after
    before = list(EDITION_CITATION.finditer(text, lead_lo, lead_hi))
    return before[-1] if before else None


def edition_work(edition: re.Match, work_spans) -> str | None:
    """The work whose title an edition's citation names before the edition."""
    if not edition.group("title"):
        return None
    return next((m.key for s, e, m in work_spans if edition.start("title") <= s < edition.end("title")), None)


def footnote_work(note: Footnote | None, work_spans, last_work: str | None) -> str | None:
    if note is None:
        return None
    if note.is_ibid:
        return last_work
    inside = [m for s, e, m in work_spans if note.start <= s < note.end]
    return inside[0].key if inside else None


def extract_quotations(doc: Document, persons: list[Mention], works: list[Mention],
                       excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Quotation mentions of a document: one per passage occurrence, raw offsets of its whole extent."""
    norm = doc.normalized
    text = norm.text
    person_spans = spans_of(len(text), norm, persons)
    work_spans = spans_of(len(text), norm, works)
    notes = footnote_bodies(text)
    note_spans = [(f.start, f.end) for f in notes]
    found = join_interrupted(text, quoted_spans(text, doc.text, norm))
    found = sorted(found + block_quotes(text, found, person_spans), key=lambda q: q.start)
    found = sorted(found + marked_blocks(doc, found), key=lambda q: q.start)
    all_quoted = [(q.start, q.end) for q in found]
    quotes: list[Quote] = []
    for q in found:
        body = passage_text(text, q)
        if (len(body.split()) < MIN_WORDS or in_any(excluded, q.start, q.end)
                or in_any(note_spans, q.start, q.start + 1)):
            continue
        if title_like(text, q, work_spans):
            continue
        lead = text[sentence_start(text, q.start - 1, paragraph_start(text, q.start)):q.start - 1]
        if HYPOTHETICAL.search(lead) or SECTION_TITLE.search(lead) and len(body.split()) <= TITLE_MAX_WORDS:
            continue
        q.facts["passage"] = body
        quotes.append(q)
    attribute(text, quotes, person_spans, work_spans, notes, all_quoted)
    own_works = {m.key for s, e, m in work_spans if OWN_WORK_BEFORE.search(text[max(0, s - 30):s])}
    for q in quotes:  # the writer calls a work "my pamphlet" once: every passage of it he quotes is his own
        if q.speaker is None and q.facts.get("work") in own_works:
            q.facts["own"] = True
    quotes = [q for q in quotes if len(q.facts["passage"].split()) >= UNATTRIBUTED_MIN_WORDS or q.speaker
              or q.facts.get("work") or q.facts.get("page_start") is not None]
    out = []
    for q in quotes:
        raw_start, raw_end = norm.raw_span(q.start, q.end)
        f = q.facts
        out.append(mention("quotation", raw_start, raw_end, doc.text[raw_start:raw_end], quotation_key(f["passage"]),
                           "quotation:quoted", passage=f["passage"], speaker=q.speaker.key if q.speaker else None,
                           volume=f.get("volume"), page_start=f.get("page_start"), page_end=f.get("page_end"),
                           work=f.get("work"), own=f.get("own")))
    return out


def attribute(text: str, quotes: list[Quote], person_spans, work_spans, notes: list[Footnote],
              quoted: list[tuple[int, int]]) -> None:
    """Speaker, work, volume and pages of each quotation, in text order (later ones lean on earlier ones)."""
    last_volume: int | None = None
    last_work: str | None = None
    last_cited: Quote | None = None  # the last quotation with a cited volume
    previous: Quote | None = None
    for i, q in enumerate(quotes):
        # ---- the citation after it, or the one it shares with the next quotation of the sentence
        paren, after = citation_after(text, q)
        cite = CITATION.fullmatch(paren.group(0)) if paren else None
        share_index = 0
        nxt = quotes[i + 1] if i + 1 < len(quotes) else None
        if paren is None and nxt is not None and SHARED_LINK.fullmatch(text, q.end + 1, nxt.start - 1) \
                and not in_any([(s, e) for s, e, _ in person_spans], q.end, nxt.start):
            paren, after = citation_after(text, nxt)
            cite = CITATION.fullmatch(paren.group(0)) if paren else None
            share_index = -1
        elif previous is not None and previous.facts.get("shares_with") is q:
            share_index = 1
        pages_only = PAGE_CITATION.fullmatch(paren.group(0)) if paren is not None and not cite else None
        pages_only = pages_only or (TRAILING_PAGES.match(text, q.end + 1) if paren is None else None)
        if pages_only:  # "(p.260)", "(Nehru, p.86.)", '"... signing" p.197)': the pages, the volume unsaid
            first, last = page_range(pages_only.group("p1"), pages_only.group("p2"))
            q.facts.update({"page_start": first, "page_end": last})
        long_cite = LONG_CITATION.search(paren.group(0)) if paren is not None and not (cite or pages_only) else None
        if long_cite:  # "(Smith, Title, in the collection Papers, published by Press, p.188)", "(Smith, ibid., p.7)"
            first, last = page_range(long_cite.group("p1"), long_cite.group("p2"))
            q.facts.update({"page_start": first, "page_end": last})
        if cite:
            facts = parse_citation(cite)
            pages = facts["pages"]
            if facts["and_list"] and len(pages) == 2 and share_index:
                page = pages[0] if share_index == -1 else pages[1]
                facts["page_start"] = facts["page_end"] = page
            if facts["volume"] is None and facts["ibid"]:
                facts["volume"] = volume_before(text, paren.start()) or last_volume
            q.facts.update({k: facts[k] for k in ("volume", "page_start", "page_end")})
            if share_index == -1:
                q.facts["shares_with"] = nxt
        # ---- the work: footnote of the citation, a work named in the parenthesis, in the lead-in, ibid
        work = None
        mark = FOOTNOTE_MARK.match(text, skip(text, after, " .;,*", 3))
        if mark:
            note = body_for(notes, mark.group("mark"), mark.end())
            work = footnote_work(note, work_spans, last_work)
            if note is not None and q.facts.get("page_start") is None:
                q.facts.update(note_pages(note))
        if work is None and paren is not None:
            work = next((m.key for s, e, m in work_spans if paren.start() <= s < paren.end()), None)
            q.facts["cited_work"] = work is not None
        reference = TRAILING_REFERENCE.match(text, q.end + 1) if work is None and paren is None else None
        if reference:  # '"..." Smith's History of the Mills, London: Vale Press 1931, p.270.': a reference line
            work = next((m.key for s, e, m in work_spans if reference.start("ref") <= s < reference.start("ref") + 60
                         and e <= reference.end()), None)
            if work is not None and q.facts.get("page_start") is None:
                first, last = page_range(reference.group("p1"), reference.group("p2"))
                q.facts.update({"page_start": first, "page_end": last})
        source = TRAILING_SOURCE.match(text, q.end + 1) if work is None else None
        if source:  # '"...," as expressed in the Manifesto': the clause after it names its work
            work = next((m.key for s, e, m in work_spans if s == source.end()), None)
        lead_lo, lead_hi = lead_region(text, q, quotes[:i])
        edition = edition_cited(text, q, paren, lead_lo, lead_hi) if cite is None else None
        if edition is not None:  # "Lenin, Title, Collected Works, Volume 36, pages 535-537": its title is the work
            q.facts.update(edition_pages(edition))
            work = work or edition_work(edition, work_spans)
        lead_pages = list(re.finditer(PAGES, text[lead_lo:lead_hi])) if q.facts.get("page_start") is None else []
        if len(lead_pages) == 1:  # 'Sorge writes on p. 721: "..."', '(Neue Zeit, issue 23, p.717) he wrote: "..."'
            q.facts.update(dict(zip(("page_start", "page_end"), page_range(lead_pages[0].group("p1"),
                                                                        lead_pages[0].group("p2")), strict=True)))
        own = bool(OWN_WORDS.search(text[lead_lo:lead_hi]))
        if work is None:
            in_lead = [(s, m) for s, e, m in work_spans if lead_lo <= s and e <= lead_hi and not in_any(quoted, s, e)]
            # several works named and none marked as the source: the lead-in compares them, it does not cite one
            work = next((m.key for s, m in in_lead if PASSAGE_IN.search(text[max(lead_lo, s - 40):s])
                         or ENTITLED.search(text[max(lead_lo, s - 30):s])), None) or next(
                (m.key for s, m in reversed(in_lead) if len({k.key for _, k in in_lead}) == 1), None) or next(
                (m.key for s, e, m in work_spans if lead_lo <= s < q.start and in_any(quoted, s, e)
                 and title_like(text, Quote([(s, e)]), work_spans)), None)
        refers = REFERS_BACK.search(text[lead_lo:lead_hi])
        if work is None and refers:
            named = work_named_before(text, lead_lo, work_spans, quoted, refers.group("noun"))
            if named is not None:
                work = named[1].key
                own = own or bool(OWN_WORK_BEFORE.search(text[max(0, named[0] - 30):named[0]]))
        if own:
            q.facts["own"] = True
        bare_ibid = paren is not None and cite is None and re.fullmatch(r"[Ii]bid\.?", paren.group("body"))
        if bare_ibid and last_cited is not None:  # "(ibid)": the volume, page and work of the citation before
            q.facts.update({k: last_cited.facts.get(k) for k in ("volume", "page_start", "page_end")})
            work = work or last_cited.facts.get("work")
        if work is None and (cite and cite.group("ibid") or long_cite and re.search(r"\b[Ii]bid\b", paren.group(0))):
            work = last_work
        # ---- the speaker: the interruption, "(Lenin.)", the lead-in, the run of quotations it belongs to
        history = persons_in(person_spans, max(0, q.start - 3000), q.start, quoted)
        speaker = None
        for (_s1, e1), (s2, _e2) in zip(q.parts, q.parts[1:], strict=False):
            speaker = speaker or speaker_in(text, person_spans, e1, s2, [], history)
        if speaker is None and paren is not None:  # "(Lenin.)", "(see Lenin, Vol. XXIV, p. 13)", not a title's
            speaker = next((m for s, e, m in person_spans if paren.start() <= s < paren.end()
                            and not in_any([(ws, we) for ws, we, _ in work_spans], s, e)), None)
        if speaker is None and edition is not None and edition.group("author"):
            speaker = next((m for s, e, m in person_spans if s == edition.start("author")), None)
        if speaker is None and paren is None:
            speaker, work = speaker_after(text, q, person_spans, work_spans, work)
        if speaker is None and not own:
            speaker = speaker_in(text, person_spans, lead_lo, lead_hi, quoted, history)
        if speaker is None and previous is not None and previous.speaker and continues_run(text, previous, q):
            speaker = previous.speaker
        if speaker is None and (cite or bare_ibid) and last_cited is not None and not any(
                paren.start() <= s < paren.end() for s, e, m in person_spans):
            speaker = last_cited.speaker  # "(See Vol. XXV, p. 173)": the edition the text has been citing
        if speaker is None:
            container = next((p for p in quotes[:i] if contains(p.facts["passage"], q.facts["passage"])), None)
            if container is not None:
                speaker = container.speaker
                work = work or container.facts.get("work")
        if speaker is None and BRACKETED_SPEECH.search(text, q.start, q.end) and history:
            speaker = history[-1]  # '"Work must go on [he said] in all times"': the one the text was speaking of
        if work is None and speaker is not None and OWNED_WORK.search(text[lead_lo:lead_hi]):
            work = headed_work(work_spans, speaker.key)
        if work is None and speaker is not None and pages_only:  # a review's "(Nehru, p.86.)": the reviewed book
            work = authored_work(text, work_spans, speaker)
        if work is None and len(lead_pages) == 1 and speaker is not None and previous is not None \
                and previous.speaker is not None and previous.speaker.key == speaker.key:
            work = previous.facts.get("work")  # "he writes on p. 721:": another page of the work just quoted
        if work is None and speaker is not None:
            work = discussed_work(text, q.start, work_spans, person_spans, quoted, speaker)
        if speaker is None and previous is not None and previous.speaker and continues_talk(text, previous, q,
                                                                                           person_spans):
            speaker = previous.speaker  # the text goes on quoting the one it was quoting, naming nobody else
            work = work or previous.facts.get("work")
        q.speaker = speaker
        if work is not None:
            q.facts["work"] = work
            last_work = work
        if q.facts.get("volume") is not None:
            last_volume = q.facts["volume"]
            last_cited = q
        previous = q
    share_works(text, quotes)
    for q in quotes:
        q.facts.pop("shares_with", None)
        q.facts.pop("cited_work", None)


# What may join two cuts sharing the citation after the second: '"; that "', an ellipsis ('"... for "'), or a
# few words of the writer's own in the same sentence ('," just as we must "', '", at the same time, the functions
# of government "').
SHARED_LINK = re.compile(r"[\s,;]*(?:(?:\.\s*){3,4})?(?:[a-z][\w'-]*,?\s+){0,8}\s*")

# The work a lead-in names as the source among others it mentions: "the following passage in The Tax in Kind".
PASSAGE_IN = re.compile(r"\b(?:passage|words|lines|statement)\s+(?:in|from)\s+(?:(?:his|the|Lenin's)\s+)?"
                        r"(?:(?:pamphlet|article|book|speech|report)\s+)?$")
# A parenthesis after a quotation that opens with its author's name and closes with its page, whatever lies between.
LONG_CITATION = re.compile(rf"^\(\s*(?:[Ss]ee\s+)?[A-Z][\w'\u2019-]+(?:[ \t][A-Z][\w'\u2019-]+)?,[^()]*,"
                           rf"\s*{PAGES}\.?\s*\)$")
# A reference that follows a quotation to the end of its line and closes with the page: '"..." Smith's History of
# the Mills, London: Vale Press 1931, p.270.'
TRAILING_REFERENCE = re.compile(rf"[ \t]*(?P<ref>[A-Z][^\n]{{0,300}}?,\s*{PAGES}\.?)[ \t]*(?:\n|$)")
# A clause after a quotation naming the work it comes from: '"...," as expressed in the Manifesto', '"..." as he put
# it in his pamphlet The Crisis'.
TRAILING_SOURCE = re.compile(r"[\s,;]*as\s+(?:\w+\s+){0,2}?(?:expressed|stated|said|put|written|declared|formulated|"
                             r"proclaimed)\s+(?:it\s+)?in\s+(?:(?:the|his|her|its)\s+)?(?:(?:book|pamphlet|article|"
                             r"essay|speech|report|letter)\s+)?")
# The work a lead-in introduces by its title: "In an article entitled From the Front (Die Zeit, p. 7) he wrote:".
ENTITLED = re.compile(r"\b(?:entitled|titled)\s+$")
# A lead-in that points back to a work named before it: "There it is stated:", "It runs as follows:",
# "Here is what is stated in that pamphlet:", "the pamphlet states:", "The [CRC] document says:".
REFERS_BACK = re.compile(
    r"\b(?:[Tt]his|[Tt]hat|[Tt]he|[Tt]hese|same)\s+(?:\[?[A-Z][A-Z.]+\]?\s+)?"
    r"(?P<noun>pamphlet|book|article|work|speech|report|resolution|letter|document|theses|thesis|passage|formulation)\b"
    r"|\b(?:[Tt]here|[Ii]t|[Ii]n it|[Tt]herein)\s+(?:it\s+)?(?:is|was)\s+(?:stated|said|written|declared)\b"
    r"|\b(?:[Ii]t|[Tt]here)\s+(?:runs|reads|says|states|stated)\b")
# The writer quoting himself: "in my pamphlet X", "I said", "I wrote" (OCR's "|" for I is repaired before).
OWN_WORDS = re.compile(r"\b[Mm]y\s+(?:pamphlet|book|article|report|speech|letter|theses|thesis|work|formulation)s?\b"
                       r"|\bI\s+(?:said|wrote|stated|declared|argued|put it)\b")
OWN_WORK_BEFORE = re.compile(r"\b[Mm]y\s+(?:pamphlet|book|article|report|speech|letter|theses|thesis|work)s?\s*$")
# How far back a lead-in's "that pamphlet" may reach for the work it means.
REFERS_BACK_REACH = 1500


def work_named_before(text: str, at: int, work_spans, quoted, noun: str | None = None
                      ) -> tuple[int, Mention] | None:
    """The work a lead-in's "the document" means, and where it is named: the last one the text introduced with that
    noun ('the document "On Proletarian Democracy"'), however far back; else the last work named outside quotations
    in the REFERS_BACK_REACH characters before `at`."""
    if noun:
        introduced = re.compile(rf"\b{noun}s?\W{{0,3}}$", re.I)
        named = [(s, m) for s, e, m in work_spans if e <= at and introduced.search(text[max(0, s - 20):s])
                 and not any(a < e and s < b and e - s < 0.7 * (b - a) for a, b in quoted)]
        if named:
            return max(named, key=lambda x: x[0])
    named = [(s, m) for s, e, m in work_spans if at - REFERS_BACK_REACH <= s and e <= at
             and not any(a < e and s < b and e - s < 0.7 * (b - a) for a, b in quoted)]  # a quoted title counts
    return max(named, key=lambda x: x[0]) if named else None


# Between two cuts from one source: an ellipsis, perhaps a connective ('." . . . "Anyone who', '". . . for "under').
ELLIPSIS_LINK = re.compile(r"\s*(?:\.\s*){3,4}\s*(?:for|and|but|or)?\s*", re.I)


def linked_cuts(text: str, a: Quote, b: Quote) -> bool:
    """Whether quotation b is cut from the same source as a, the one before it: joined to it by an ellipsis, or in
    the same sentence ('deciding that "..."; that one of the conditions is "..."; that "..." (see X)')."""
    between = text[a.end + 1:b.start - 1]
    if ELLIPSIS_LINK.fullmatch(between):
        return True
    return ("\n\n" not in between and not SENTENCE_END.search(text, a.end - 1, b.start) and len(between) < 300
            and not CITED_SENTENCE_END.search(text, a.end - 1, b.start))


# A sentence ending before the parenthesis that cites it: '... the communist party." (par. 5.7) Here is ...'.
CITED_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s*\([^()\n]{1,80}\)\s+(?=[A-Z])")


def share_works(text: str, quotes: list[Quote]) -> None:
    """The work a citation names after the last of a series of cuts from one source (see linked_cuts) is every
    cut's; a work known for a cut passes on to the cuts that continue it (an ellipsis, a numbered run)."""
    for a, b in reversed(list(zip(quotes, quotes[1:], strict=False))):
        if b.facts.get("cited_work") and not a.facts.get("work") and a.facts.get("volume") is None \
                and linked_cuts(text, a, b):
            a.facts["work"] = b.facts["work"]
            a.facts["cited_work"] = True
    for a, b in zip(quotes, quotes[1:], strict=False):
        if a.facts.get("work") and not b.facts.get("work") and b.facts.get("volume") is None \
                and (b.speaker is None or b.speaker.key == (a.speaker.key if a.speaker else None)) \
                and (linked_cuts(text, a, b) or continues_run(text, a, b)):
            b.facts["work"] = a.facts["work"]


# A lead-in naming the speaker's own work without its title: "as Bob Avakian wrote in his article".
OWNED_WORK = re.compile(r"\b(?:his|her)\s+(?:article|essay|book|pamphlet|speech|report)\s*$")


def headed_work(work_spans, author: str) -> str | None:
    """The work a text's heading says it is taken from ("From "Democracy: ..."" over "by Bob Avakian"), when the
    heading names `author` as the writer: what "his article" means when no title follows."""
    headings = [m for _s, _e, m in work_spans if m.rule.startswith("work:heading")]
    if not any(m.attr("author") == author for m in headings):
        return None
    source = [m for m in headings if m.rule == "work:heading:from"]
    return (source or [m for m in headings if m.attr("author") == author])[0].key


# The author line after a title in a review's or a list's heading: "The Title\n By J. Smith." (a byline).
BYLINE = re.compile(r"\W{0,4}\s*[Bb]y\s+(?P<name>(?:[A-Z][\w.'-]*\s+){0,3}[A-Z][\w'-]+)")


def authored_work(text: str, work_spans, author: Mention) -> str | None:
    """The one work the text names as `author`'s: its title holds his surname ("John Smith: An Autobiography") or a
    byline follows it ("The Struggle, by J. Smith"). What a bare page citation of his words ("(Smith, p.86.)",
    "(p.260)") cites in a text that reviews or discusses his book."""
    surname = re.sub(r"['’]s$", "", author.text.split()[-1]) if author.text.split() else ""
    if len(surname) < 3:
        return None
    own = re.compile(rf"\b{re.escape(surname)}\b")
    keys = set()
    for _s, e, m in work_spans:
        byline = BYLINE.match(text, e)
        if own.search(m.text) or (byline and own.search(byline.group("name"))):
            keys.add(m.key)
    return keys.pop() if len(keys) == 1 else None


def volume_before(text: str, at: int) -> int | None:
    """The volume of the last citation before `at`, whether or not a quotation took it ("ibid." refers to it)."""
    volumes = [m.group("vol") for m in CITATION.finditer(text, 0, at) if m.group("vol")]
    return volume_number(volumes[-1]) if volumes else None


def speaker_after(text: str, q: Quote, person_spans, work_spans, work: str | None) -> tuple[Mention | None, str | None]:
    """The person an attribution after the closing quote names ('," says Marx in his letter', '"--Bob Avakian'),
    and the work its clause names ('in a preface to the Communist Manifesto') when none is known yet."""
    m = TRAILING.match(text, q.end + 1)
    if m is None or m.end() - q.end > 12 or PARAGRAPH_BREAK.search(text, q.end + 1, m.end()):
        return None, work  # a dash opening the next paragraph is a list item's, not an attribution's
    speaker = next((p for s, e, p in person_spans if s == m.end()), None)
    if speaker is not None and work is None:
        clause_end = SENTENCE_END.search(text, m.end(), m.end() + 200)
        hi = clause_end.start() if clause_end else m.end() + 200
        work = next((w.key for s, e, w in work_spans if m.end() <= s and e <= hi), None)
    return speaker, work


def lead_region(text: str, q: Quote, earlier: list[Quote]) -> tuple[int, int]:
    """The words that introduce a quotation: its sentence before it; if it opens its paragraph, the last sentence of
    the paragraph before when that one ends with a colon ("Here is what Lenin says on this subject:")."""
    para = paragraph_start(text, q.start)
    floor = max([para] + [p.end + 1 for p in earlier if para <= p.end < q.start])
    lo = sentence_start(text, q.start - 1, floor)
    if LIST_MARK.sub("", strip_marks(text[lo:q.start - 1])).strip(" \t\n\"'") or para < floor:
        return lo, q.start - 1
    prev_end = text.rfind("\n\n", 0, para)
    prev_end = para if prev_end < 0 else prev_end
    line_start = text.rfind("\n", 0, q.start - 1) + 1
    region_end = min(para, line_start) if line_start > para else para
    tail = strip_marks(text[:region_end].rstrip())
    last = text[sentence_start(text, region_end - 1, paragraph_start(text, region_end - 1)):region_end]
    if tail.endswith(":") or FOLLOWING.search(last) or tail.endswith(",") and SPEECH_VERB.search(last):
        start = sentence_start(text, region_end - 1, paragraph_start(text, region_end - 1))
        before = len(text[:start].rstrip())
        if len(text[start:region_end].split()) <= 3 and before:  # a bare "Listen:": the sentence before says who
            start = sentence_start(text, before - 1, paragraph_start(text, before))
        return start, region_end
    return q.start - 1, q.start - 1


# A question announcing the quotation below it: "Are not, for example, the following words of Lenin correct?"
FOLLOWING = re.compile(r"\b(?:the\s+)?following\s+(?:words|passage|statement|lines|thesis|quotation)\b"
                       r"|\b[Ll]et us (?:now\s+)?turn to\b")
# A list item's number before a quotation that opens it: '1) "The peasantry ...'.
LIST_MARK = re.compile(r"^\s*(?:\d{1,2}|[a-z])\)\s*$")


TALK_REACH = 1200


# A work the text is discussing as someone's: "In the Declaration Lenin poses ...", "the questions he answered in
# Where To Begin". How far back such a framing reaches for the quotations that follow it.
IN_WORK = re.compile(r"\b[Ii]n\s+(?:the\s+|his\s+|her\s+)?$")
DISCUSSED_REACH = 1500


def discussed_work(text: str, at: int, work_spans, person_spans, quoted, speaker: Mention) -> str | None:
    """The last work named "in <work>" before `at` (within DISCUSSED_REACH, outside quotations) in a sentence that
    names the speaker or speaks of "he"/"she": a quotation of his with no other source is from the work under
    discussion. None when that work is another author's."""
    framed = [(s, e, m) for s, e, m in work_spans if at - DISCUSSED_REACH <= s and e <= at
              and not in_any(quoted, s, e) and IN_WORK.search(text[max(0, s - 12):s])]
    if not framed:
        return None
    s, e, m = max(framed, key=lambda x: x[0])
    lo = sentence_start(text, s, paragraph_start(text, s))
    end = SENTENCE_END.search(text, e)
    hi = end.start() if end else len(text)
    names_him = any(p.key == speaker.key for ps, pe, p in person_spans if lo <= ps and pe <= hi)
    if m.attr("author") not in (None, speaker.key) or not (names_him or re.search(r"\b(?:[Hh]e|[Ss]he)\b",
                                                                                    text[lo:hi])):
        return None
    return m.key


def continues_talk(text: str, previous: Quote, q: Quote, person_spans) -> bool:
    """Whether q, a little after the previous quotation, goes on quoting its speaker: no person is named between
    them, nor in the sentence that leads to q, and no new section begins."""
    gap = text[previous.end:q.start]
    return (0 <= len(gap) <= TALK_REACH and not in_any([(s, e) for s, e, _ in person_spans], previous.end, q.start)
            and "\n\n\n" not in gap)


def continues_run(text: str, previous: Quote, q: Quote) -> bool:
    """Whether q continues a run of quotations from one speaker: nothing but citations, footnotes and connectives
    ("And further:") lies between the previous quotation and this one."""
    between = text[previous.end + 1:q.start - 1]
    between = CITATION.sub(" ", between)
    between = re.sub(r"\[[^\]\n]{0,3}\][^\n]*", " ", between)
    between = re.sub(r'(?m)^\s*\d{1,3}\][^\n]*$', " ", between)
    words = re.findall(r"[A-Za-z]+", between)
    if len(words) <= 3:
        return True
    return (len(" ".join(words)) <= 60 and not SENTENCE_END.search(between) and "\n\n" not in between
            and not CITED_SENTENCE_END.search(text, previous.end - 1, q.start))


def contains(longer: str, shorter: str) -> bool:
    """Whether a passage re-quotes a fragment of an earlier one."""
    a, b = " ".join(fold_words(longer)), " ".join(fold_words(shorter))
    return len(b) < len(a) and b in a
