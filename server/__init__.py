"""The web side: SPARQL endpoint, resource pages and dumps over one built store; never imports extraction code."""
