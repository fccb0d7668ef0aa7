"""Content negotiation: the Accept header parsed with q-values, and the best of the offered media types."""
from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """[(media range, q)] in order of preference; an absent header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    out = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media, q, index))
    return [(m, q) for m, q, _ in sorted(out, key=lambda x: (-x[1], x[2]))]


def matches(media_range: str, offered: str) -> int:
    """How specifically a media range matches an offered type: 3 exact, 2 type/*, 1 */*, 0 not at all."""
    if media_range == offered:
        return 3
    kind, _, _ = offered.partition("/")
    if media_range == f"{kind}/*":
        return 2
    return 1 if media_range == "*/*" else 0


def best_match(header: str | None, offered: list[str]) -> str | None:
    """The offered type the client prefers most (server order breaks ties), or None if none is acceptable."""
    ranges = parse_accept(header)
    best, best_key = None, None
    for position, media in enumerate(offered):
        # The quality of an offered type is given by the most specific range that matches it.
        specific = [(matches(r, media), q) for r, q in ranges if matches(r, media)]
        if not specific:
            continue
        q = max(specific)[1]
        if q <= 0:
            continue
        key = (q, -position)
        if best_key is None or key > best_key:
            best, best_key = media, key
    return best
