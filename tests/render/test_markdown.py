"""Executed notebooks to Markdown: Quarto's cell options are honoured."""

import base64

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ccassure.render.markdown import notebook_to_markdown

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


def cell(source, options=None, outputs=()):
    c = new_code_cell(source)
    c.metadata["quarto"] = options or {}
    c.outputs = list(outputs)
    return c


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def stderr(text):
    return new_output("stream", name="stderr", text=text)


def test_options(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("# Title"),
        cell("secret_code()", {}, [stdout("plain output\n")]),
        cell("shown_code()", {"echo": True}, [stdout("x\n")]),
        cell("hidden()", {"include": False}, [stdout("HIDDEN-INCLUDE\n")]),
        cell("nooutput()", {"output": False}, [stdout("HIDDEN-OUTPUT\n")]),
        cell("asis()", {"output": "asis"}, [stdout("| a | b |\n|---|---|\n| 1 | 2 |\n")]),
        cell("warn()", {}, [stderr("UserWarning: HIDDEN-WARNING\n")]),
        cell("warn()", {"warning": True}, [stderr("UserWarning: SHOWN-WARNING\n")]),
        cell("md()", {}, [new_output("display_data", data={"text/markdown": "**bold** from Markdown()",
                                                            "text/plain": "<Markdown>"})]),
        cell("html()", {}, [new_output("display_data", data={"text/html": "<table>RAW-HTML</table>"})]),
        cell("fig()", {"fig-cap": "Caption", "fig-alt": "Alt \"text\""},
             [new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure size 640x480>"})]),
    ])
    md = notebook_to_markdown(nb, tmp_path, stem="doc")
    assert "# Title" in md
    assert "secret_code" not in md and "plain output" in md
    assert "```python\nshown_code()\n```" in md
    assert "HIDDEN-INCLUDE" not in md and "hidden()" not in md
    assert "HIDDEN-OUTPUT" not in md
    assert "| a | b |\n|---|---|\n| 1 | 2 |" in md and "```\n| a" not in md
    assert "HIDDEN-WARNING" not in md and "SHOWN-WARNING" in md
    assert "**bold** from Markdown()" in md and "<Markdown>" not in md
    assert "RAW-HTML" not in md  # raw HTML would be lost in PDF: never relied on
    assert '![Caption](doc-1.png){alt="Alt \\"text\\"" width="100%"}' in md
    assert (tmp_path / "doc-1.png").read_bytes().startswith(b"\x89PNG")
    assert "<Figure size" not in md


def test_error_output_only_with_error_option(tmp_path):
    err = new_output("error", ename="ValueError", evalue="boom", traceback=["Traceback...", "ValueError: boom"])
    nb = new_notebook(cells=[cell("x()", {}, [err]), cell("y()", {"error": True}, [err])])
    md = notebook_to_markdown(nb, tmp_path)
    assert md.count("ValueError: boom") == 1
