"""A query's text read before and after the engine: explained syntax errors at the right place, SELECT * order,
the PREFIX lines a store that takes no prefixes is sent."""
import pyoxigraph as ox
import pytest

from kgpub.server.querytext import PREDECLARED, explain_syntax_error, predeclared_for, star_variables


def explained(query: str) -> str:
    with pytest.raises(SyntaxError) as err:
        ox.Store().query(query, prefixes=PREDECLARED)
    return explain_syntax_error(query, str(err.value), PREDECLARED)


def test_positions_count_the_strings_iris_and_comments_before_the_error():
    query = 'SELECT * WHERE { ?s <http://x.org/#y> "a # b" . # c:d\n  ?s foaf:name ?n }'
    assert explained(query).startswith("error at 2:6: the prefix 'foaf:' is not declared; add the line "
                                       "PREFIX foaf: <http://xmlns.com/foaf/0.1/>")
    assert explained('SELECT * WHERE { ?s ?p """two\nlines""" } LIMT 1').startswith(
        "error at 2:12: 'LIMT' is not a SPARQL keyword; did you mean LIMIT?")


def test_words_inside_strings_iris_and_comments_are_not_taken_for_keywords():
    message = explained('SELECT * WHERE { ?s <urn:SELCT> "LIMT" # OPTINAL\n ?s ?p }')
    assert "SELCT" not in message and "LIMT" not in message and "OPTINAL" not in message
    assert message.startswith("error at 2:") and "\\u{" not in message


def test_an_unknown_prefix_gets_the_line_shape_and_the_list_of_predeclared_ones():
    message = explained("ASK { ?s myns:p ?o }")
    assert "'myns:'" in message and "PREFIX myns: <namespace IRI>" in message and "schema:" in message


def test_select_star_order_and_the_prefix_lines_for_a_store():
    assert star_variables('SELECT DISTINCT * WHERE { ?b <urn:?a> ?c . BIND("?d" AS ?a) }') == ["b", "c", "a"]
    assert star_variables("SELECT ?b ?a WHERE { ?a ?b ?c }") is None
    assert star_variables("SELECT ?x WHERE { { SELECT * WHERE { ?x ?y ?z } } }") is None
    lines = predeclared_for("PREFIX schema: <urn:own:> ASK { ?s schema:p ?o ; oa:hasBody foaf:x }", PREDECLARED)
    assert lines == "PREFIX oa: <http://www.w3.org/ns/oa#> "
