"""Works: footnote titles, cue titles, the text's own title, quote and OCR variants of one record's title."""
from pathlib import Path

from kgpub.extract.corpus import Document
from kgpub.extract.model import mention
from kgpub.extract.registry import load_registry
from kgpub.extract.works import extract_works

REGISTRY = load_registry(Path(__file__).resolve().parents[2] / "data" / "records")


def works_of(text: str, persons=()):
    return extract_works(Document("t", text), REGISTRY, persons=list(persons))


def person(text: str, surface: str, key: str):
    start = text.index(surface)
    return mention("person", start, start + len(surface), surface, key, "test")


def test_inline_footnote_title_with_nested_quotes_is_one_work_by_the_quoted_speaker():
    text = ('Thirdly. "The dictatorship of the proletariat," says Lenin, "is the class struggle of the '
            'proletariat, which has won victory and has seized political power." (See Vol. XXIV, p. 311.)[1] '
            '[1] "Foreword to the Published Speech \'On Deceiving the People with Slogans About Liberty and '
            'Equality.\'"')
    [work] = works_of(text, [person(text, "Lenin", "vladimir-lenin")])
    assert work.attr("title") == ("Foreword to the Published Speech 'On Deceiving the People with Slogans "
                                  "About Liberty and Equality'")
    assert work.attr("author") == "vladimir-lenin"


def test_ocr_typo_and_quote_style_resolve_to_the_record():
    text = '(See Vol. XXV, p. 190.)[1][1] "\'Left-Wing\' Commmism, an Infantile Disorder."'
    [typo] = works_of(text)
    text = 'The fourth case is a few lines in the pamphlet "Left-Wing" Communism, an Infantile Disorder.'
    [quoted] = works_of(text)
    assert typo.key == quoted.key == "left-wing-communism-an-infantile-disorder"
    assert quoted.text == '"Left-Wing" Communism, an Infantile Disorder'


def test_a_date_closing_a_footnote_title_dates_the_work_and_is_not_part_of_it():
    title = "Speech at the First All-Russian Congress of Workers in Education and Socialist Culture"
    [work] = works_of(f"[1] ''{title}, July 31, 1919.''")
    assert work.attr("title") == title
    assert work.attr("published") == "1919-07-31"


def test_unquoted_title_after_owner_and_kind_word():
    text = ("One need only take, for instance, the following passage in Zinoviev's book Leninism to be "
            "convinced of this:")
    [work] = works_of(text, [person(text, "Zinoviev", "grigory-zinoviev")])
    assert work.text == "Leninism"
    assert work.attr("author") == "grigory-zinoviev"


def test_unquoted_title_runs_over_small_words_and_a_line_break():
    text = ("That is why, in my pamphlet The October Revolution and the Tactics of the\n"
            "Russian Communists (December 1924), I said")
    [work] = works_of(text)
    assert work.attr("title") == "The October Revolution and the Tactics of the Russian Communists"
    assert work.attr("author") is None  # "my": the text's author, not named here


def test_the_title_under_a_name_and_year_line_is_the_texts_own_work():
    text = "Lev Kamenev 1920\n\nThe Dictatorship of the Proletariat\n\n\nSource: pamphlet\n"
    [work] = works_of(text, [person(text, "Lev Kamenev", "lev-kamenev")])
    assert work.attr("title") == "The Dictatorship of the Proletariat"
    assert (work.attr("author"), work.attr("published")) == ("lev-kamenev", "1920")


def test_a_heading_in_capitals_names_its_record():
    text = "Marx-Engels |  Lenin  | Stalin |  Home Page\n\n CONCERNING QUESTIONS OF LENINISM\n\n" + "word " * 40
    [work] = works_of(text)
    assert work.key == "concerning-questions-of-leninism"


def test_one_title_by_two_authors_is_two_works_and_a_byline_dates_its_title():
    kamenev = "Lev Kamenev 1920\n\nThe Dictatorship of the Proletariat\n\n\nSource: pamphlet\n"
    stalin = ("Red Letter\nDaily Left Theory. 15 Minutes or Less. Refreshes at Midnight.\n"
              "The Dictatorship of the Proletariat from The Foundations of Leninism\nby Joseph Stalin\n")
    [k] = works_of(kamenev, [person(kamenev, "Lev Kamenev", "lev-kamenev")])
    s, foundations = works_of(stalin, [person(stalin, "Joseph Stalin", "joseph-stalin")])
    assert k.key != s.key and k.attr("title") == s.attr("title") == "The Dictatorship of the Proletariat"
    assert foundations.key == "the-foundations-of-leninism"


def test_journal_after_a_describing_word_without_the_year_of_the_sentence():
    text = ("Chairman Avakian's article originally appeared in the international journal A World To Win in 1992. "
            'It is a critique of the document "On Proletarian Democracy" by the CRC--a Marxist-Leninist formation')
    assert [w.attr("title") for w in works_of(text)] == ["A World To Win", "On Proletarian Democracy"]


def test_a_quoted_title_opening_a_citation_is_a_work_not_a_quotation():
    text = ('at the same time, the functions of government "have to be performed through the medium of special '
            'institutions which are also of a new type, namely, the Soviets". ("The Trade Unions, the Present '
            "Situation and Trotsky's Mistakes\", LCW , vol. 32, p. 20) The authors of this document")
    works = works_of(text)
    assert [w.attr("title") for w in works] == ["The Trade Unions, the Present Situation and Trotsky's Mistakes",
                                               "LCW"]
    assert works[1].key == "collected-works"


def test_the_party_history_is_known_by_its_title_and_abbreviation():
    text = ("As is recounted in the History of the Communist Party of the Soviet Union (Bolsheviks), this All-Russia "
            "Congress of Soviets opened ... ( HCPSU , Moscow, 1939, Chapter Seven, part 6)")
    assert {w.key for w in works_of(text)} == {"history-of-the-communist-party-of-the-soviet-union-bolsheviks"}


def test_quoted_title_running_over_a_printed_line_break():
    text = ('The second case is in his "Letter to the Workers and Peasants in Connection\n'
            'with the Victory over Kolchak," in which he says:')
    [work] = works_of(text)
    assert work.attr("title") == "Letter to the Workers and Peasants in Connection with the Victory over Kolchak"
    assert work.text.endswith("Kolchak")


def test_a_meetings_resolution_short_and_full_title_are_one_work():
    text = ('the well-known resolution of the Fourteenth Party Conference "The Tasks of the\n'
            'Comintern and the R.C.P.(B.),"20 which examines the question. As registered in\n'
            'the well-known resolution of the Fourteenth Party Conference "The Tasks of the\n'
            'Comintern and the R.C.P.(B.) in Connection with the Enlarged Plenum of the\nE.C.C.I."')
    short, full = works_of(text)
    assert short.attr("title") == "The Tasks of the Comintern and the R.C.P.(B.)"
    assert full.attr("title").startswith("The Tasks of the Comintern and the R.C.P.(B.) in Connection with")
    assert short.key == full.key


def test_title_cased_quoted_name_with_a_glued_footnote_number():
    text = 'You cannot go into battle armed\nonly with "The Philosophy of the Epoch."34\n\nIt is clear'
    [work] = works_of(text)
    assert work.attr("title") == "The Philosophy of the Epoch"


def test_a_quotation_with_a_glued_footnote_number_is_not_a_title():
    text = ('"Consequently, Lenin fought the adherents of \'permanent\' revolution, not over\nthe question of '
            'uninterruptedness."7')
    assert works_of(text) == []


def test_a_newspaper_cited_by_its_issue_is_its_own_paper():
    text = "we shall completely build socialism' (Kurskaya Pravda, No. 279,\nDecember 8, 1925). Is this"
    [work] = works_of(text)
    assert work.attr("title") == "Kurskaya Pravda"


def test_stalins_dialectical_and_historical_materialism_is_a_known_work():
    text = ("Stalin's 1938 work Dialectical and Historical Materialism codified\n"
            "Marxist philosophy into rigid orthodoxy.")
    [w] = works_of(text)
    assert (w.key, w.text) == ("dialectical-and-historical-materialism", "Dialectical and Historical Materialism")


def test_quotation_marks_around_a_cited_title_are_not_part_of_it():
    text = "It is a departure from the Leninist position\u201d (see \u201cReply\u201d).\n\nThis document appeared."
    assert [m.text for m in works_of(text)] == ["Reply"]


def test_a_newspaper_cited_by_the_day_of_its_issue_but_not_a_places_dateline():
    text = ("This may be seen from a speech delivered by Lenin at a convention of the Communist Party in Moscow "
            "(Krasnaya Gazetta, November 23, 1920):\n\nAt the Communist Congress earlier in the year Lenin had said "
            "(see Soviet Russia, August 23, 1920):\n\nThis is our gain. (Russian Press Review, March 15th, 1921.)")
    assert [w.attr("title") for w in works_of(text)] == ["Krasnaya Gazetta", "Soviet Russia", "Russian Press Review"]
    assert works_of("the strike spread (New York, March 3, 1920) and (Moscow, May 1, 1920).") == []


def test_programmes_and_primers_the_genre_cites_are_known_works():
    text = ("They not only authored the Communist manifesto and the Demands of the Communist Party in Germany; Engels "
            "greeted the finalised Erfurt programme. Zinoviev thinks he can cover his nakedness with the \"ABC of "
            "Communism.\"")
    assert [w.key for w in works_of(text)] == ["manifesto-of-the-communist-party",
                                               "demands-of-the-communist-party-in-germany", "erfurt-program",
                                               "the-abc-of-communism"]


def test_a_title_cited_before_an_editions_volume_is_a_work_by_the_author_named_before_it():
    text = ('bureaucracy."  Lenin, Notes for a Speech at the 10th Congress of The, Collected Works, Volume 36, '
            'pages 535-537.')
    works = {w.attr("title"): w for w in works_of(text, [person(text, "Lenin", "vladimir-lenin")])}
    assert works["Notes for a Speech at the 10th Congress"].attr("author") == "vladimir-lenin"
