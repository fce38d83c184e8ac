"""One document is executed in the renderer's own process, with no kernel; it must give what the kernel gives.

The in-process executor exists for speed (a render of one authority report starts no second Python); these
tests hold it to the warm kernel's behaviour: the same outputs and Markdown, a clean namespace, the folder
of the document as working directory, a failing cell reported, a cell stopped at its time limit.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest

from ccassure.render.inprocess import InProcessExecutor
from ccassure.render.kernel import DocumentError, WarmKernel
from ccassure.render.markdown import notebook_to_markdown

from .synthetic_results import make_results
from .tools import run_render


@pytest.fixture(autouse=True, scope="module")
def _no_shell_left_behind():
    """The tests after these must not find an IPython shell in the test process."""
    yield
    from ccassure.render.inprocess import DocumentShell

    DocumentShell.clear_instance()


CELLS = [
    "from IPython.display import Markdown, SVG, display\ndisplay(Markdown('**bold** words'))",
    "print('printed text')",
    "21 * 2",
    "x = 1;",
    "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>'))",
    "import os\nprint(os.path.basename(os.getcwd()))",
]


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _kinds(nb) -> list[list[str]]:
    return [[o["output_type"] for o in cell.outputs] for cell in nb.cells]


@pytest.mark.slow
def test_outputs_and_markdown_are_the_kernels(tmp_path):
    folder = tmp_path / "docfolder"
    folder.mkdir()
    with WarmKernel(timeout=60) as kernel:
        by_kernel = kernel.execute(_notebook(*CELLS), cwd=folder)
    here = InProcessExecutor(timeout=60).execute(_notebook(*CELLS), cwd=folder)
    assert _kinds(here) == _kinds(by_kernel)
    assert (notebook_to_markdown(here, tmp_path / "a", {"output": True})
            == notebook_to_markdown(by_kernel, tmp_path / "b", {"output": True}))
    markdown = notebook_to_markdown(here, tmp_path / "a", {"output": True})
    assert "**bold** words" in markdown and "printed text" in markdown and "42" in markdown
    assert "docfolder" in markdown and "Out[" not in markdown


def test_each_document_gets_a_clean_namespace_and_the_directory_is_put_back(tmp_path):
    executor = InProcessExecutor(timeout=60)
    before = os.getcwd()
    executor.execute(_notebook("leaked = 'yes'", "import os\nos.chdir('/')"), cwd=tmp_path)
    assert os.getcwd() == before
    second = executor.execute(_notebook("print('leaked' in globals())"), cwd=tmp_path)
    assert second.cells[0].outputs[0]["text"].strip() == "False"


def test_a_failing_cell_is_a_document_error_naming_the_error(tmp_path):
    with pytest.raises(DocumentError) as caught:
        InProcessExecutor(timeout=60).execute(_notebook("x = 1", "1 / 0", "print('never')"), cwd=tmp_path)
    assert caught.value.message.startswith("ZeroDivisionError")
    assert "ZeroDivisionError" in caught.value.detail


def test_a_cell_tagged_raises_exception_is_recorded_and_the_document_goes_on(tmp_path):
    nb = _notebook("raise ValueError('expected')", "print('after')")
    nb.cells[0].metadata["tags"] = ["raises-exception"]
    done = InProcessExecutor(timeout=60).execute(nb, cwd=tmp_path)
    assert done.cells[0].outputs[-1]["output_type"] == "error"
    assert done.cells[0].outputs[-1]["ename"] == "ValueError"
    assert done.cells[1].outputs[0]["text"].strip() == "after"


def test_a_cell_that_runs_too_long_is_stopped(tmp_path):
    with pytest.raises(DocumentError, match="longer than 1 s"):
        InProcessExecutor(timeout=1).execute(_notebook("while True:\n    pass"), cwd=tmp_path)


@pytest.mark.slow
def test_one_document_renders_without_a_kernel_and_matches_a_render_of_several(tmp_path):
    results = make_results(tmp_path / "results", authorities=2, centres_per_authority=1)
    several, one = tmp_path / "several", tmp_path / "one"
    proc = run_render("--results", str(results), "--output-dir", str(several), "--only", "authority")
    assert proc.returncode == 0, proc.stderr
    # an ipykernel_launcher that fails first on the path: a render that started a kernel would fail
    broken = tmp_path / "no-kernel"
    broken.mkdir()
    (broken / "ipykernel_launcher.py").write_text("raise SystemExit('no kernel may start')\n", encoding="utf-8")
    env = {"PYTHONPATH": str(broken)}
    proc = run_render("--results", str(results), "--output-dir", str(one), "--only", "authority",
                      "--authority", "E90000001", env=env)
    assert proc.returncode == 0, proc.stderr
    html = (one / "authority-E90000001.html").read_text(encoding="utf-8")
    assert html == (several / "authority-E90000001.html").read_text(encoding="utf-8")
    pdf_one, pdf_several = (one / "authority-E90000001.pdf").read_bytes(), (several / "authority-E90000001.pdf").read_bytes()
    # the same typst document: the same pages and the same size (only the file's creation stamp may differ)
    assert len(pdf_one) == len(pdf_several)
    assert re.findall(rb"/Type\s*/Page\b", pdf_one) == re.findall(rb"/Type\s*/Page\b", pdf_several)
