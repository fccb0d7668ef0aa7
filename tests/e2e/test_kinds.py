"""Every kind of entity in ontology/kinds.py is published whole: a browse page and a nav link, a VoID class partition
counting that kind alone, a SHACL shape, and a line in `kgpub stats`."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from SPARQLWrapper import JSON, SPARQLWrapper

from kgpub.ontology.kinds import KINDS
from kgpub.ontology.vocab import RDF, SH, VOID
from kgpub.shapes.validate import SHAPES_FILE

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def sparql_count(server: str, where: str) -> int:
    client = SPARQLWrapper(server + "sparql")
    client.setQuery(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")
    client.setReturnFormat(JSON)
    return int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def void(server) -> Graph:
    r = requests.get(server + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    return Graph().parse(data=r.content, format="turtle")


@pytest.fixture(scope="module")
def stats(built) -> str:
    config, _ = built
    return subprocess.run([sys.executable, "-m", "kgpub.cli", "stats", "--build-dir", str(config.build_dir)],
                          capture_output=True, text=True, cwd=ROOT, check=True).stdout


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_kind_has_a_page_a_partition_a_shape_and_a_stats_line(kind, server, built, void, stats):
    _, result = built
    base = result.manifest["base_iri"]
    # the entities of this kind, and that the class counting them holds nothing else
    total = sparql_count(server, f"?x a <{kind.own_class}>")
    assert total > 0, f"the development corpus has no {kind.plural.lower()}"
    alone = sparql_count(server, f'?x a <{kind.own_class}> FILTER (STRSTARTS(STR(?x), "{base}{kind.name}/"))')
    assert alone == total, f"<{kind.own_class}> counts other things than {kind.plural.lower()}"

    page = requests.get(server + f"browse/{kind.name}", timeout=30).text
    listed = set(re.findall(rf'<td><a href="/{kind.name}/([^"]+)"', page))
    assert len(listed) == total
    home = requests.get(server, timeout=30).text
    assert f'<a href="/browse/{kind.name}">{kind.plural}</a>' in home.split("</nav>")[0]

    partitions = [p for p in void.objects(None, VOID.classPartition) if void.value(p, VOID["class"]) == kind.own_class]
    assert len(partitions) == 1, f"no VoID class partition for <{kind.own_class}>"
    assert int(void.value(partitions[0], VOID.entities)) == total

    shapes = Graph().parse(SHAPES_FILE)
    assert any(shapes.value(s, RDF.type) == SH.NodeShape for s in shapes.subjects(SH.targetClass, kind.own_class))

    linked = result.manifest.get("linked", {}).get(kind.name, 0)
    assert re.search(rf"^\s+{kind.name}\s+{linked} / {total}$", stats, re.MULTILINE), stats
