"""Accept parsing: q-values, specificity, and refusal when nothing offered is acceptable."""
from kgpub.server.negotiation import best_match

SELECT = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]


def test_highest_quality_wins():
    assert best_match("application/sparql-results+xml;q=0.5, text/csv", SELECT) == "text/csv"


def test_more_specific_range_sets_the_quality():
    assert best_match("*/*;q=0.1, application/sparql-results+xml", SELECT) == "application/sparql-results+xml"


def test_zero_quality_excludes_a_type():
    assert best_match("application/sparql-results+json;q=0, */*;q=0.5", SELECT) == "application/sparql-results+xml"


def test_nothing_acceptable_gives_none():
    assert best_match("image/png", SELECT) is None


def test_no_header_takes_the_servers_first_choice():
    assert best_match(None, SELECT) == "application/sparql-results+json"
