"""`make eval`: build the gold sets' pages from the MIA sample tarball and print the scorer's tables for each set.

A gold set is a folder of <name>.json files (../shared/eval/GOLD_SPEC.md, "doc" being the page's identifier: its
path under the archive without the extension) and a SOURCES.tsv naming each page's archive path
("archive/x/1920/ch01.htm"). The pages are extracted from the tarball (members "mia-html/<path>") into a
temporary corpus folder keeping their paths, built with `kgpub build`, and scored with the shared scorer. The
seeds' development gold is scored on a build of data/corpus."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from kgpub.config import PROJECT_ROOT

ARCHIVE_PATH = re.compile(r"(?:^|[\s/])(?P<path>(?:mia-html/)?[\w.~%+-]+(?:/[\w.~%+-]+)*\.html?)(?=\s|$)")
TARBALL_ROOT = "mia-html/"


def sources(gold_dir: Path) -> list[str]:
    """The archive paths a gold set's SOURCES.tsv lists (any column holding a path ending .htm or .html)."""
    listing = gold_dir / "SOURCES.tsv"
    if not listing.exists():
        raise SystemExit(f"{listing}: missing; list the archive path of each page of the set there")
    paths = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        for cell in line.split("\t"):
            m = ARCHIVE_PATH.search(cell.strip())
            if m:
                paths.append(m.group("path").removeprefix(TARBALL_ROOT))
                break
    return paths


def extract_pages(tarball: Path, wanted: dict[str, list[Path]]) -> set[str]:
    """Copy each wanted archive path out of the tarball into every corpus folder that asks for it, keeping the
    path; the paths found. One pass over the tarball whatever the number of sets."""
    found = set()
    with tarfile.open(tarball, "r:*") as archive:
        for member in archive:
            name = member.name.removeprefix("./").removeprefix(TARBALL_ROOT)
            if not member.isfile() or name not in wanted:
                continue
            data = archive.extractfile(member).read()
            for corpus in wanted[name]:
                target = corpus / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            found.add(name)
            if len(found) == len(wanted):
                break
    return found


def build(corpus: Path, build_dir: Path) -> Path:
    """Build a corpus into its own build folder; the Turtle dump of the build."""
    done = subprocess.run([sys.executable, "-m", "kgpub.cli", "build", "--quiet", "--corpus", str(corpus),
                           "--build-dir", str(build_dir)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"building {corpus} failed:\n{done.stderr}")
    for line in done.stderr.splitlines():
        print(f"  {line}")
    return next((build_dir / "current").glob("kgpub-*.ttl"))


def score(scorer: Path, dump: Path, gold: Path) -> int:
    print(flush=True)
    return subprocess.call([sys.executable, str(scorer), "--dump", str(dump), "--gold", str(gold)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", nargs=2, metavar=("NAME", "DIR"), default=[],
                    help="a gold set: its name and folder (repeatable; default: dev and test under tests/gold)")
    ap.add_argument("--tarball", type=Path, default=PROJECT_ROOT.parent / "shared/corpora/mia-html.tar.xz",
                    help="the MIA sample (default: ../shared/corpora/mia-html.tar.xz)")
    ap.add_argument("--scorer", type=Path, default=PROJECT_ROOT.parent / "shared/eval/score.py",
                    help="the scorer (default: ../shared/eval/score.py)")
    ap.add_argument("--seed-gold", type=Path, default=PROJECT_ROOT.parent / "shared/eval/gold",
                    help="the seeds' development gold, scored on data/corpus (default: ../shared/eval/gold)")
    args = ap.parse_args(argv)
    sets = [(name, Path(folder)) for name, folder in args.set] or [
        ("dev", PROJECT_ROOT / "tests/gold/dev"), ("test", PROJECT_ROOT / "tests/gold/test")]
    status = 0
    with tempfile.TemporaryDirectory(prefix="kgpub-eval-") as tmp:
        work = Path(tmp)
        present = [(name, folder) for name, folder in sets if any(folder.glob("*.json"))]
        for name, folder in sets:
            if (name, folder) not in present:
                print(f"== {name}: no gold files in {folder}, skipped")
        wanted: dict[str, list[Path]] = {}
        for name, folder in present:
            for path in sources(folder):
                wanted.setdefault(path, []).append(work / name / "corpus")
        found = extract_pages(args.tarball, wanted) if wanted else set()
        for path in sorted(set(wanted) - found):
            print(f"warning: {path}: listed in SOURCES.tsv but not in {args.tarball}")
        for name, folder in present:
            print(f"\n== {name} ({folder}): {len(sources(folder))} pages")
            dump = build(work / name / "corpus", work / name / "build")
            status |= score(args.scorer, dump, folder)
        if args.seed_gold.is_dir():
            print(f"\n== seeds ({args.seed_gold}) on data/corpus")
            dump = build(PROJECT_ROOT / "data/corpus", work / "seeds" / "build")
            status |= score(args.scorer, dump, args.seed_gold)
    return status


if __name__ == "__main__":
    sys.exit(main())
