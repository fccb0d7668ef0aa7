"""Scaled corpora for the build benchmark: the real texts repeated N times, each copy perturbed a little."""
from __future__ import annotations

import random
import re
from pathlib import Path

NUMBER = re.compile(r"\b(\d{1,4})(st|nd|rd|th)?\b")
NAME = re.compile(r"\b[A-Z][a-z]{4,}\b")
# Share of a copy's distinct capitalised words that are respelled, and of its numbers that are shifted:
# enough that each copy yields some entities, dates and citations of its own, few enough that the
# extractors still find what they find in the real texts.
NAME_RATE = 0.04
NUMBER_RATE = 0.3


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return str(n) + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def respell(word: str, rng: random.Random) -> str:
    """The word with one inner letter changed: a name that differs a little from the original."""
    i = rng.randrange(1, len(word) - 1)
    letters = "aeiou" if word[i] in "aeiou" else "bdklmnrstv"
    choices = [c for c in letters if c != word[i]]
    return word[:i] + rng.choice(choices) + word[i + 1:]


def perturb(text: str, copy: int, seed: int = 0) -> str:
    """Copy `copy` of a text: some names respelled and some numbers and ordinals shifted; copy 0 is the text."""
    if copy == 0:
        return text
    rng = random.Random(f"{seed}:{copy}")
    names = sorted(set(NAME.findall(text)))
    renamed = {w: respell(w, rng) for w in names if rng.random() < NAME_RATE}
    if renamed:
        text = re.sub(r"\b(" + "|".join(map(re.escape, renamed)) + r")\b", lambda m: renamed[m.group(1)], text)
    shift = 1 + copy % 9

    def renumber(m: re.Match) -> str:
        if rng.random() >= NUMBER_RATE:
            return m.group(0)
        n = int(m.group(1)) + shift
        return ordinal(n) if m.group(2) else str(n)

    return NUMBER.sub(renumber, text)


def scaled_corpus(source: Path, target: Path, factor: int, seed: int = 0) -> Path:
    """Write `factor` perturbed copies of every text of `source` into `target`; returns `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for copy in range(factor):
            name = path.name if copy == 0 else f"{path.stem}_x{copy:03d}.txt"
            (target / name).write_text(perturb(text, copy, seed), encoding="utf-8")
    return target


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.txt"))
