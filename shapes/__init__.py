"""SHACL shapes the published graph must satisfy, and the validator that applies them."""
