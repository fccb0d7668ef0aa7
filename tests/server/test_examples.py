"""The query page's examples: every query of the README is one click away, each with its prefixes declared."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def normalised(query: str) -> str:
    body = "\n".join(line for line in query.splitlines() if not line.strip().upper().startswith("PREFIX"))
    return " ".join(body.split())


def test_every_readme_query_is_an_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", readme, re.S)
    examples = [normalised(e["query"]) for e in json.loads((ROOT / "server/static/examples.json").read_text("utf-8"))]
    assert queries
    for query in queries:
        assert normalised(query) in examples, query


def test_every_prefix_an_example_uses_is_declared():
    for example in json.loads((ROOT / "server/static/examples.json").read_text("utf-8")):
        declared = set(re.findall(r"PREFIX\s+(\w+):", example["query"]))
        body = re.sub(r"PREFIX\s+\w+:\s*<[^>]*>|<[^>]*>|\"[^\"]*\"", "", example["query"])
        used = set(re.findall(r"\b([a-z]\w*):\w", body))
        assert used <= declared, (example["title"], used - declared)
