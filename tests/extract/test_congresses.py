"""Congress mentions: ordinal, organiser through abbreviations and context, span limits, records' dates."""
from __future__ import annotations

from pathlib import Path

import pytest

from kgpub.extract.congresses import find_congresses, ordinal_number
from kgpub.extract.registry import load_registry

RECORDS = Path(__file__).resolve().parents[2] / "data" / "records"
RCP = "russian-communist-party-bolsheviks"
# A few words a Soviet text of the 1920s is full of, so that its own party is clear.
SOVIET = " The Soviet power and the Soviet state. "


@pytest.fixture(scope="module")
def registry():
    return load_registry(RECORDS)


def found(text: str, registry) -> list[tuple[str, str, dict]]:
    return [(surface, key, facts) for _, _, surface, key, _, facts in find_congresses(text, registry)]


def test_abbreviated_organiser_in_a_footnote(registry):
    text = '[1] Tenth Congress of the R.C.P.(B.), March 8-16, 1921. "5. Speech on the Trade Unions."'
    [(surface, key, facts)] = found(text, registry)
    assert surface == "Tenth Congress of the R.C.P.(B.)"
    assert key == f"{RCP}/congress/10"
    assert facts["position"] == 10


def test_of_phrase_stops_at_the_organisation(registry):
    text = "Firstly. In the passage from his speech at the Second Congress of the Comintern quoted above, Lenin"
    [(surface, key, _)] = found(text, registry)
    assert surface == "Second Congress of the Comintern"
    assert key == "communist-international/congress/2"


def test_uncurated_organiser_is_taken_whole(registry):
    text = ("[1] ''Speech at the First All-Russian Congress of Workers in Education and Socialist Culture, "
            "July 31, 1919.''")
    [(surface, key, facts)] = found(text, registry)
    assert surface == "First All-Russian Congress of Workers in Education and Socialist Culture"
    assert key == "new:workers-in-education-and-socialist-culture/congress/1"
    assert facts["scope"] == "All-Russian"


def test_our_party_across_a_line_break(registry):
    text = SOVIET + "One cannot but recall Lenin's golden words at the Eleventh Congress of our\nParty:"
    [(surface, key, _)] = found(text, registry)
    assert surface == "Eleventh Congress of our\nParty"
    assert key == f"{RCP}/congress/11"


def test_glued_footnote_number_after_abbreviation(registry):
    text = ("the political report of the Central\nCommittee to the Fourteenth Congress of the C.P.S.U.(B.)24 "
            "(December 1925).")
    [(surface, key, _)] = found(text, registry)
    assert surface == "Fourteenth Congress of the C.P.S.U.(B.)"
    assert key == f"{RCP}/congress/14"


def test_party_congress_by_year_takes_its_ordinal_from_the_record(registry):
    text = SOVIET + "only 3 per cent of the delegates to the 1934 Party Congress reappeared in 1939"
    [(surface, key, facts)] = found(text, registry)
    assert surface == "1934 Party Congress"
    assert (key, facts["position"]) == (f"{RCP}/congress/17", 17)


def test_bare_ordinal_is_the_same_numbered_congress_named_in_full(registry):
    text = ("The Fourteenth Conference of the R.C.P.(B.) published in May 1925. "
            "The decisions of the Fourteenth Conference were right.")
    keys = [key for _, key, _ in found(text, registry)]
    assert keys == [f"{RCP}/conference/14", f"{RCP}/conference/14"]


def test_lower_case_ordinal_and_soviets(registry):
    text = ("the seizure of power was implemented by the second All-Russia Congress of Soviets of Workers' and "
            "Soldiers' Deputies")
    [(surface, key, _)] = found(text, registry)
    assert surface == "second All-Russia Congress of Soviets of Workers' and Soldiers' Deputies"
    assert key.endswith("/congress/2")


def test_generic_plurals_are_not_congresses(registry):
    assert found(SOVIET + "the decisions of Party Congresses and of the Party Conference", registry) == []


@pytest.mark.parametrize("word, n", [("Tenth", 10), ("14th", 14), ("Twenty-Second", 22), ("second", 2)])
def test_ordinal_number(word, n):
    assert ordinal_number(word) == n


def test_month_named_conference_takes_its_year_from_the_text_and_its_ordinal_from_the_record(registry):
    text = (SOVIET + "my pamphlet published in May\n1925. Zinoviev and Kamenev once tried to raise this argument at a "
            "meeting of the Central\nCommittee of the Party prior to the April Party Conference.27 But they")
    [(surface, key, facts)] = found(text, registry)
    assert surface == "April Party Conference"
    assert (key, facts["position"]) == (f"{RCP}/conference/14", 14)


def test_roman_numerals_and_possessive_organiser(registry):
    # Forms of other editions of the genre (not in this corpus).
    text = SOVIET + ("the XIV Congress of the C.P.S.U.(B.), the XVth Party Conference and the Comintern's "
                     "Seventh Congress")
    assert [(surface, key) for surface, key, _ in found(text, registry)] == [
        ("XIV Congress of the C.P.S.U.(B.)", f"{RCP}/congress/14"),
        ("XVth Party Conference", f"{RCP}/conference/15"),
        ("Seventh Congress", "communist-international/congress/7")]


def test_month_named_conference_takes_the_year_of_the_nearest_same_month_date(registry):
    # the last year before it is 1917 ("October 1917"), but the text dates the April conference "April 1925"
    text = (SOVIET + "the resolution of the Fourteenth Party\nConference (April 1925). One can only wonder why we "
            "took power in October 1917 if we did not count\non completely building socialism. "
            "Zinoviev and Kamenev once tried to "
            "raise this argument at a meeting of the Central\nCommittee of the Party prior to the April Party "
            "Conference.27 But they received\na rebuff")
    *_, (surface, key, facts) = found(text, registry)
    assert surface == "April Party Conference"
    assert (key, facts["position"]) == (f"{RCP}/conference/14", 14)


def test_party_congress_in_a_text_on_the_bolsheviks_and_a_month_in_parentheses(registry):
    text = ("This question has been discussed in detail in Bolshevik literature. For example he mentions that at the "
            "Tenth Party Congress, Lenin said that we can speak of the ultimate success of the Socialist revolution.")
    assert [(s, k) for s, k, _ in found(text, registry)] == [("Tenth Party Congress", f"{RCP}/congress/10")]
    text = "Lenin, The Seventh (April) All-Russia Conference of the R.S.D.L.P.(B.), APRIL 24-29, 1917"
    [(surface, key, _)] = found(text, registry)
    assert (surface, key) == ("Seventh (April) All-Russia Conference of the R.S.D.L.P.(B.)", f"{RCP}/conference/7")


def test_an_article_alone_is_no_organiser(registry):
    text = ("Lenin, Notes for a Speech at the 10th Congress of The, Collected Works, Volume 36, pages 535-537. "
            "Lenin, The Seventh (April) All-Russia Conference of the R.S.D.L.P.(B.), APRIL 24-29, 1917")
    assert [(s, k) for s, k, _ in found(text, registry)][0] == ("10th Congress", f"{RCP}/congress/10")
