"""Persons: names of curated records, and persons no record knows found from the genre's cues."""
from __future__ import annotations

import re
from functools import lru_cache

from kgpub.extract.citations import cited_titles
from kgpub.extract.corpus import Document
from kgpub.extract.gazetteer import compile_names, find_names, fold
from kgpub.extract.lexicon import common_words
from kgpub.extract.markup import author_heading, credited_names, emphasised_titles
from kgpub.extract.model import Mention, mention
from kgpub.extract.registry import Registry, slugify
from kgpub.extract.structure import header_fields
from kgpub.ontology.names import TRANSLITERATIONS, one_edit, transliterations

CAP = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
# "St" is not a surname; "McLellan", "Grün" and "Überweg" are.
SURNAME = r"(?:Mac|Mc|O')?[A-Z\u00c0-\u00d6\u00d8-\u00de][a-z\u00df-\u00f6\u00f8-\u00ff]{2,}(?:-[A-Z][a-z]+)?"
INITIALS = r"(?:[A-Z]\.[ \t]?){1,3}"  # initials never run across a line break ("B.\nProofreader")
NAME = rf"(?:{INITIALS})?(?:{CAP}[ \t])?{SURNAME}"
ONE_NAME = rf"(?:{INITIALS})?{SURNAME}"
VERBS = (r"says|said|writes|wrote|thinks|thought|declares|declared|asserts|asserted|maintains|argues|argued|"
         r"believes|holds|claims|claimed|states|stated|insists|insisted|admits|admitted|explains|explained|"
         r"replies|replied|spoke|objects|objected|proposes|proposed|expresses|expressed|affirms|affirmed|"
         r"quotes|quoted|speaks|describes|described|remarks|remarked|observes|observed|answers|answered|"
         r"notes|noted|concludes|concluded|emphasises|emphasizes|emphasised|emphasized|stresses|stressed|analyses|analyzes")
ASIDE = r"(?:,\s+(?:for example|for instance|too|however|in particular|of course|in his turn|again),?)"
TITLES = r"(?:Comrades?|Generals?|Admirals?|Colonels?|Professors?|Citizens?|Messrs\.?|Mr\.|Mrs\.|Dr\.)"
LIST_OF_NAMES = rf"{NAME}(?:,[ \t]+{NAME})*(?:,?[ \t]+and[ \t]+{NAME})?"
# What a person has and a country or a party has not: "Nehru's book", "Gandhi's words", "Bose's autobiography".
POSSESSED = (r"book|books|pamphlet|article|articles|essay|speech|speeches|letter|letters|words|remarks|reply|"
             r"memoirs|autobiography|biography|diary|wife|widow|son|daughter|father|mother|brother|death|"
             r"writings|theory|teaching|teachings|doctrine|ideas|thesis|theses|lecture|lectures|preface")
# Cues of the genre that introduce a person no record knows; group "name" is the person (or a list of them).
DISCOVERY_CUES: list[tuple[str, str]] = [
    ("title", rf"\b{TITLES}[ \t]+(?P<name>{LIST_OF_NAMES})"),
    ("initials", rf"(?<![\w.])(?P<name>{INITIALS}(?:{CAP}[ \t])?{SURNAME})\b"),
    ("says", rf"\b(?:{VERBS})[ \t]+(?P<name>{NAME})\b(?!['\w-])"),
    ("name-says", rf"(?P<name>{NAME}){ASIDE}?[ \t]+(?:[a-z]+ly[ \t]+)?(?:{VERBS})\b"),
    ("and-co", rf"(?P<name>{NAME})[ \t]+(?:and|&)[ \t]+Co\."),
    ("words-of", rf"\b[Ii]n[ \t]+the[ \t]+words[ \t]+of[ \t]+(?P<name>{NAME})\b(?!['\w-])"),
    ("put-it", rf"\bas[ \t]+(?P<name>{NAME})[ \t]+(?:has[ \t]+|had[ \t]+)?put[ \t]+it\b"),
    ("possessive", rf"(?<![\w.'-])(?P<name>{NAME})'s[ \t]+(?:own[ \t]+|famous[ \t]+|last[ \t]+|first[ \t]+)?"
                   rf"(?:{POSSESSED})\b"),
    ("like", rf"\b(?:people|men|leaders|gentlemen|figures|renegades|heroes|philosophers|scientists|thinkers|writers|"
             rf"historians|theorists|revolutionaries)[ \t]+(?:like|such[ \t]+as)[ \t]+"
             rf"(?P<name>{LIST_OF_NAMES}(?:,[ \t]+{LIST_OF_NAMES})*)"),
]
# Cues that name a person whatever the words of the name: a personal title, initials, an author's heading, credits.
STRONG_CUES = {"title-personal", "html:author-heading", "html:credit"}
PERSONAL_TITLE = re.compile(r"(?:Comrades?|Citizens?|Professors?)\b|(?:Messrs|Mrs|Mr|Dr)\.")
SECTION_NUMBER = re.compile(r"(?:[IVX]{1,4}|[A-H])\.[ \t]")
# A given name (perhaps a middle initial, a particle) and a surname, no third capitalised word after them.
LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
FULL_NAME = re.compile(rf"(?<![\w.'\u2019-])(?P<name>[A-Z][{LOWER}]+(?:[ \t]+[A-Z]\.)?[ \t]+"
                       rf"(?:(?:von|van|de|du)[ \t]+)?[A-Z\u00c0-\u00de][{LOWER}]+(?:-[A-Z][{LOWER}]+)?)"
                       r"(?![\w'\u2019-])(?![ \t]+[A-Z][a-z])(?![ \t]+of[ \t]+[A-Z])")
NATIONALITY_ENDINGS = ("ian", "ish", "ese", "ean", "ic", "an")
# The shape of a Russian surname, common in the genre: Kutuzov, Yakovlev, Tomsky, Krasnoff, Ostrovsky.
RUSSIAN_SURNAME = re.compile(r"(?<![\w.'-])(?P<name>[A-Z][a-z]{2,}(?:ov|ev|yov|off|eff|sky|skii|skiy|enko|vich))"
                             r"(?![\w-])(?![ \t]+[A-Z])")
# Places of the genre with a surname's shape.
PLACES = {"Kiev", "Kieff", "Kharkov", "Kharkoff", "Rostov", "Kishinev", "Lvov", "Pskov", "Tambov", "Orekhov",
          "Yaroslavl", "Saratov", "Azov", "Chernigov", "Sebastopol", "Borisov", "Tiflis", "Sevastopol"}
CREDIT_FIELDS = {"transcription", "transcribed", "html markup", "markup", "proofreader", "proofread",
                 "proofreading", "translated", "translation", "translator", "editor", "edited"}
# Words that begin with a capital but are never a person's name in this genre.
NOT_NAMES = {"The", "This", "That", "These", "Those", "Party", "Soviet", "Soviets", "Communist", "Congress",
             "State", "Revolution", "Lenin", "Marxism", "Leninism", "Communism", "Socialism", "Bolshevik",
             "Bolsheviks", "Menshevik", "Mensheviks", "Central", "Committee", "Vol", "Ibid", "See", "Comrade",
             "Comrades", "In", "It", "He", "She", "We", "They", "And", "But", "For", "Here", "There", "Who",
             "What", "Which", "Why", "How", "When", "Where", "One", "Each", "Everyone", "Nobody", "Somebody",
             "Someone", "Everybody", "All", "Some", "Many", "Such", "History", "Marx", "Engels", "Pravda",
             "Izvestia", "Resolution", "Programme", "Program", "Manifesto", "Report", "Theses", "Opposition",
             "Government", "Council", "Commune", "International", "Comintern", "Proletariat", "Bourgeoisie",
             "Capital", "Labour", "Labor", "Socialist", "Socialists", "Democrat", "Democrats", "Russia",
             "Russian", "Russians", "Germany", "German", "Germans", "France", "French", "England", "English",
             "Britain", "British", "America", "American", "Americans", "China", "Chinese", "Europe", "European",
             "Moscow", "Petrograd", "Leningrad", "Paris", "London", "Berlin", "Tsar", "Tsarism", "Kremlin",
             "Chairman", "President", "Secretary", "Editor", "Note", "Source", "Thus", "Hence", "Therefore",
             "Yet", "Nor", "Or", "If", "Then", "So", "Now", "Also", "Again", "Once", "Lastly", "Firstly",
             "Secondly", "Thirdly", "Finally", "Trotskyism", "Trotskyist", "Trotskyists", "Stalinism",
             "Marxist", "Marxists", "Leninist", "Leninists", "Maoism", "Maoist", "God", "Christ", "Bible",
             "Red", "White", "Army", "Guard", "Cheka", "Whites", "Reds", "Staff", "General", "Admiral",
             # parties and currents named like people
             "Cadets", "Kadets", "Octobrists", "Narodniks", "Trudoviks", "Anarchists", "Communards", "Jacobins",
             "Girondists", "Liberals", "Conservatives", "Whigs", "Tories", "Populists", "Chartists"}
# Words of header lines ("Source:", "HTML Markup:", "Proofreader:") are not names either.
NOT_NAMES |= {"Source", "Published", "Written", "Online", "Version", "Transcription", "Transcribed", "Markup",
              "Proofread", "Proofreader", "Proofreading", "Translated", "Translation", "Translator", "Copyleft",
              "Public", "Domain", "Delivered", "Edited", "First", "Html", "Reading", "Time"}
PERSON_NAME = re.compile(rf"^(?:{INITIALS})?(?:{CAP}\s)*{SURNAME}(?:\s[A-Z]\.?)?\.?$")
# A ruler's surname naming his dynasty, not him: "the Romanov house", "the Hohenzollern monarchy".
DYNASTY = re.compile(r"s?[ \t]+(?:house|dynasty|family|monarchy)\b")


@lru_cache(maxsize=8)
def _known_pattern(registry_id: int, names: tuple[str, ...]) -> re.Pattern | None:
    return compile_names(names)


def known_names(registry: Registry) -> dict[str, str]:
    """Every name and variant of a person record (and its other transliterations) -> the record's id."""
    names: dict[str, str] = {}
    for record in registry.of_kind("person"):
        for name in record.all_names:
            for form in transliterations(name):
                names.setdefault(fold(form), record.id)
    for record in registry.of_kind("person"):
        for name in record.all_names:
            names[fold(name)] = record.id
    return names


def not_a_person(registry: Registry) -> set[str]:
    """Names of curated works and organisations: a cue before them does not make them persons."""
    return {fold(n) for kind in ("work", "organization") for r in registry.of_kind(kind) for n in r.all_names}


def find_known(text: str, registry: Registry) -> list[tuple[int, int, str, str, str]]:
    """(start, end, surface, record id, rule) for every curated person name in the text."""
    names = known_names(registry)
    pattern = _known_pattern(id(registry), tuple(sorted(names)))
    return [(s, e, surface, names[fold(surface)], "person:record")
            for s, e, surface in find_names(pattern, text) if fold(surface) in names and not DYNASTY.match(text, e)]


def canonical_surname(name: str) -> str:
    """The surname of a name, older transliterations made modern ('General Krasnoff' -> 'Krasnov')."""
    surname = name.split()[-1].rstrip(".")
    for pattern, repl in TRANSLITERATIONS[:2]:
        surname = pattern.sub(repl, surname)
    return surname


def discovered_key(name: str) -> str:
    """The key of a person no record knows: the slug of the surname, so 'Comrade Tanner' and 'Tanner' meet."""
    return slugify(canonical_surname(name))


def near_record(name: str, registry: Registry) -> str | None:
    """The record whose surname a found name misspells by one letter ("Kamenec" for "Kamenev"), if just one."""
    surname = name.split()[-1]
    if len(surname) < 6:
        return None
    hits = {record.id for record in registry.of_kind("person") for variant in record.all_names
            if len(variant.split()) == 1 and one_edit(surname, variant)}
    return hits.pop() if len(hits) == 1 else None


def plausible(name: str, blocked: set[str]) -> bool:
    """Whether a capitalised phrase can be a person's name (no function word, nation, party or title)."""
    words = [part for w in name.split() for part in w.rstrip(".").split("-")]  # "Social-Democrats": a party
    return (name not in blocked and not any(w in NOT_NAMES or w.endswith("ism") for w in words)
            and not any(w.isupper() and len(w) > 1 for w in words))


def names_in(span: str, offset: int, shape: str = NAME) -> list[tuple[int, int, str]]:
    """The names of a list ("Denikin, Markoff, Erdeli"), each with its start and end."""
    return [(offset + m.start(), offset + m.end(), m.group(0)) for m in re.finditer(shape, span)]


def find_discovered(text: str, known: list[tuple[int, int, str, str, str]], registry: Registry,
                    marked: list[tuple[int, int, str, str]] = (), titles: set[str] = frozenset()
                    ) -> list[tuple[int, int, str, str, str]]:
    """Persons no record knows, from the page's markup (`marked`: start, end, name, rule) and the genre's cues,
    and then every later bare mention of their surname."""
    taken = [(s, e) for s, e, *_ in known]
    blocked = not_a_person(registry) | titles  # a title the page sets in italics names a work, not a person
    titles_marked = titles
    titles = cited_titles(text)
    found: dict[str, str] = {}
    out = []
    common = lowercase_words(text) | common_words()

    def add(s: int, e: int, name: str, rule: str) -> None:
        while name.split()[0] in NOT_NAMES and len(name.split()) > 1:  # "Thus Sorin says": Sorin
            first = name.split()[0]
            s, name = s + text[s:e].index(first) + len(first), name[len(first):].strip()
            s += len(text[s:e]) - len(text[s:e].lstrip())
        if not plausible(name, blocked) or any(a < e and s < b for a, b in taken):
            return
        if rule not in STRONG_CUES and common_words_only(name, common):
            return  # "General Strike", "Capitalist Press says": words the text itself writes in lower case
        key = near_record(name, registry) or "new:" + discovered_key(name)
        if rule == "html:credit":
            key = "new:" + slugify(name)
        found.setdefault(key, name)
        taken.append((s, e))
        out.append((s, e, name, key, f"person:{rule}" if rule.startswith("html:") else f"person:cue:{rule}"))

    for s, e, name, rule in marked:
        add(s, e, name, rule)
    for rule, cue in DISCOVERY_CUES:
        for m in re.finditer(cue, text):
            if rule == "title" and PERSONAL_TITLE.match(m.group(0)):
                rule = "title-personal"
            elif rule == "initials" and SECTION_NUMBER.match(text, m.start("name")) and line_start(text, m.start()):
                continue  # "I. Natural Conditions": a section's number, not an initial
            for s, e, name in names_in(m.group("name"), m.start("name")):
                add(s, e, fold(name), rule)
            rule = "title" if rule == "title-personal" else rule
    for m in FULL_NAME.finditer(text):
        # a given name and a surname, neither a word the genre writes in lower case: "Franz Mehring", "Leo Jogiches"
        name = m.group("name")
        words = [w for w in re.findall(r"[A-Z\u00c0-\u00de][\w'-]+", name) if len(w) > 1]
        if (not after_capital(text, m.start()) and not any(w.lower() in common or w in NOT_NAMES or w in PLACES
                                                            for w in words)
                and not words[0].endswith(NATIONALITY_ENDINGS) and not any(name in t for t in titles_marked)):
            add(m.start(), m.end(), name, "full-name")
    for m in re.finditer(rf"(?<![\w.'])(?:{ONE_NAME})(?:(?:,|,?[ \t]+and)[ \t]+(?:the[ \t]+[A-Z]\w+[ \t]+)?"
                         rf"{ONE_NAME})+(?!['\w-])", text):
        # an enumeration of single names, one of them a known person's, names persons: "Avksentieff, Gotz, Zenzinoff"
        # a citation's author and its title's first word are no enumeration: "Lenin, Notes for a Speech ..."
        members = [(s, e, n) for s, e, n in names_in(m.group(0), m.start(), ONE_NAME)
                   if not text[s - 4:s].endswith(("the ", "The ")) and not any(a <= s < b for a, b in titles)]
        exact = {(s, e) for s, e, *_ in known}
        if any((s, e) in exact for s, e, _ in members) and not any(
                sentence_initial(text, s) or after_capital(text, s) or not plausible(n, blocked)
                for s, e, n in members if (s, e) not in exact):
            for s, e, name in members:
                add(s, e, fold(name), "list")
    for m in RUSSIAN_SURNAME.finditer(text):
        if m.group("name") not in PLACES and not sentence_initial(text, m.start()) and not DYNASTY.match(text, m.end()):
            add(m.start(), m.end(), m.group("name"), "surname-shape")
    surnames = {form: key for key, name in found.items() if len(name.split()[-1]) > 2
                for form in {name.split()[-1], *transliterations(name.split()[-1])}}
    pattern = compile_names(surnames)
    for s, e, surface in find_names(pattern, text):
        if not any(a < e and s < b for a, b in taken):
            taken.append((s, e))
            out.append((s, e, surface, surnames[surface], "person:surname-of-discovered"))
    return out


def lowercase_words(text: str) -> set[str]:
    """The words a text writes in lower case."""
    return set(re.findall(r"(?<![\w'-])[a-z][a-z'-]+", text))


def common_words_only(name: str, common: set[str]) -> bool:
    """Whether every word of a name (initials aside) is a word the text writes in lower case."""
    words = [w for w in re.findall(r"[A-Za-z\u00c0-\u00ff][\w'-]*", name) if len(w) > 1]
    return bool(words) and all(w.lower() in common for w in words)


def line_start(text: str, at: int) -> bool:
    return not text[text.rfind("\n", 0, at) + 1:at].strip()


def sentence_initial(text: str, at: int) -> bool:
    """Whether a word starts a sentence or a line (where any word has a capital)."""
    before = text[max(0, at - 6):at]
    return at == 0 or bool(re.search(r"(?:[.!?:]['\"]?\s+|\n\s*|^\s*)['\"(\[]?$", before))


def after_capital(text: str, at: int) -> bool:
    """Whether a word follows a capitalised word ("Political Bureau"): part of a longer name, not a list."""
    return bool(re.search(r"[A-Z][\w.-]*[ \t]+$", text[max(0, at - 30):at]))


def credited_persons(text: str) -> list[tuple[int, int, str, str, str]]:
    """Persons named in credit header lines ("Transcription: Ted Crawford", "HTML Markup: Mike B.")."""
    out = []
    for field, value, start, _end in header_fields(text):
        if not any(part.strip().removesuffix(" by") in CREDIT_FIELDS for part in re.split(r"/|&|,|\band\b", field)):
            continue
        offset = start
        for part in re.split(r"\s*(?:,|\band\b|&)\s*", value):
            at = text.find(part, offset)
            if part and PERSON_NAME.match(part) and at >= 0:
                out.append((at, at + len(part), part, "new:" + slugify(part), f"person:credit:{field}"))
                offset = at + len(part)
    return out


def marked_titles(doc: Document) -> set[str]:
    """The titles an HTML page sets in italics or bold."""
    return {fold(s.text) for s in emphasised_titles(doc)}


def marked_persons(doc: Document) -> list[tuple[int, int, str, str]]:
    """(start, end, name, rule) in the repaired text of the persons an HTML page's markup names: its author's
    heading and the credits of its information block."""
    norm = doc.normalized
    found = [s for s in [author_heading(doc), *credited_names(doc)] if s is not None]
    return [(norm.from_raw(s.start), norm.from_raw(s.end), fold(s.text), s.rule) for s in found]


def extract_persons(doc: Document, registry: Registry, excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Person mentions of a document, in text order, mapped back to raw offsets."""
    norm = doc.normalized
    known = find_known(norm.text, registry)
    credits = credited_persons(norm.text)
    spans = known + [c for c in credits if not any(a < c[1] and c[0] < b for a, b, *_ in known)]
    spans += find_discovered(norm.text, spans, registry, marked_persons(doc), marked_titles(doc))
    out = []
    for s, e, surface, key, rule in sorted(spans):
        if any(a < e and s < b for a, b in excluded):
            continue
        raw_start, raw_end = norm.raw_span(s, e)
        out.append(mention("person", raw_start, raw_end, doc.text[raw_start:raw_end], key, rule, name=surface))
    return out
