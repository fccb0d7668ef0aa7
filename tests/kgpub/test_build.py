"""The build: atomic switch, dumps with true checksums, and a broken corpus that changes nothing in service."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kgpub.build import BuildError, run_build
from kgpub.builds import current_build
from kgpub.config import load_config

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
EXCERPT = CORPUS / "003_0b2304ea58912ec4.txt"


def small_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXCERPT, folder / EXCERPT.name)
    return folder


def test_build_switches_current_and_lists_true_checksums(tmp_path):
    config = load_config(corpus_dir=small_corpus(tmp_path / "corpus"), build_dir=tmp_path / "build", quiet=True)
    result = run_build(config)
    build = current_build(config.build_dir)
    assert build.build_id == result.build_id
    for dump in build.manifest["dumps"]:
        data = build.file(dump["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == dump["sha256"]
        assert len(data) == dump["bytes"]
    assert build.manifest["validation"]["conforms"] is True
    assert [d["id"] for d in build.manifest["documents"]] == ["003_0b2304ea58912ec4"]


def test_broken_file_stops_a_strict_build_with_file_and_line_and_keeps_the_last_good_one(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    config = load_config(corpus_dir=corpus, build_dir=tmp_path / "build", quiet=True, strict=True)
    good = run_build(config)
    (corpus / "broken.txt").write_bytes(b"First line is fine.\nSecond line has \xff\xfe bad bytes.\n")
    with pytest.raises(BuildError) as err:
        run_build(config)
    assert "broken.txt" in str(err.value) and "line 2" in str(err.value)
    assert current_build(config.build_dir).build_id == good.build_id
    assert not list(config.build_dir.glob(".tmp-*"))


def test_broken_file_is_skipped_by_name_and_reason_and_listed_in_the_manifest(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "broken.txt").write_bytes(b"First line is fine.\nSecond line has \xff\xfe bad bytes.\n")
    result = run_build(load_config(corpus_dir=corpus, build_dir=tmp_path / "build"))
    assert f"{corpus / 'broken.txt'}: line 2: not valid UTF-8" in capsys.readouterr().err
    assert [d["id"] for d in result.manifest["documents"]] == ["003_0b2304ea58912ec4"]
    [skipped] = result.manifest["skipped"]
    assert skipped["file"] == str(corpus / "broken.txt") and skipped["reason"].startswith("line 2: not valid UTF-8")


def test_empty_text_is_skipped_with_a_warning(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "empty.txt").write_text("")
    config = load_config(corpus_dir=corpus, build_dir=tmp_path / "build")
    result = run_build(config)
    assert "empty.txt: empty text, skipped" in capsys.readouterr().err
    assert [d["id"] for d in result.manifest["documents"]] == ["003_0b2304ea58912ec4"]


def test_quiet_build_prints_no_progress(tmp_path, capsys):
    config = load_config(corpus_dir=small_corpus(tmp_path / "corpus"), build_dir=tmp_path / "build", quiet=True)
    run_build(config)
    assert capsys.readouterr().err == ""


def test_missing_corpus_folder_says_what_to_do(tmp_path):
    config = load_config(corpus_dir=tmp_path / "nowhere", build_dir=tmp_path / "build", quiet=True)
    with pytest.raises(BuildError, match="--corpus"):
        run_build(config)


def test_same_input_gives_byte_identical_ntriples(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    first = run_build(load_config(corpus_dir=corpus, build_dir=tmp_path / "a", quiet=True))
    second = run_build(load_config(corpus_dir=corpus, build_dir=tmp_path / "b", quiet=True))
    digest = [next(d["sha256"] for d in r.manifest["dumps"] if d["name"].endswith(".nt.gz")) for r in (first, second)]
    assert digest[0] == digest[1]


def test_unchanged_input_keeps_the_build_in_service(tmp_path, capsys):
    config = load_config(corpus_dir=small_corpus(tmp_path / "corpus"), build_dir=tmp_path / "build")
    first = run_build(config)
    second = run_build(config)
    assert second.build_id == first.build_id
    assert "nothing changed" in capsys.readouterr().err
    assert run_build(config, force=True).build_id != first.build_id


def test_changing_one_text_re_extracts_only_that_text(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus")
    shutil.copy(CORPUS / "004_1fc320b69d2a5199.txt", corpus)
    config = load_config(corpus_dir=corpus, build_dir=tmp_path / "build")
    run_build(config)
    capsys.readouterr()
    changed = corpus / "004_1fc320b69d2a5199.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nKarl Marx wrote it in 1875.\n", encoding="utf-8")
    run_build(config)
    progress = capsys.readouterr().err.splitlines()
    assert any("003_0b2304ea58912ec4" in line and "from cache" in line for line in progress)
    assert any("004_1fc320b69d2a5199" in line and "from cache" not in line for line in progress)
