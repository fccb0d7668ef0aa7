"""Packaging: the wheel builds without setuptools warning about our layout, and carries templates and static files."""
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
    assert "server/templates/query.html" in names and "server/static/query.js" in names
    assert "ontology/kgpub.ttl" in names and "shapes/shapes.ttl" in names
