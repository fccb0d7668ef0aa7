"""Date mentions: every explicit calendar expression, normalised with its precision, and nothing that only looks
like one."""
from __future__ import annotations

import pytest

from kgpub.extract.dates import find_dates, precision


def dates(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], value) for s, e, value, _ in find_dates(text)]


def test_footnote_range_and_its_ocr_form():
    text = ('[1] Tenth Congress of the R.C.P.(B.), March 8-16, 1921. "5. Speech on the Trade Unions."\n'
            '[1] Tenth Congress of the R.C.P.(B.), March 8-16,1921. "6. Report on the Substitution of a Tax in Kind')
    assert dates(text) == [("March 8-16, 1921", "1921-03-08/1921-03-16"), ("March 8-16,1921", "1921-03-08/1921-03-16")]


def test_year_ranges_short_and_long():
    text = "The war of 1914-18 and the civil war; the years 1914-1920 in Russia; in 1917-18 the Soviets"
    assert [v for _, v in dates(text)] == ["1914/1918", "1914/1920", "1917/1918"]


def test_month_without_year_takes_the_year_before_it():
    text = ("Thus over six months (November, 1917-April-May, 1918) passed from the day the Soviets took power. "
            "In April the Left Socialist-Revolutionaries")
    assert dates(text) == [("November, 1917-April-May, 1918", "1917-11/1918-05"), ("April", "1918-04")]


@pytest.mark.parametrize("text, value", [
    ("J. V. Stalin, January 25, 1926", "1926-01-25"),
    ("dated 25 January 1926", "1926-01-25"),
    ("on the 25th of January, 1926", "1926-01-25"),
    ("Moscow, Dec. 1925", "1925-12"),
    ("in the winter of 1917", "1917"),
    ("in mid-1918 the", "1918"),
    ("from March to May 1918", "1918-03/1918-05"),
    ("the Eleventh Congress, March 27-April 2, 1922", "1922-03-27/1922-04-02"),
])
def test_calendar_forms(text, value):
    assert [v for _, v in dates(text)] == [value]


def test_old_and_new_style_are_two_days_of_one_year():
    text = "the insurrection of October 25 (November 7), 1917, in Petrograd"
    assert dates(text) == [("October 25", "1917-10-25"), ("November 7", "1917-11-07")]


@pytest.mark.parametrize("text", [
    "After the purges of the late 1930s, Stalin",
    "in the 1930's",
    "we may say that it May be so",
    "(See Vol. 1917, p. 1921.)",
    "two and a half years after the revolution",
    "some 1500 workers",
    "in the nineteenth century",
])
def test_not_dates(text):
    assert dates(text) == []


def test_precision_of_intervals_is_their_start():
    assert [precision(v) for v in ("1921-03-08/1921-03-16", "1916-10", "1914/1918")] == ["day", "month", "year"]


def test_iso_date_of_a_transcription_note():
    assert [v for _, v in dates("Last updated: 2004-02-10. Transcribed in 1920-1 style")] == ["2004-02-10", "1920/1921"]


def test_between_two_years_is_a_range():
    text = ("the destruction of the 'ready-made state machinery' (perfected in those countries, between 1914 and "
            "1917, up to the 'European' general imperialist standard)")
    assert dates(text) == [("1914 and 1917", "1914/1917")]


def test_between_two_days_takes_the_year_before_them():
    text = ("1The Paris Commune of 1871 was the first successful seizure of power by the working class. For 76 days, "
            "between March 26 and May 30, the revolutionary workers held the city of Paris.")
    assert dates(text) == [("1871", "1871"), ("March 26 and May 30", "1871-03-26/1871-05-30")]


def test_a_year_after_in_dates_an_event_not_a_period():
    text = "From Lenin's death in 1924 to 1949 when Mao won the Chinese Revolution, Stalin protected the Soviet Union"
    assert dates(text) == [("1924", "1924"), ("1949", "1949")]
    assert [v for _, v in dates("the years from 1924 to 1949")] == ["1924/1949"]


def test_a_period_over_a_century_in_words_is_one_range():
    text = "The Romanovs were the ruling family of the Russian Empire for more than 300 years (1613 to 1917)."
    assert dates(text) == [("1613 to 1917", "1613/1917")]


def test_a_month_in_capitals_and_a_day_month_year_in_figures():
    text = "Lenin, The Seventh (April) All-Russia Conference of the R.S.D.L.P.(B.), APRIL 24-29, 1917"
    assert dates(text) == [("APRIL 24-29, 1917", "1917-04-24/1917-04-29")]
    assert dates("WeeklyWorker\n\n14.12.2006\n\nKautsky, Lenin and Trotsky") == [("14.12.2006", "2006-12-14")]
    assert dates("see Vol. 3.10.1900 and IN MAY THE") == []
