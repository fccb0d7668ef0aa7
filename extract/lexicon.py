"""Common words: the words the genre writes in lower case, so that a capitalised one is no name by itself.

The list (data/lexicon/common-words.txt) is made from the MIA sample: every word its pages write in lower case
at least MIN_COUNT times. It holds no names, only words a sentence uses as words; rebuild it with
`python -m extract.lexicon ../shared/corpora/mia-html.tar.xz`."""
from __future__ import annotations

import re
import sys
import tarfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "common-words.txt"
MIN_COUNT = 5
LOWER_WORD = re.compile(r"(?<![\w'-])[a-z][a-z'-]*[a-z]")
TAG = re.compile(r"<[^>]*>")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The genre's common words (empty if the list is missing)."""
    try:
        return frozenset(LEXICON.read_text(encoding="utf-8").split())
    except OSError:
        return frozenset()


def count_words(tarball: Path) -> Counter:
    """Lower-case words of every HTML page of a tarball, outside its tags."""
    from kgpub.extract.html import decode_html
    counts: Counter = Counter()
    with tarfile.open(tarball, "r:*") as archive:
        for member in archive:
            if member.isfile() and member.name.lower().endswith((".htm", ".html")):
                text, _, _ = decode_html(archive.extractfile(member).read())
                counts.update(LOWER_WORD.findall(TAG.sub(" ", text)))
    return counts


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    counts = count_words(Path(argv[0]))
    words = sorted(w for w, n in counts.items() if n >= MIN_COUNT)
    LEXICON.parent.mkdir(parents=True, exist_ok=True)
    LEXICON.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {LEXICON}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
