"""Finding known names in text: one compiled alternation per set of names, longest names first."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# A name may be followed by a possessive, which is not part of the name.
NAME_END = r"(?![\w-])"


def name_regex(name: str, any_quotes: bool = False) -> str:
    """The regex of one name: any run of whitespace between words; quotes interchangeable if any_quotes."""
    body = re.escape(name).replace(r"\ ", r"\s+")
    return re.sub(r"[\"']", "[\"']", body) if any_quotes else body


def compile_names(names: Iterable[str], ignore_case: bool = False, any_quotes: bool = False) -> re.Pattern | None:
    """One regex matching any of the names as whole words (longest first, so 'V. I. Lenin' beats 'Lenin').

    any_quotes: single and double quotes match each other (titles are quoted either way: 'Left-Wing')."""
    unique = sorted({n for n in names if n.strip()}, key=lambda n: (-len(n), n))
    if not unique:
        return None
    body = "|".join(name_regex(n, any_quotes) for n in unique)
    return re.compile(rf"(?<![\w-])(?:{body}){NAME_END}", re.I if ignore_case else 0)


def find_names(pattern: re.Pattern | None, text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, surface) of every match of a compiled name pattern."""
    if pattern is None:
        return
    for m in pattern.finditer(text):
        yield m.start(), m.end(), m.group(0)


def fold(surface: str) -> str:
    """Whitespace folded: the form a name is looked up by."""
    return " ".join(surface.split())


def fold_quotes(surface: str) -> str:
    """Whitespace folded and every quote made a single quote: the form a title is looked up by."""
    return fold(surface).replace('"', "'")
