"""Structure: footnotes printed inline after their doubled mark, and editorial notes in brackets."""
from kgpub.extract.structure import editorial_notes, footnotes


def test_inline_footnote_after_a_doubled_mark():
    text = ('(See Vol. XXV, p. 190.)[1][1] "Theses on the Fundamental Tasks of the Second Congress of the '
            'Communist International," July 1920.\nNext line.')
    [note] = footnotes(text)
    assert text[note.start:note.end].startswith('"Theses on the Fundamental Tasks')
    assert text[note.start:note.end].endswith("July 1920.")
    assert note.label == "1"


def test_transcribers_note_is_an_editorial_remark():
    text = "[¥] [Transcriber's Note: See Lenin's The Tasks of the Proletariat in the Present Revolution. -- DJR]"
    [note] = editorial_notes(text)
    assert text[note.start:note.end].startswith("See Lenin's The Tasks")
