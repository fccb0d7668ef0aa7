"""The layout of the build folder: one folder per build, a `current` link to the one in service, its manifest."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

CURRENT = "current"
MANIFEST = "manifest.json"
STORE = "store"
LIFE_DATES = "life-dates.json"  # the records' years of life by person IRI, for /reconcile
TMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class Build:
    """A finished build: its folder and what its manifest says (dumps, counts, checksums)."""

    path: Path
    manifest: dict

    @property
    def build_id(self) -> str:
        return self.manifest["build_id"]

    @property
    def store_path(self) -> Path:
        return self.path / STORE

    def file(self, name: str) -> Path:
        return self.path / name


class NoBuildError(Exception):
    """There is no finished build in the build folder."""


def current_build(build_dir: Path) -> Build:
    """The build in service, as `current` points to it."""
    link = build_dir / CURRENT
    try:
        target = build_dir / os.readlink(link)
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NoBuildError(f"{build_dir}: no finished build here; run `kgpub build` first") from None
    return Build(target, manifest)


def current_target(build_dir: Path) -> str | None:
    """What `current` points to (cheap: one readlink), or None."""
    try:
        return os.readlink(build_dir / CURRENT)
    except OSError:
        return None


def new_build_folder(build_dir: Path, build_id: str) -> Path:
    """A fresh temporary folder for a build in progress."""
    build_dir.mkdir(parents=True, exist_ok=True)
    folder = build_dir / f"{TMP_PREFIX}{build_id}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def fsync_tree(folder: Path) -> None:
    """Flush every file of a folder to disk, so a crash after the switch cannot leave it half-written."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def publish_build(build_dir: Path, folder: Path, build_id: str, keep: int = 3) -> Path:
    """Move a finished build into place and switch `current` to it atomically; prune old builds."""
    fsync_tree(folder)
    final = build_dir / build_id
    os.replace(folder, final)
    link_tmp = build_dir / f"{TMP_PREFIX}link-{build_id}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(build_id, link_tmp)
    os.replace(link_tmp, build_dir / CURRENT)
    prune(build_dir, keep)
    return final


def finished_builds(build_dir: Path) -> list[Path]:
    """Finished build folders, oldest first."""
    return sorted(p for p in build_dir.iterdir() if p.is_dir() and not p.is_symlink()
                  and not p.name.startswith(TMP_PREFIX) and (p / MANIFEST).exists())


def prune(build_dir: Path, keep: int) -> None:
    """Remove all but the newest `keep` builds (never the current one) and stale temporary folders."""
    current = current_target(build_dir)
    builds = finished_builds(build_dir)
    for old in builds[: max(0, len(builds) - keep)]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
    for stale in build_dir.glob(TMP_PREFIX + "*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
