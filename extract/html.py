"""HTML pages as corpus texts: the page body as plain text, and the markup's evidence (titles, quotations, notes).

The text keeps the whole body (information block, headings, paragraphs, end notes) minus site navigation.
Blocks are separated by blank lines, a <br> is a line break, and whitespace inside a block is folded as a
browser folds it. A footnote mark linked to its note is written "[n]" where it stands and at the start of the
note, as printed editions and the project's plain texts write them, so the rules for notes apply unchanged.
Offsets of the evidence are code-point offsets into that text."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# The archive's navigation: links to the top, the next chapter, the index pages, the date of the last update.
NAVIGATION_CLASSES = {"toplink", "footer", "updat", "link", "next", "skip", "skipb", "linkback", "navigation",
                      "nav", "menu", "breadcrumb", "top"}
SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "nav", "form", "select", "button", "iframe",
                "object", "svg", "template"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "ul", "ol", "dl", "dt", "dd",
              "table", "tr", "td", "th", "pre", "hr", "center", "address", "section", "article", "header",
              "footer", "main", "aside", "figure", "figcaption", "caption", "body", "html", "tbody", "thead"}
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "param", "source",
             "track", "wbr"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
TITLE_TAGS = {"em", "i", "cite"}
STRONG_TAGS = {"strong", "b"}
QUOTE_CLASSES = {"quote", "quoteb", "quotet", "quotec", "quoter", "quotes", "blockquote", "quoted"}
INFO_CLASSES = {"information", "info"}
NOTE_CLASSES = {"endnote", "note", "notes", "footnote", "pagenote", "pagenoteb", "fn"}
# The text of a footnote mark: "1", "[1]", "(1)", "1.", "1)", "*", "[*]", "a".
MARK_TEXT = re.compile(r"^[\[(]?\s*(?P<mark>\d{1,3}|\*{1,3}|[a-z]|[\u2020\u2021\u00a7]{1,2})\s*[\])]?\.?$")
ANCHOR = re.compile(rb"""(?:\bid|\bname)\s*=\s*["']?([^"'\s>]+)""", re.I)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# As browsers do (and the WHATWG Encoding standard says), Latin-1 and ASCII labels mean windows-1252.
ALIASES = {"iso-8859-1": "windows-1252", "iso8859-1": "windows-1252", "latin1": "windows-1252",
           "latin-1": "windows-1252", "us-ascii": "windows-1252", "ascii": "windows-1252",
           "x-user-defined": "windows-1252", "utf8": "utf-8"}
SPACE = re.compile(r"[ \t\n\r\f\u200b\u00a0]+")


@dataclass(frozen=True)
class Evidence:
    """A span of the page's text and what the markup says it is."""

    kind: str            # "title" (em/i/cite), "strong", "quote", "heading", "info", "note", "mark"
    start: int
    end: int
    detail: str = ""     # the heading's level, the note's mark, the tag


@dataclass
class Page:
    """A page's text, the markup's evidence on it, and what its head says."""

    text: str
    evidence: list[Evidence] = field(default_factory=list)
    head_title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    bad_bytes: list[int] = field(default_factory=list)   # offsets of bytes that did not decode

    def spans(self, kind: str) -> list[tuple[int, int]]:
        return [(e.start, e.end) for e in self.evidence if e.kind == kind]


def declared_encoding(data: bytes) -> str | None:
    """The encoding the page declares: its byte-order mark, else the <meta> charset of its first 4 KB."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    m = META_CHARSET.search(data[:4096])
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").lower()
    label = ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str, list[int]]:
    """(text, encoding, offsets of undecodable bytes): the declared encoding, else UTF-8, else windows-1252.
    A byte that does not decode is replaced by U+FFFD and its offset returned."""
    encoding = declared_encoding(data)
    if encoding is None:
        try:
            return data.decode("utf-8"), "utf-8", []
        except UnicodeDecodeError:
            encoding = "cp1252"
    bad: list[int] = []

    def note(err: UnicodeDecodeError):
        bad.extend(range(err.start, err.end))
        return "\ufffd", err.end

    name = f"kgpub-note-{id(bad)}"
    codecs.register_error(name, note)
    text = data.decode(encoding, errors=name)
    for bom, _ in BOMS:
        if data.startswith(bom):
            text = text.lstrip("\ufeff")
    return text, encoding, bad


class _Renderer(HTMLParser):
    """One pass over the page: text out, evidence spans recorded."""

    def __init__(self, anchors: set[str]):
        super().__init__(convert_charrefs=True)
        self.anchors = anchors
        self.parts: list[str] = []
        self.length = 0
        self.newlines = 2           # trailing newlines of the output (2 at the start: no leading break)
        self.pending_space = False
        self.skip: list[str] = []   # the tag (and depth) of a skipped subtree
        self.skip_depth = 0
        self.open: list[tuple[str, int, set[str]]] = []   # inline and block elements: (tag, start, classes)
        self.pre = 0
        self.evidence: list[Evidence] = []
        self.head_title: list[str] = []
        self.in_title = False
        self.meta: dict[str, str] = {}
        self.mark: tuple[str, list[str]] | None = None    # a footnote mark being read: (href, its text)
        self.block_start = 0
        self.block: tuple[str, int, set[str]] | None = None   # the open <p>-like block

    # ---- output
    def emit(self, s: str) -> None:
        if not s:
            return
        self.parts.append(s)
        self.length += len(s)
        stripped = s.rstrip("\n")
        self.newlines = (self.newlines if not stripped else 0) + (len(s) - len(stripped))

    def text(self, data: str) -> None:
        if self.pre:
            self.emit(data)
            return
        folded = SPACE.sub(" ", data)
        if not folded:
            return
        lead, trail = folded.startswith(" "), folded.endswith(" ")
        core = folded.strip(" ")
        if not core:
            self.pending_space = self.pending_space or lead
            return
        if (self.pending_space or lead) and self.newlines == 0 and self.length:
            self.emit(" ")
        self.emit(core)
        self.pending_space = trail

    def line_break(self) -> None:
        self.pending_space = False
        if self.length and self.newlines < 2:
            self.emit("\n")

    def block_break(self) -> None:
        self.pending_space = False
        if self.length:
            self.emit("\n" * max(0, 2 - self.newlines))

    # ---- structure
    def close_block(self) -> None:
        """End the open <p>-like block (closed by its end tag or by the next block), recording its evidence."""
        if self.block is None:
            return
        tag, start, classes = self.block
        self.block = None
        self.record_block(tag, start, classes)
        self.block_break()

    def record_block(self, tag: str, start: int, classes: set[str]) -> None:
        end = self.length
        if tag in HEADINGS:
            self.add("heading", start, end, str(HEADINGS[tag]))
        if tag == "blockquote" or classes & QUOTE_CLASSES:
            self.add("quote", start, end, tag)
        if classes & INFO_CLASSES:
            self.add("info", start, end, tag)
        if classes & NOTE_CLASSES:
            self.add("note", start, end, tag)

    def add(self, kind: str, start: int, end: int, detail: str = "") -> None:
        if end > start:
            self.evidence.append(Evidence(kind, start, end, detail))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        classes = set(a.get("class", "").lower().split())
        if tag == "meta" and a.get("name"):
            self.meta[a["name"].lower()] = a.get("content", "")
        if tag == "title":
            self.in_title = True
        if self.skip:
            if tag == self.skip[-1] and tag not in VOID_TAGS:
                self.skip_depth += 1
            elif self.skip[-1] == "p" and tag in BLOCK_TAGS and tag != "p" or (self.skip[-1] == "p" and tag == "p"):
                self.skip, self.skip_depth = [], 0    # an unclosed <p class="footer"> ends at the next block
            else:
                return
            if self.skip:
                return
        if tag in SKIPPED_TAGS or classes & NAVIGATION_CLASSES or a.get("role") == "navigation":
            if tag in BLOCK_TAGS:
                self.close_block()
            if tag not in VOID_TAGS:
                self.skip, self.skip_depth = [tag], 1
            return
        if tag == "br":
            self.line_break()
            return
        if tag in BLOCK_TAGS:
            self.close_block()
            self.block_break()
            if tag in {"p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "li"} or tag == "div" and classes:
                self.block = (tag, self.length, classes)
            elif tag not in VOID_TAGS:
                self.open.append((tag, self.length, classes))
            if tag == "pre":
                self.pre += 1
            return
        if tag == "a" and self.mark is None:
            href = a.get("href", "")
            if href.startswith("#") and href[1:] in self.anchors:
                self.mark = (href, [])
                return
        if tag in TITLE_TAGS | STRONG_TAGS | {"sup", "span"} and tag not in VOID_TAGS:
            self.open.append((tag, self.length, classes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.skip:
            if tag == self.skip[-1]:
                self.skip_depth -= 1
                if self.skip_depth <= 0:
                    self.skip, self.skip_depth = [], 0
            return
        if tag == "a" and self.mark is not None:
            self.end_mark()
            return
        if self.block is not None and tag == self.block[0]:
            self.close_block()
            return
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                _, start, classes = self.open.pop(i)
                self.close_inline(tag, start, classes)
                break
        if tag in BLOCK_TAGS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self.close_block()
            self.block_break()

    def close_inline(self, tag: str, start: int, classes: set[str]) -> None:
        if tag in TITLE_TAGS:
            self.add("title", start, self.length, tag)
        elif tag in STRONG_TAGS:
            self.add("strong", start, self.length, tag)
        elif tag in BLOCK_TAGS:
            self.record_block(tag, start, classes)
        elif tag == "sup" and self.length - start <= 4:
            body = self.tail(start)
            m = MARK_TEXT.match(body.strip())
            if m and m.group("mark")[0].isdigit() and start > 0:
                # an unlinked note number set as a superscript: written "[n]" as a linked one would be
                self.rewrite_tail(start, f"[{m.group('mark')}]")

    def tail(self, start: int) -> str:
        """The output from `start` to the end."""
        pieces, size = [], 0
        while size < self.length - start and len(pieces) < len(self.parts):
            pieces.append(self.parts[-1 - len(pieces)])
            size += len(pieces[-1])
        return "".join(reversed(pieces))[size - (self.length - start):]

    def rewrite_tail(self, start: int, replacement: str) -> None:
        """Replace the output from `start` to the end with `replacement`."""
        cut = self.length - start
        while cut > 0:
            last = self.parts.pop()
            if len(last) > cut:
                self.parts.append(last[:len(last) - cut])
            cut -= len(last)
        self.length = start
        self.newlines = 0
        self.emit(replacement)

    def end_mark(self) -> None:
        href, pieces = self.mark
        self.mark = None
        shown = SPACE.sub(" ", "".join(pieces)).strip()
        m = MARK_TEXT.match(shown)
        if not m:
            self.text("".join(pieces))
            return
        at_start = self.newlines > 0 or not self.length
        if not at_start and (self.pending_space or pieces and pieces[0][:1].isspace()):
            self.emit(" ")
        self.pending_space = False
        start = self.length
        self.emit(f"[{m.group('mark')}]")
        self.add("mark", start, self.length, href[1:])
        if at_start:
            self.pending_space = True   # a note opens with its mark: "[1] The text of the note"

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.head_title.append(data)
            return
        if self.skip:
            return
        if self.mark is not None:
            self.mark[1].append(data)
            return
        self.text(data)

    def finish(self) -> Page:
        if self.mark is not None:
            self.end_mark()
        self.close_block()
        while self.open:
            tag, start, classes = self.open.pop()
            self.close_inline(tag, start, classes)
        text = "".join(self.parts).rstrip() + "\n"
        evidence = sorted({trimmed for e in self.evidence if (trimmed := trim(text, e)) is not None},
                          key=lambda e: (e.start, -e.end, e.kind))
        return Page(text, evidence, SPACE.sub(" ", "".join(self.head_title)).strip(), self.meta)


def trim(text: str, e: Evidence) -> Evidence | None:
    """The evidence span without the whitespace at its ends; None if nothing is left."""
    s, t = e.start, min(e.end, len(text))
    while s < t and text[s].isspace():
        s += 1
    while t > s and text[t - 1].isspace():
        t -= 1
    return Evidence(e.kind, s, t, e.detail) if t > s else None


def render(html: str, anchors: set[str] | None = None) -> Page:
    """The page's text and evidence from its decoded HTML."""
    if anchors is None:
        anchors = {m.decode("utf-8", "replace") for m in ANCHOR.findall(html.encode("utf-8", "replace"))}
    parser = _Renderer(anchors)
    parser.feed(html)
    parser.close()
    return parser.finish()


def read_html(data: bytes) -> Page:
    """A page from its bytes: decoded as it declares, rendered to text with its evidence."""
    html, encoding, bad = decode_html(data)
    page = render(html)
    page.encoding, page.bad_bytes = encoding, bad
    return page
