"""Packaging: the wheel builds without layout warnings, installs one import package and carries the site files."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_builds_without_layout_warnings_and_holds_the_site_files(tmp_path):
    # built from a copy: setuptools writes its build/ folder beside pyproject.toml
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "build", "data", "tests", "bench",
                                                                "__pycache__", "*.egg-info", ".*cache"))
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
                          str(source)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    output = out.stdout + out.stderr
    assert "absent from the `packages` configuration" not in output and "Package would be ignored" not in output
    names = zipfile.ZipFile(next(tmp_path.glob("kgpub-*.whl"))).namelist()
    assert "kgpub/server/templates/query.html" in names and "kgpub/server/static/query.js" in names
    assert "kgpub/ontology/kgpub.ttl" in names and "kgpub/shapes/shapes.ttl" in names
    # one import package: nothing called `server` or `extract` lands at the top of site-packages
    assert {name.split("/")[0] for name in names} == {"kgpub", next(n.split("/")[0] for n in names
                                                                  if n.endswith(".dist-info/METADATA"))}
