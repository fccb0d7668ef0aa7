"""Quotations' speaker and work on archive pages: what the page's layout and the genre's citing habits tell."""
from __future__ import annotations

from pathlib import Path

from kgpub.extract.corpus import read_document
from kgpub.extract.pipeline import extract_document
from kgpub.extract.registry import load_registry

REGISTRY = load_registry(Path(__file__).resolve().parents[2] / "data" / "records")


def quotations(tmp_path: Path, body: str) -> list:
    page = tmp_path / "page.htm"
    page.write_text(f'<html><head><meta charset="utf-8"><title>Page</title></head><body>\n{body}\n</body></html>',
                    encoding="utf-8")
    found = extract_document(read_document(page, root=tmp_path), REGISTRY)
    return sorted(found.of_kind("quotation"), key=lambda m: m.start)


def test_a_reviews_bare_page_citations_cite_the_reviewed_book_of_the_one_quoted(tmp_path):
    [first, second] = quotations(tmp_path, """<h1>Two Books on the Mills</h1>
<p><em>Forty Years in the Mills</em><br> By Thomas Hardcastle.<br>(Northern Press.) pp. 310; 8s. 6d.</p>
<p><em>The Weavers\u2019 Struggle</em><br> By Ellen Pryce.<br>(Vale Books.) pp. 212; 6s.</p>
<p>Thomas Hardcastle tells of the lockout of 1926, when, as he puts it, \u201cthe children went barefoot to school
and the chapels fed the valley\u201d (Hardcastle, p.41.). Ellen Pryce is surer of the lesson, and
writes that \u201cno strike was ever won by the patience of the strikers alone\u201d (p.112).</p>""")
    assert (first.attr("speaker"), first.attr("work"), first.attr("page_start")) == (
        "new:hardcastle", "new:forty-years-in-the-mills", 41)
    assert (second.attr("speaker"), second.attr("work"), second.attr("page_start")) == (
        "new:pryce", "new:weavers-struggle", 112)


def works_of(tmp_path: Path, body: str) -> list:
    page = tmp_path / "works.htm"
    page.write_text(f'<html><head><meta charset="utf-8"><title>Page</title></head><body>\n{body}\n</body></html>',
                    encoding="utf-8")
    return extract_document(read_document(page, root=tmp_path), REGISTRY).of_kind("work")


def test_a_titles_short_head_before_a_preposition_is_the_full_title_named_in_the_same_text(tmp_path):
    works = works_of(tmp_path, """<h1>The Paper and its Programme</h1>
<p>The first number carried the <em>Appeal to the Miners of the Ruhr</em>, written by the editors in exile.
Later the <em>Appeal</em> was read aloud at every pithead, and the <em>Miners\u2019 Gazette</em> reprinted it
beside a notice of <em>Capital and Labour</em>, a pamphlet; a reader who had bought <em>Capital</em> wrote in.</p>""")
    key = {m.text: m.key for m in works}
    assert key["Appeal"] == key["Appeal to the Miners of the Ruhr"]
    assert key["Capital"] != key["Capital and Labour"]


def test_a_person_the_speaking_pronoun_speaks_of_is_not_the_speaker(tmp_path):
    [q] = quotations(tmp_path, """<h1>The Old Man</h1>
<p>Comrade Bebel, old as he was, read every report from the districts. Did he not warn the executive of the
vanity of Herr Schellbach and of \u201cthe danger such a man brings into any committee\u201d he sat on?</p>""")
    assert q.attr("speaker").endswith("bebel")


def test_a_bracketed_he_said_inside_a_quotation_gives_it_the_one_the_text_speaks_of(tmp_path):
    [q] = quotations(tmp_path, """<h1>The Organiser</h1>
<p>In the spring Comrade Bebel visited the Saxon districts and met the shop stewards.</p>
<p>\u201cThe union must be built [he said] in the quiet years, for in the storm there is no time to lay
foundations, and a house without foundations will not stand.\u201d</p>""")
    assert (q.attr("speaker") or "").endswith("bebel")


def test_a_quotation_with_no_source_of_its_own_is_from_the_work_the_text_discusses_as_the_speakers(tmp_path):
    quotes = quotations(tmp_path, """<h1>A Plan of Work</h1>
<p>The unions were weak and scattered, and the questions of how to join them were the ones Bebel answered
in <em>The Next Step</em>, printed in the autumn.</p>
<p>First of all, Bebel says, the locals must meet. \u201cNo union is strong that does not know its own members
by name, and no federation is strong whose unions do not know each other.\u201d</p>
<p>At the same meeting Herr Schellbach told the members that
\u201cthe time for federations has not yet come, and may never come.\u201d</p>""")
    ours, theirs = quotes
    assert ours.attr("speaker").endswith("bebel") and ours.attr("work", "").startswith("new:next-step")
    assert theirs.attr("work") is None


def test_a_lead_in_that_cites_a_title_and_page_gives_the_quotation_its_work_and_page(tmp_path):
    first, second = quotations(tmp_path, """<h1>A Reply to the Editors</h1>
<p>The paper found two faults in our correspondent. In an article entitled <em>Letter from Chicago</em>
(<em>Die Glocke</em>, issue 9, p.312) Weydemann wrote: \u201cThe harvest strike of the year was lost.\u201d
That was a misprint and nothing more.</p>
<p>The second fault is no misprint. Weydemann writes on p. 315: \u201cThe packers\u2019 union has never
yet won a strike without the help of the teamsters.\u201d</p>""")
    assert (first.attr("work"), first.attr("page_start")) == ("new:letter-from-chicago", 312)
    assert (second.attr("work"), second.attr("page_start")) == ("new:letter-from-chicago", 315)


def test_a_pronoun_in_the_lead_in_means_the_subject_of_the_sentence_before_not_the_last_name(tmp_path):
    [q] = quotations(tmp_path, """<h1>The Two Leaders</h1>
<p>Comrade Bebel examines closely the hesitations of Herr Schellbach and the committee he led. Yet he believes
that \u201cthe committee was honest in its errors, and may yet be won\u201d (p.88).</p>""")
    assert (q.attr("speaker") or "").endswith("bebel")


def test_a_clause_after_the_quotation_naming_where_it_was_said_gives_its_work(tmp_path):
    [q] = quotations(tmp_path, """<h1>On the Transition</h1>
<p>The new order does not spring up finished; it bears for a long time \u201cthe birthmarks of the old society
from whose womb it emerges,\u201d as stated in the <em>Critique of the Gotha Programme</em>, and our tasks
follow from that.</p>""")
    assert q.attr("work") == "critique-of-the-gotha-programme"


def test_a_long_parenthetical_citation_gives_its_page_and_ibid_keeps_the_work(tmp_path):
    first, second = quotations(tmp_path, """<h1>On Perception</h1>
<p>Colour is no illusion: \u201cevery shade we see answers to a definite wave in the light itself\u201d
(Lavrentiev, <em>Light and the Eye</em>, in the collection Science for the People, published by the Volga
Press, p.41). And further, \u201cthe eye does not invent what it sees, it translates it\u201d
(Lavrentiev, ibid., p.57).</p>""")
    assert (first.attr("work"), first.attr("page_start")) == ("new:light-and-the-eye", 41)
    assert (second.attr("work"), second.attr("page_start")) == ("new:light-and-the-eye", 57)


def test_a_reference_line_right_after_a_quotation_gives_its_work_and_page(tmp_path):
    [q] = quotations(tmp_path, """<h1>Notes</h1>
<p>Hardcastle agreed with the weavers: \u201cNo mill was ever run by its owners alone, and none ever will
be.\u201d Thomas Hardcastle\u2019s <em>Forty Years in the Mills</em>, Leeds: Northern Press 1931, p.270.</p>""")
    assert (q.attr("work"), q.attr("page_start")) == ("new:forty-years-in-the-mills", 270)
