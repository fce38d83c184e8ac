"""Parsing .qmd documents and injecting parameters as Quarto and papermill do."""

import pytest

from ccassure.render.qmd import QmdError, inject_parameters, parse_qmd, split_options

DOC = """---
title: "A test"
execute:
  echo: false
---

# Heading

Some text.

```{python}
#| tags: [parameters]
authority = None
```

```{python}
#| echo: true
#| fig-cap: "A chart"
x = 1
print(x)
```

````markdown
```{python}
not a chunk inside a four-backtick block? it is treated as markdown text only when not at line start
```
````
"""


def test_front_matter_markdown_and_chunks():
    doc = parse_qmd(DOC)
    assert doc.front_matter["title"] == "A test"
    assert doc.front_matter["execute"] == {"echo": False}
    kinds = [c.cell_type for c in doc.notebook.cells]
    assert kinds[:3] == ["markdown", "code", "code"]
    params, code = doc.notebook.cells[1], doc.notebook.cells[2]
    assert params.metadata["tags"] == ["parameters"]
    assert params.source == "authority = None"
    assert code.metadata["quarto"] == {"echo": True, "fig-cap": "A chart"}
    assert code.source == "x = 1\nprint(x)"
    assert "#|" not in code.source


def test_injected_cell_follows_parameters_cell_and_replaces_an_old_one():
    doc = parse_qmd(DOC)
    nb = inject_parameters(doc.notebook, {"authority": "E10000016", "min_count": 5})
    assert nb.cells[2].metadata["tags"] == ["injected-parameters"]
    assert "authority = 'E10000016'" in nb.cells[2].source
    assert "min_count = 5" in nb.cells[2].source
    nb = inject_parameters(nb, {"authority": "E10000017"})
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "E10000017" in injected[0].source
    assert nb.cells[2] is injected[0]


def test_without_parameters_cell_injection_goes_first():
    doc = parse_qmd("```{python}\nprint(1)\n```\n")
    nb = inject_parameters(doc.notebook, {"a": 1})
    assert nb.cells[0].metadata["tags"] == ["injected-parameters"]


def test_parameter_values_are_python_literals_not_code():
    doc = parse_qmd("```{python}\n#| tags: [parameters]\na = 1\n```\n")
    nb = inject_parameters(doc.notebook, {"a": "x'); import os; os.system('echo pwned"})
    source = nb.cells[1].source
    compiled = compile(source, "<injected>", "exec")
    namespace: dict = {}
    exec(compiled, namespace)  # the injected cell only assigns
    assert namespace["a"].startswith("x'); import os")
    with pytest.raises(QmdError):
        inject_parameters(doc.notebook, {"not valid": 1})
    with pytest.raises(QmdError):
        inject_parameters(doc.notebook, {"a": object()})


def test_errors_are_located():
    with pytest.raises(QmdError, match="never closed"):
        parse_qmd("```{python}\nx = 1\n")
    with pytest.raises(QmdError, match="only \\{python\\}"):
        parse_qmd("```{r}\nx <- 1\n```\n")
    with pytest.raises(QmdError, match="YAML"):
        parse_qmd("---\ntitle: [unclosed\n---\n")


def test_split_options():
    options, code = split_options("#| echo: true\n#| output: asis\nprint('# hi')")
    assert options == {"echo": True, "output": "asis"}
    assert code == "print('# hi')"
