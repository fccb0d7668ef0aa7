"""Configuration: defaults that work, environment over defaults, flags over environment."""
from pathlib import Path

from kgpub.config import load_config


def test_defaults_work_out_of_the_box():
    config = load_config(environ={})
    assert config.corpus_dir == Path.cwd() / "data/corpus" and config.port == 8080 and config.host == "127.0.0.1"


def test_relative_paths_are_taken_against_the_working_directory_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(environ={"KGPUB_BUILD_DIR": "builds"}, corpus_dir=Path("texts/../corpus"))
    assert config.build_dir == tmp_path / "builds" and config.corpus_dir == tmp_path / "corpus"
    monkeypatch.chdir("/")
    assert config.with_overrides(port=1).build_dir == tmp_path / "builds"  # no second resolution elsewhere


def test_environment_overrides_defaults_and_flags_override_environment():
    env = {"KGPUB_PORT": "9001", "KGPUB_BASE_IRI": "http://example.org/kg/", "KGPUB_SERVICE_ALLOWLIST": "a, b"}
    assert load_config(environ=env).port == 9001
    assert load_config(environ=env).service_allowlist == ("a", "b")
    assert load_config(environ=env, port=9002).port == 9002
    assert load_config(environ=env).base_iri == "http://example.org/kg/"
