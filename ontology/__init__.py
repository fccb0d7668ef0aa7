"""The project's ontology (Turtle) and the vocabulary terms every other step imports."""
