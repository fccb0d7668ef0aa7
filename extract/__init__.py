"""Extraction: corpus texts -> mentions (spans) -> resolved entities -> RDF."""
