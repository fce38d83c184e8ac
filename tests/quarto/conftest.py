"""Real Quarto for the tests: found (CCASSURE_QUARTO, PATH, the project's .tools/quarto) or installed once from
the offline vendor folder by scripts/ensure_quarto.sh. Skipped with a reason only when there is neither;
with CI=true and the vendor folder present, a missing Quarto fails the run instead.

One whole-project render serves every test (Quarto takes 10-40 s a document): a copy of the project's
documents, look and scripts over a one-authority synthetic results folder with one change-impact assessment
kept beside it, rendered by the README's recipe verbatim, and the same results rendered by `ccassure render`
for comparison.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccassure.render.quarto import find_quarto
from tests.render.impact_results import write_assessment
from tests.render.synthetic_results import make_results

REPO = Path(__file__).resolve().parents[2]
VENDOR = Path(os.environ.get("CCASSURE_QUARTO_VENDOR") or REPO.parent / "shared" / "vendor" / "quarto")
COPIED = ("reports", "scripts", "_quarto.yml", "ccassure.yml", "README.md")
LINKED = ("rules", "data_contracts", "checks")


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def quarto() -> str:
    found = find_quarto(REPO)
    if found is None and (VENDOR / "install_quarto.sh").is_file():
        proc = subprocess.run(["sh", str(REPO / "scripts" / "ensure_quarto.sh")], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=900)
        found = proc.stdout.strip() or None
        if found is None:
            pytest.fail(f"Quarto could not be installed from {VENDOR}:\n{proc.stderr[-2000:]}")
    if found is None:
        if _ci() and VENDOR.is_dir():
            pytest.fail(f"CI=true and {VENDOR} exists, but no Quarto could be found or installed")
        pytest.skip("no Quarto: not on PATH, no CCASSURE_QUARTO, no .tools/quarto and no vendor folder")
    return found


def readme_recipe() -> str:
    """The first shell block of the README's "Reports with Quarto" section, as a user would paste it."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Reports with Quarto", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def project_copy(project: Path, quarto: str) -> dict[str, str]:
    """Copy the project's documents, look and scripts into ``project`` (rules, contracts and checks linked),
    give it the `.venv/bin/python` and `quarto` the README's recipe names; returns the environment to run it in."""
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__", "*_files"))
        else:
            shutil.copy2(source, project / name)
    for name in LINKED:
        (project / name).symlink_to(REPO / name)
    (project / ".venv" / "bin").mkdir(parents=True)
    python = project / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    tools = project / "bin"
    tools.mkdir()
    (tools / "quarto").symlink_to(Path(quarto).resolve())
    env = {**os.environ, "CI": "true", "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.pop("QUARTO_PYTHON", None)
    env.pop("CCASSURE_QUARTO", None)
    env.pop("CCASSURE_PROJECT", None)
    return env


@pytest.fixture(scope="session")
def rendered_both(quarto, tmp_path_factory):
    """(quarto output folder, ccassure output folder, project copy) for the same synthetic results, with one
    impact assessment ("review") kept with them."""
    project = tmp_path_factory.mktemp("quarto-project")
    env = project_copy(project, quarto)
    results = make_results(project / "_output" / "results", authorities=1, centres_per_authority=1)
    write_assessment(results / "impact" / "review")
    proc = subprocess.run(["bash", "-euc", readme_recipe()], cwd=project, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, f"the README's Quarto recipe failed:\n{proc.stderr[-4000:]}"
    ours = project / "_output" / "reports"
    built = subprocess.run([sys.executable, "-m", "ccassure", "render", "--results", str(project / "_output" / "results"),
                            "--output-dir", str(ours)], cwd=project, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-4000:]
    return project / "_output" / "quarto" / "reports", ours, project
