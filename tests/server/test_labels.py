"""Words for readers: counted nouns and the names of kinds and classes."""
from kgpub.server.labels import class_label, counted, kind_label


def test_counted_nouns():
    assert [counted(n, "congress") for n in (0, 1, 9)] == ["0 congresses", "1 congress", "9 congresses"]
    assert counted(1204, "quotation") == "1,204 quotations" and counted(2, "person") == "2 persons"
    assert counted(2, "date") == "2 dates" and counted(3, "body") == "3 bodies" and counted(3, "class") == "3 classes"


def test_kinds_and_classes_as_a_reader_names_them():
    assert kind_label("datemention") == "Date" and kind_label("DateMention") == "Date"
    assert kind_label("organization") == "Organisation" and kind_label("congress") == "Congress"
    assert class_label("http://example.org/BookChapter") == "Book chapter"
    assert class_label("http://example.org/ns#has_part") == "Has part"
    assert class_label("http://example.org/Writer", "Writer of pamphlets") == "Writer of pamphlets"
