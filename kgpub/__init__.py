"""kgpub: build a linked-data knowledge graph from political texts and publish it."""

__version__ = "0.1.0"
