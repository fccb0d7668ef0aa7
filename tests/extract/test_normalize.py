"""Offset-keeping repairs: dashes glued to words, footnote numbers glued to words and brackets."""
from kgpub.extract.normalize import normalize


def test_a_dash_glued_to_an_initial_is_set_apart_and_maps_back():
    raw = "we (the Communists --J. St.) are after all but a drop in the ocean"
    norm = normalize(raw)
    assert "-- J. St." in norm.text
    s = norm.text.index("J. St.")
    start, end = norm.raw_span(s, s + len("J. St."))
    assert raw[start:end] == "J. St."


def test_a_footnote_number_glued_to_a_title_before_a_bracket_is_dropped():
    raw = "(See The Foundations of Leninism11)"
    assert normalize(raw).text == "(See The Foundations of Leninism)"
