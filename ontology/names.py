"""Name keys and spelling variants, shared by the extractor's resolution and the reconciliation service."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Older transliterations of Russian surnames: Krasnoff is Krasnov, Avksentieff is Avksentiev.
TRANSLITERATIONS = [(re.compile(r"off$"), "ov"), (re.compile(r"eff$"), "ev"), (re.compile(r"ov$"), "off"),
                    (re.compile(r"ev$"), "eff")]
# A surname with a capital after its prefix ('McLellan', 'MacDonald', 'DeLeon').
INNER_CAPITAL = re.compile(r"\b((?:Ma?c|De)(?=[A-Z][a-z]))([A-Z])")


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """A spelling-insensitive key for comparing names and titles."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def transliterations(name: str) -> set[str]:
    """The other spellings of a name ending in a Russian surname: 'Krasnov' <-> 'Krasnoff'; and a surname with a
    capital inside ('McLellan', 'MacDonald') also as writers often case it ('Mclellan', 'Macdonald')."""
    forms = {pattern.sub(repl, name) for pattern, repl in TRANSLITERATIONS if pattern.search(name)}
    inner = INNER_CAPITAL.sub(lambda m: m.group(1) + m.group(2).lower(), name)
    return forms | ({inner} if inner != name else set())


def one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by exactly one substituted, inserted or deleted letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


# Endings a surname is written with in other transliteration systems: Kautsky, Kautski; Trotsky, Trotskii.
SURNAME_ENDINGS = [(re.compile(r"sky$"), ("ski", "skii", "skiy")), (re.compile(r"(?:ski|skii|skiy)$"), ("sky",)),
                   (re.compile(r"iev$"), ("yev", "ev")), (re.compile(r"yev$"), ("iev", "ev"))]


def spellings(name: str) -> set[str]:
    """A written name's other spellings: its transliterations and the other endings of its surname."""
    forms = {name} | transliterations(name)
    for form in list(forms):
        for pattern, endings in SURNAME_ENDINGS:
            if pattern.search(form):
                forms |= {pattern.sub(ending, form) for ending in endings}
    return forms - {name}
