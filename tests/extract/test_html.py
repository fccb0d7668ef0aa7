"""HTML pages as corpus texts: the text a reader sees, the markup's evidence, charsets, identifiers, records."""
from __future__ import annotations

from pathlib import Path

from kgpub.extract.corpus import list_corpus, read_document, undecoded
from kgpub.extract.corpuswide import corpus_evidence
from kgpub.extract.documents import document_records
from kgpub.extract.emit import Minter
from kgpub.extract.html import read_html
from kgpub.extract.pipeline import DocumentMentions, extract_document
from kgpub.extract.registry import load_registry

RECORDS = Path(__file__).resolve().parents[2] / "data" / "records"

# A page as the archive sets them: navigation, author and title headings, an information block, a block
# quotation, a title in italics, a note mark linked to its end note, and the footer's links.
PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Hedwig Marcolin: On the Tasks of the Day (1923)</title></head><body>
<p class="toplink"><a href="../index.htm">MIA</a> &gt; <a href="index.htm">Archive</a></p>
<h2>Hedwig Marcolin</h2>
<h1>On the Tasks of the Day</h1>
<p class="information"><span class="info">Written:</span> May 1923.<br>
<span class="info">First Published:</span> <em>Die Rote Woche</em>, No. 12, June 1923.<br>
<span class="info">Translated:</span> Oskar Wendelin<br>
<span class="info">Transcription/Markup:</span> Ilse Brandauer and Tomas Ferreira</p>
<p>As Comrade Lindqvist wrote in <em>The Coming Storm</em>, the movement has its
   tasks.<a href="#n1" name="f1">[1]</a> The workers\u2019 papers agree:</p>
<blockquote><p>\u201cThe working class cannot simply lay hold of the ready-made machinery of the state.\u201d</p>
</blockquote>
<p>We do not <em>want</em> a general strike today; the strike is the last weapon.</p>
<h3>Notes</h3>
<p class="endnote"><a href="#f1" name="n1">1.</a> Lindqvist, <em>The Coming Storm</em>, Vol. 3, p. 48.</p>
<p class="footer"><a href="../index.htm">Marcolin Archive</a> | <a href="../../index.htm">Writers</a></p>
</body></html>
""".encode("cp1252")


def write(folder: Path, relative: str, data: bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_the_text_is_the_page_body_without_navigation_and_notes_are_marked_as_in_print():
    page = read_html(PAGE)
    text = page.text
    assert "MIA" not in text and "Writers" not in text and "Marcolin Archive" not in text
    assert text.startswith("Hedwig Marcolin\n\nOn the Tasks of the Day\n\nWritten: May 1923.\n")
    assert "Translated: Oskar Wendelin\n" in text
    assert "the movement has its tasks.[1] The workers\u2019 papers agree:" in text
    assert "\n\n[1] Lindqvist, The Coming Storm, Vol. 3, p. 48.\n" in text
    kinds = {(e.kind, text[e.start:e.end]) for e in page.evidence}
    assert ("heading", "Hedwig Marcolin") in kinds and ("heading", "On the Tasks of the Day") in kinds
    assert ("title", "The Coming Storm") in kinds and ("title", "want") in kinds
    assert ("quote", "\u201cThe working class cannot simply lay hold of the ready-made machinery of the state.\u201d") \
        in kinds
    assert page.head_title == "Hedwig Marcolin: On the Tasks of the Day (1923)" and page.encoding == "cp1252"


def test_charset_comes_from_the_bom_or_the_declaration_and_bad_bytes_are_reported_by_offset(tmp_path):
    body = "<p>Zw\u00f6lf Thesen \u2013 Engels</p>"
    bom = read_html(b"\xef\xbb\xbf<html><body>" + body.encode("utf-8") + b"</body></html>")
    assert bom.text == "Zw\u00f6lf Thesen \u2013 Engels\n" and not bom.bad_bytes
    latin = read_html(b'<meta charset="ISO-8859-1"><p>Zw\xf6lf Thesen \x96 Engels</p>')
    assert latin.text == "Zw\u00f6lf Thesen \u2013 Engels\n"
    data = b'<meta charset="utf-8"><p>Zw\xf6lf Thesen</p>'
    path = write(tmp_path, "archive/bad.htm", data)
    doc = read_document(path, root=tmp_path)
    assert doc.text == "Zw\ufffdlf Thesen\n"
    bad_offset = data.index(b"\xf6")
    assert undecoded(doc).startswith(f"{path}: 1 byte(s) not valid utf-8") and f"offset {bad_offset};" in undecoded(doc)


def test_identifiers_are_paths_under_the_corpus_folder_and_document_iris_keep_them_readable(tmp_path):
    write(tmp_path, "archive/marcolin/1923/tasks.htm", PAGE)
    write(tmp_path, "archive/marcolin/index.html", b"<p>Index</p>")
    write(tmp_path, "seed.txt", b"A plain text.\n")
    write(tmp_path, ".cache/ignored.txt", b"Not part of the corpus.\n")
    paths = list_corpus(tmp_path)
    ids = [read_document(p, root=tmp_path).doc_id for p in paths]
    assert ids == ["archive/marcolin/1923/tasks", "archive/marcolin/index", "seed"]
    doc = read_document(paths[0], root=tmp_path)
    assert doc.media_type == "text/html" and doc.sha256 == __import__("hashlib").sha256(PAGE).hexdigest()
    minter = Minter("https://example.org/kg/")
    assert str(minter.document(ids[0])) == "https://example.org/kg/document/archive/marcolin/1923/tasks"


def test_the_markup_names_the_author_credits_titles_and_the_record(tmp_path):
    doc = read_document(write(tmp_path, "archive/marcolin/1923/tasks.htm", PAGE), root=tmp_path)
    registry = load_registry(RECORDS)
    dm = extract_document(doc, registry)
    for m in dm.mentions:
        assert doc.text[m.start:m.end] == m.text
    persons = {m.text: m.rule for m in dm.of_kind("person")}
    assert persons["Hedwig Marcolin"] == "person:html:author-heading"
    assert persons["Oskar Wendelin"].startswith("person:")
    assert "Ilse Brandauer" in persons and "Tomas Ferreira" in persons
    works = {m.text: m.rule for m in dm.of_kind("work")}
    assert works["On the Tasks of the Day"] == "work:html:title-heading"
    assert works["The Coming Storm"] == "work:html:italic" and "want" not in works
    assert not any("strike" in m.text.lower() for m in dm.of_kind("person"))
    record, _ = document_records([dm], registry, {})[doc.doc_id]
    author = next(m.key for m in dm.of_kind("person") if m.text == "Hedwig Marcolin")
    translator = next(m.key for m in dm.of_kind("person") if m.text == "Oskar Wendelin")
    assert record.title == "On the Tasks of the Day" and record.author == author
    assert record.written == "1923-05" and record.first_published == "1923-06" and record.translator == translator


def test_corpus_wide_a_person_a_cue_establishes_is_a_person_wherever_named(tmp_path):
    registry = load_registry(RECORDS)
    first = read_document(write(tmp_path, "a.txt", b"As Mr. Anselm Bishop said, the crisis deepens.\n"),
                          root=tmp_path)
    second = read_document(write(tmp_path, "b.txt", b"The report of Anselm Bishop was read aloud.\n"
                                 b"The General Strike was called. The strike ended, and the strike was lost.\n"),
                           root=tmp_path)
    corpus = [extract_document(first, registry), extract_document(second, registry)]
    assert not any(m.text == "Anselm Bishop" for m in corpus[1].of_kind("person"))
    after = corpus_evidence(corpus)
    found = [m for m in after[1].of_kind("person") if m.text == "Anselm Bishop"]
    assert found and found[0].rule == "person:corpus"
    assert found[0].key == next(m.key for m in after[0].of_kind("person") if "Bishop" in m.text)
    assert not any(m.text == "Strike" for dm in after for m in dm.of_kind("person"))
    assert all(isinstance(dm, DocumentMentions) for dm in after)


def test_an_html_corpus_builds_and_the_server_resolves_document_iris_with_folders(tmp_path, start_server):
    import requests
    from kgpub.build import run_build
    from kgpub.config import load_config
    corpus = tmp_path / "corpus"
    write(corpus, "archive/marcolin/1923/tasks.htm", PAGE)
    config = load_config(corpus_dir=corpus, build_dir=tmp_path / "build", quiet=True)
    result = run_build(config)
    [document] = result.manifest["documents"]
    assert document["id"] == "archive/marcolin/1923/tasks"
    assert document["sha256"] == __import__("hashlib").sha256(PAGE).hexdigest()
    url = start_server(["--build-dir", str(config.build_dir)])
    page = requests.get(url + "document/archive/marcolin/1923/tasks", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "On the Tasks of the Day" in page.text and "Oskar Wendelin" in page.text
    turtle = requests.get(url + "document/archive/marcolin/1923/tasks.ttl", timeout=30)
    assert turtle.status_code == 200 and "archive/marcolin/1923/tasks" in turtle.text
    assert requests.get(url + "document/archive/marcolin/1923", timeout=30).status_code == 404


def test_corpus_wide_spellings_of_one_surname_are_one_person(tmp_path):
    registry = load_registry(RECORDS)
    texts = {"a.txt": b"As Comrade Preobrazhensky said, the plan is sound. Preobrazhensky insisted.\n",
             "b.txt": b"As Comrade Preobrajensky said, the plan is late.\n",
             "c.txt": b"As Comrade Serebriakov said, the roads are open. Then Comrade Serebrov said no.\n"}
    corpus = [extract_document(read_document(write(tmp_path, n, t), root=tmp_path), registry)
              for n, t in texts.items()]
    after = corpus_evidence(corpus)
    keys = {m.text: m.key for dm in after for m in dm.of_kind("person")}
    assert keys["Preobrajensky"] == keys["Preobrazhensky"]
    assert keys["Serebriakov"] != keys["Serebrov"]
