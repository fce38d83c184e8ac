"""``ccassure demo``: synthetic data for trying ccassure out."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def demo() -> None:
    """Synthetic demo data (fictional authorities, centres and families)."""


@demo.command("generate")
@click.option("--output", "-o", "output", type=click.Path(file_okay=False, path_type=Path), default=Path("demo_data"),
              show_default=True, help="Folder to write the demo data into.")
@click.option("--seed", type=int, default=2016, show_default=True, help="Random seed; the same seed gives identical files.")
@click.option("--scale", type=click.FloatRange(min=0.01, max=20.0), default=1.0, show_default=True,
              help="Volume multiplier: 1.0 gives about 800 under-fives per centre; 0.1 is quick for tests.")
def generate(output: Path, seed: int, scale: float) -> None:
    """Write three fictional authorities' returns and records for financial year 2016-17.

    Wexcombe County (E10000901), Port Ellery (E06000901) and Harrowfield (E06000902), with a dozen planted
    compliance gaps listed in planted.json. Every record is synthetic.
    """
    from ccassure.demo.generate import generate_demo

    summary = generate_demo(output, seed=seed, scale=scale)
    click.echo(f"Synthetic demo data written to {output} (seed {seed}, scale {scale}).")
    for authority in summary["authorities"]:
        click.echo(f"  {authority['authority_code']}  {authority['authority_name']}: "
                   f"{authority['centres']} centres and sites, {len(authority['providers'])} provider(s)")
    counts = summary["row_counts"]
    click.echo(f"  {len(summary['provider_returns'])} provider returns ({', '.join(summary['quarters'])}); "
               f"{counts.get('registrations', 0):,} registration rows, {counts.get('contacts', 0):,} contacts, "
               f"{counts.get('sessions', 0):,} sessions")
    click.echo(f"  {len(summary['planted'])} planted gaps: see {Path(output) / 'planted.json'}")
    click.echo("Validate a return with, for example:")
    first = summary["provider_returns"][0]["path"]
    click.echo(f"  ccassure validate {first}")
