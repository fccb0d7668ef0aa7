"""Document records: byline, header lines and the corpus README give title, author, date and publisher."""
from pathlib import Path

from kgpub.extract.corpus import Document
from kgpub.extract.documents import document_record, document_records
from kgpub.extract.model import mention
from kgpub.extract.pipeline import DocumentMentions
from kgpub.extract.registry import load_registry

RECORDS = Path(__file__).resolve().parents[2] / "data" / "records"
KAMENEV_TOP = """Lev Kamenev 1920

The Dictatorship of the Proletariat


Source: pamphlet
Published: The Marxian Educational Society, 1920
Online Version: Kamenev Internet Archive, February 2004
Transcription: Ted Crawford
"""

AVAKIAN_TOP = """From "Democracy: More Than Ever We Can and Must Do Better Than That"

The Leading Role of the Party and the Dictatorship of the Proletariat

by Bob Avakian
"""


def person_at(text: str, surface: str, key: str):
    start = text.index(surface)
    return mention("person", start, start + len(surface), surface, key, "test")


def test_a_name_and_year_line_is_the_byline_and_not_the_title():
    record = document_record(KAMENEV_TOP, [person_at(KAMENEV_TOP, "Lev Kamenev", "lev-kamenev")])
    assert record.title == "The Dictatorship of the Proletariat"
    assert record.author == "lev-kamenev" and record.date == "1920"
    assert record.publisher == "The Marxian Educational Society" and record.source == "pamphlet"


def test_a_by_line_names_the_author():
    record = document_record(AVAKIAN_TOP, [person_at(AVAKIAN_TOP, "Bob Avakian", "bob-avakian")])
    assert record.author == "bob-avakian"
    assert record.title.startswith('From "Democracy')


def test_the_readme_description_gives_author_and_date_when_the_text_does_not():
    text = "THE PARTY AND THE WORKING CLASS\n\nMarx-Engels |  Lenin  | Stalin |  Home Page\n\nI have dealt above..."
    description = "J. V. Stalin, Concerning Questions of Leninism (dated 25 January 1926), chapter V."
    record = document_record(text, [], description, {"J. V. Stalin": "joseph-stalin", "Stalin": "joseph-stalin"})
    assert record.author == "joseph-stalin" and record.date == "1926-01-25"


def test_a_description_that_does_not_open_with_a_name_gives_no_author():
    description = 'A "Red Letter" blog post reading the chapter from Stalin\'s The Foundations of Leninism (1924).'
    record = document_record("Red Letter\n\nSome text.", [], description, {"Stalin": "joseph-stalin"})
    assert record.author is None


def test_a_title_the_readme_cites_the_text_by_is_preferred_to_a_chapter_heading():
    text = "V. THE PARTY AND THE WORKING CLASS\n\nI have dealt above..."
    description = "J. V. Stalin, *Concerning Questions of Leninism* (dated 25 January 1926), chapter V."
    record = document_record(text, [], description, {"J. V. Stalin": "joseph-stalin"})
    assert record.title == "Concerning Questions of Leninism" and record.author == "joseph-stalin"
    assert document_record(text, [], "A blog post reading *The Foundations of Leninism*.").title.startswith("V. THE")


def test_the_same_work_row_takes_the_title_and_author_of_the_row_above():
    corpus = [DocumentMentions(Document("a", "V. THE PARTY\n\ntext"), []),
              DocumentMentions(Document("b", "|. THE DEFINITION OF LENINISM\n\ntext"), [])]
    descriptions = {"a": "J. V. Stalin, *Concerning Questions of Leninism*, chapter V.",
                    "b": "The same work, whole (chapters I to VII), from an OCR'd printed edition."}
    records = document_records(corpus, load_registry(RECORDS), descriptions)
    assert records["b"][0].title == records["a"][0].title == "Concerning Questions of Leninism"
    assert records["a"][1] == "J. V. Stalin, Concerning Questions of Leninism, chapter V."  # markup removed
