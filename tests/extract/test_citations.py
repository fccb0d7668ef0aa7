"""Citations: OCR-damaged Roman volumes, page lists and ranges, footnote bodies inline and on their own line."""
from kgpub.extract.citations import (CITATION, EDITION_CITATION, body_for, edition_pages, footnote_bodies,
    parse_citation, volume_number)


def cite(text: str) -> dict:
    return parse_citation(CITATION.search(text))


def test_ocr_damaged_roman_volumes():
    assert [volume_number(v) for v in ("XX1V", "XX VI", "111", "XXVII", "19")] == [24, 26, 3, 27, 19]


def test_page_list_keeps_its_order_and_a_short_range_is_expanded():
    assert cite("(see Vol. XXIV, pp. 15 and 14);")["pages"] == [15, 14]
    got = cite("(See this volume, Vol. XXV, pp. 191-94.)")
    assert (got["volume"], got["page_start"], got["page_end"]) == (25, 191, 194)
    got = cite("(Ibid., p. 228.)")
    assert got["ibid"] and got["volume"] is None and got["page_start"] == 228
    assert cite("(See Lenin Miscellany, Vol. III, p. 497.)")["volume"] == 3


def test_footnote_bodies_inline_after_the_reference_and_on_a_line_whose_bracket_ocr_lost():
    text = ('(See Vol. XXVI, p. 64.)[3] * My italics. -- J. St.[3] Ibid.\n'
            '(see Vol. XXV, pp. 192 and 193);[1] and that the dictatorship\n'
            '1] "\'Left-Wing\' Communism, an Infantile Disorder."')
    notes = footnote_bodies(text)
    assert body_for(notes, "3", text.index("[3]") + 3).is_ibid
    assert body_for(notes, "1", text.index("[1]") + 3).body.startswith('"\'Left-Wing\'')


def test_lower_case_l_among_capitals_is_an_ocr_i():
    # "(see Vol.\nXXIl, p. 315)" in the OCR'd edition: XXII, not XXIL
    [m] = CITATION.finditer("organisational tasks\" (see Vol.\nXXIl, p. 315).")
    assert parse_citation(m)["volume"] == 22


def test_capital_p_and_a_quoted_title_before_the_volume():
    assert cite("(see Vol. XXIII, P. 342)")["page_start"] == 342
    got = cite("(\"The Trade Unions, the Present Situation and Trotsky's Mistakes\", LCW , vol. 32, p. 20)")
    assert (got["volume"], got["page_start"]) == (32, 20)


def test_an_editions_citation_gives_title_volume_and_pages():
    m = EDITION_CITATION.search('bureaucracy."  Lenin, Notes for a Speech at the 10th Congress of The, '
                                'Collected Works, Volume 36, pages 535-537.')
    assert (m.group("author"), m.group("title")) == ("Lenin", "Notes for a Speech at the 10th Congress of The")
    assert edition_pages(m) == {"volume": 36, "page_start": 535, "page_end": 537}
    alone = EDITION_CITATION.search('Proletariat." Collected Works, vol. 16, p. 447, Russian edition.')
    assert alone.group("title") is None and edition_pages(alone)["volume"] == 16
