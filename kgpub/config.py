"""Every setting in one place: defaults that work, overridden by environment variables, then by CLI flags."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "KGPUB_"


@dataclass(frozen=True)
class Config:
    """Settings of a build and of the server. Each field can be set as KGPUB_<NAME> in the environment.

    Every path is absolute: a relative one is taken against the working directory when the settings are read."""

    base_iri: str = "https://w3id.org/kgpub/"
    corpus_dir: Path = Path("data/corpus")
    build_dir: Path = Path("data/build")
    records_dir: Path = PROJECT_ROOT / "data" / "records"
    cache_dir: Path | None = None  # default: <build_dir>/.cache
    keep_builds: int = 3
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 16  # threads of the WSGI server: they only wait for the query and page processes
    query_timeout: float = 10.0
    # seconds within which every page (resource, document, browse list, dumps listing, VoID, ...) is answered,
    # waiting for a free page worker included; past it a 503 with Retry-After, and the page's process is stopped
    request_timeout: float = 10.0
    page_workers: int = 3  # processes making pages (each holds the site and a read-only view of the store)
    max_rows: int = 10000
    page_size: int = 50  # mentions shown per page of an entity's evidence (?page=2 for the next ones)
    browse_page_size: int = 1000  # entities per page of a browse list, most mentioned first
    max_body_bytes: int = 1_000_000
    max_concurrent_queries: int = 4
    query_memory_mb: int = 4096  # largest in-memory copy of the graph the query workers share; 0: query on disk
    service_allowlist: tuple[str, ...] = ()
    wikidata_endpoint: str = "https://query.wikidata.org/sparql"  # `kgpub link` asks it for candidates
    wikidata_min_interval: float = 1.0  # seconds between two live queries (Wikimedia asks for restraint)
    link_threshold: float = 0.85  # a candidate scoring below it is not proposed
    links_dir: Path = PROJECT_ROOT / "data" / "links"  # proposals.toml and the answer cache
    store_graph: str = ""  # the stable graph `kgpub publish` switches and `serve --store` reads; "" = <base_iri>graph
    title: str = "Dictatorship of the Proletariat: a knowledge graph of texts and quotations"
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    quiet: bool = False
    strict: bool = False  # a corpus file that cannot be read (or has bytes that do not decode) stops the build

    def __post_init__(self) -> None:
        # Relative paths mean the working directory of the command that read the configuration; made absolute
        # here, once, so that no later step (Flask's send_file resolves against the package folder) reads them
        # against another folder.
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                object.__setattr__(self, f.name, absolute(value))

    @property
    def published_graph(self) -> str:
        """The stable named graph of the published dataset in an external SPARQL store."""
        return self.store_graph or self.base_iri + "graph"

    def with_overrides(self, **values) -> Config:
        """A copy with the given fields replaced; None values leave a field as it is."""
        return dataclasses.replace(self, **{k: v for k, v in values.items() if v is not None})


def absolute(path: Path) -> Path:
    """The path against the working directory, `~` expanded and `..` removed; symbolic links left as they are."""
    return Path(os.path.abspath(path.expanduser()))


def _coerce(kind: type | str, raw: str):
    kind = str(kind)
    if "Path" in kind:
        return Path(raw)
    if "int" in kind and "tuple" not in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    if "bool" in kind:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if "tuple" in kind:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def load_config(environ: dict[str, str] | None = None, **overrides) -> Config:
    """Defaults, then KGPUB_* environment variables, then explicit overrides (CLI flags)."""
    environ = os.environ if environ is None else environ
    from_env = {}
    for f in dataclasses.fields(Config):
        raw = environ.get(ENV_PREFIX + f.name.upper())
        if raw is not None:
            from_env[f.name] = _coerce(f.type, raw)
    return Config().with_overrides(**from_env).with_overrides(**overrides)
