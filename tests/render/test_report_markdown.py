"""The Markdown dialect ccassure's documents are read in (``convert.REPORT_MARKDOWN``): pandoc's strict
Markdown plus only the features the documents use, so pandoc reads it faster and raw HTML in a value taken
from a return stays text. It must read every document exactly as pandoc's full Markdown does."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ccassure.render.convert import REPORT_MARKDOWN, pandoc_path
from ccassure.render.look import read_look
from ccassure.render.runner import Renderer, plan
from ccassure.reports import load_results

from .synthetic_results import make_results

REPO = Path(__file__).resolve().parents[2]

EVERY_FEATURE = """\
::: {.ccassure-title}
# Synthshire: children\\'s centres
:::

::: {.callout-warning .synthetic}
**Synthetic data** -- invented for "testing"...
:::

## Headlines {#headlines}

- **2 duties are not met** at [Synthetic Centre 1.1]{.place}: an escaped \\*star\\* and \\$5.[^1]

| Status | Where | What was found |
|:-------|:------|---------------:|
| ✖ Not met | Centre 1 | 3 of 7 |

![Sessions by quarter](chart-1.svg){alt="A bar chart" width="100%"}

```{=typst}
#pagebreak()
```

```
plain code
```

[^1]: A note.
"""


def ast(markdown: str, reader: str) -> dict:
    proc = subprocess.run([pandoc_path(), "--from", reader, "--to", "json"], input=markdown.encode("utf-8"),
                          capture_output=True, check=True)
    return json.loads(proc.stdout)


def test_every_feature_the_documents_use_reads_as_in_full_markdown():
    assert ast(EVERY_FEATURE, REPORT_MARKDOWN) == ast(EVERY_FEATURE, "markdown")


def test_raw_html_and_tex_in_text_stay_text():
    blocks = ast('A name <script>alert(1)</script> and \\newpage and $x$ here.\n', REPORT_MARKDOWN)["blocks"]
    kinds = {inline["t"] for inline in blocks[0]["c"]}
    assert kinds <= {"Str", "Space"}, kinds
    assert "alert(1)" in json.dumps(blocks)


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[Path]:
    """The Markdown of one document of each kind the synthetic results plan (index, authority, centre,
    validation, rules), kept by the renderer."""
    base = tmp_path_factory.mktemp("report-markdown")
    results = make_results(base / "results", authorities=1, centres_per_authority=1)
    jobs = plan(load_results(results), REPO / "reports", results)
    one_of_each = list({job.kind: job for job in jobs}.values())
    with Renderer(base / "out", formats=("html",), look=read_look(REPO), keep_markdown=True) as renderer:
        assert renderer.run(one_of_each).ok
    return sorted((base / "out").glob("*.md"))


def test_each_kind_of_document_reads_as_in_full_markdown(documents):
    assert len(documents) >= 4
    for path in documents:
        markdown = path.read_text(encoding="utf-8")
        assert ast(markdown, REPORT_MARKDOWN) == ast(markdown, "markdown"), path.name
