"""Query guard: updates recognised, SERVICE refused unless allowed, keywords inside strings ignored."""
import pytest

from kgpub.server.guard import Refused, check_service, is_update


def test_updates_are_recognised_after_a_prologue():
    assert is_update("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }")
    assert is_update("  load <http://example.org/data.ttl>")
    assert not is_update('SELECT * WHERE { ?s ?p "INSERT DATA" }')


def test_service_is_refused_unless_its_endpoint_is_allowed():
    query = "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    with pytest.raises(Refused, match="not allowed"):
        check_service(query, ())
    check_service(query, ("https://query.wikidata.org/sparql",))


def test_service_to_loopback_and_variables_is_refused():
    with pytest.raises(Refused):
        check_service("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:8080/sparql> { ?s ?p ?o } }", ())
    with pytest.raises(Refused, match="variable"):
        check_service("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", ("http://x/",))


def test_service_in_a_string_or_comment_is_not_a_call():
    check_service('SELECT * WHERE { ?s ?p "SERVICE <http://evil/>" } # SERVICE <http://evil/>', ())


@pytest.mark.parametrize("query", [
    r"SELECT * WHERE { SERV\u0049CE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    r"SELECT * WHERE { SERVICE <http://127.0.0.1:9/\u0078> { ?s ?p ?o } }",
    r"SELECT * WHERE { SERVICE \U0000003Chttp://127.0.0.1:9/x> { ?s ?p ?o } }",
    r'SELECT * WHERE { FILTER("\u0022) SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } # \u0022") }',
])
def test_codepoint_escapes_do_not_hide_a_service_call(query):
    with pytest.raises(Refused, match=r"SERVICE <http://127\.0\.0\.1:9/x> is not allowed"):
        check_service(query, ("https://query.wikidata.org/sparql",))


def test_an_allowed_endpoint_written_with_escapes_is_still_allowed():
    check_service(r"SELECT * WHERE { SERVICE <https://query.wikidata.org/sp\u0061rql> { ?s ?p ?o } }",
                  ("https://query.wikidata.org/sparql",))
