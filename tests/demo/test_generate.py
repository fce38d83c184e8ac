"""The generator is deterministic, writes the documented layout, and the CLI drives it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from ccassure.demo.generate import (
    AUTHORITY_TABLES,
    DEMO_QUARTERS,
    PLANTED,
    PROVIDER_TABLES,
    REFERENCE_TABLES,
    generate_demo,
    generate_sample,
)

from .conftest import DEMO_SCALE, SAMPLE


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(tmp_path: Path, demo_dir: Path) -> None:
    generate_demo(tmp_path / "again", seed=2016, scale=DEMO_SCALE)
    first, second = digest(demo_dir), digest(tmp_path / "again")
    assert first == second
    assert len(first) > 200


def test_another_seed_gives_other_data_but_the_same_plants(tmp_path: Path, demo_dir: Path) -> None:
    generate_demo(tmp_path / "other", seed=7, scale=DEMO_SCALE)
    first, other = digest(demo_dir), digest(tmp_path / "other")
    assert first.keys() == other.keys()
    changed = "provider_return/PRV-WXC-BRIGHT/2016Q4/contacts.csv"
    assert first[changed] != other[changed]
    planted = json.loads((tmp_path / "other" / "planted.json").read_text())
    assert [p["id"] for p in planted["planted"]] == [p["id"] for p in PLANTED]


def test_layout_and_summary(demo_dir: Path) -> None:
    providers = {p.name for p in (demo_dir / "provider_return").iterdir()}
    assert providers == {"PRV-WXC-BRIGHT", "PRV-WXC-MEADOW", "PRV-WXC-SCHOOLS", "PRV-PEL-COUNCIL",
                         "PRV-PEL-HARBOUR", "PRV-HRF-HUBS"}
    for provider in providers:
        assert sorted(q.name for q in (demo_dir / "provider_return" / provider).iterdir()) == sorted(DEMO_QUARTERS)
        for quarter in DEMO_QUARTERS:
            files = {p.stem for p in (demo_dir / "provider_return" / provider / quarter).glob("*.csv")}
            assert files == set(PROVIDER_TABLES)
    assert {p.name for p in (demo_dir / "authority_records").iterdir()} == {"E10000901", "E06000901", "E06000902"}
    for folder in (demo_dir / "authority_records").iterdir():
        assert {p.stem for p in folder.glob("*.csv")} == set(AUTHORITY_TABLES)
    assert {p.stem for p in (demo_dir / "reference").glob("*.csv")} == set(REFERENCE_TABLES)
    readme = (demo_dir / "README.md").read_text()
    assert "SYNTHETIC" in readme
    for plant in PLANTED:
        assert plant["id"] in readme


def test_summary_lists_what_was_written(demo_run: dict) -> None:
    summary = demo_run
    assert [a["authority_code"] for a in summary["authorities"]] == ["E10000901", "E06000901", "E06000902"]
    assert len(summary["provider_returns"]) == 6 * 4
    assert all(Path(r["path"]).is_dir() for r in summary["provider_returns"])
    assert summary["row_counts"]["contacts"] > 0
    assert summary["planted"] == PLANTED


def test_sample_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    """sample_data/ is committed; regenerating it must give the same files (so it never drifts silently)."""
    generate_sample(tmp_path / "sample")
    committed = {k: v for k, v in digest(SAMPLE).items() if k != "README.md"}
    assert digest(tmp_path / "sample") == committed


def test_cli_generate(tmp_path: Path) -> None:
    from ccassure.cli import cli

    result = CliRunner().invoke(cli, ["demo", "generate", "--output", str(tmp_path / "cli"), "--seed", "3",
                                      "--scale", "0.02"])
    assert result.exit_code == 0, result.output
    assert "Synthetic demo data written" in result.output
    assert (tmp_path / "cli" / "planted.json").is_file()
    assert (tmp_path / "cli" / "provider_return" / "PRV-HRF-HUBS" / "2017Q1" / "centres.csv").is_file()
