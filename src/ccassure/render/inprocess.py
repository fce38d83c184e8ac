"""Run a document's cells in this process, with no Jupyter kernel: for a render of one document.

A kernel is a second Python process that must start, import pandas and the reports again, and read the
results a second time before the first cell runs: about 1.5 s on a 2-core machine, which is most of the
time of a render of one authority report (the renderer's own process has already done all of it to plan
the render). For many documents the warm kernel pays that once and keeps every document apart from this
process; for one document this executor runs the cells here, in an IPython shell of its own, and gives
back the same notebook outputs the kernel would (display data, the value of a cell's last expression,
printed text, errors), so the Markdown, HTML and PDF are the same.

Only the project's own documents (reports/*.qmd) are executed, as under the kernel; nothing from a data
file is ever run. A cell that runs longer than ``timeout`` seconds is stopped (in the main thread).
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config

from ccassure.render.kernel import DocumentError
from ccassure.render.qmd import Node

_ERROR_TAG = "raises-exception"  # nbclient's cell tag for a cell that is expected to fail


class CellTimeout(Exception):
    """A cell ran longer than the time allowed."""


def _json_ready(data: dict[str, Any]) -> dict[str, Any]:
    """Display data as a notebook stores it: binary images base64-encoded, as the kernel sends them."""
    return {mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for mime, value in data.items()}


class RecordingDisplayHook(DisplayHook):
    """The value of a cell's last expression, kept as an ``execute_result`` (not printed as Out[n])."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.results: list[dict[str, Any]] = []  # emptied before each cell

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict: dict[str, Any], md_dict: dict[str, Any] | None = None) -> None:
        self.results.append({"data": _json_ready(format_dict), "metadata": md_dict or {}})


class DocumentShell(InteractiveShell):
    """An IPython shell that records tracebacks instead of printing them (the kernel sends them too)."""

    displayhook_class = Type(RecordingDisplayHook)
    last_traceback: list[str] | None = None
    has_run = False  # whether any document's code has run in this shell since it was made or last reset

    def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
        self.last_traceback = list(stb)


def _shell() -> DocumentShell:
    """This process's one document shell, with no history file."""
    if DocumentShell.initialized():
        return DocumentShell.instance()
    if InteractiveShell.initialized():
        raise DocumentError("This process already runs an IPython shell (a notebook or IPython itself): render "
                            "with the warm kernel there (ccassure.render.kernel.WarmKernel).")
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    return DocumentShell.instance(config=config)


@contextlib.contextmanager
def _time_limit(seconds: int | None) -> Iterator[None]:
    """Stop the cell after ``seconds`` (SIGALRM, so only in the main thread; elsewhere no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise CellTimeout(f"a cell ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _working_directory(cwd: Path) -> Iterator[None]:
    """The document's folder as the working directory and first on sys.path, as the kernel's reset cell
    sets it; both put back afterwards."""
    before, path_before = os.getcwd(), list(sys.path)
    os.chdir(cwd)
    if str(cwd) not in sys.path:
        sys.path.insert(0, str(cwd))
    try:
        yield
    finally:
        os.chdir(before)
        sys.path[:] = path_before


def _output(output_type: str, **fields: Any) -> Node:
    """A cell output as the kernel path records it."""
    return Node(output_type=output_type, **fields)


class InProcessExecutor:
    """The warm kernel's ``execute`` and ``shutdown``, in this process (see the module docstring)."""

    def __init__(self, timeout: int = 300):
        self.timeout = timeout
        self.documents = 0

    def execute(self, nb: Any, cwd: str | Path, allow_errors: bool = False) -> Any:
        """Execute ``nb`` in a fresh namespace; raise DocumentError on the first failing cell."""
        from IPython.utils.capture import capture_output

        shell = _shell()
        if shell.has_run:  # a new shell's namespace is already clean; its reset's full garbage collection is not free
            shell.reset(new_session=False)
        shell.has_run = True
        shell.user_ns.update({"__name__": "__main__"})
        hook = shell.displayhook
        self.documents += 1
        with _working_directory(Path(cwd).resolve()):
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                hook.results = []
                shell.last_traceback = None
                with capture_output(stdout=True, stderr=True, display=True) as captured:
                    try:
                        with _time_limit(self.timeout):
                            result = shell.run_cell(cell.source, store_history=False)
                    except CellTimeout as exc:
                        raise DocumentError(f"The document stopped: {exc}") from None
                outputs = []
                for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr)):
                    if text:
                        outputs.append(_output("stream", name=name, text=text))
                outputs += [_output("display_data", data=_json_ready(o.data), metadata=o.metadata or {})
                            for o in captured.outputs]
                outputs += [_output("execute_result", data=r["data"], metadata=r["metadata"],
                                       execution_count=None) for r in hook.results]
                error = result.error_before_exec or result.error_in_exec
                if error is not None:
                    if isinstance(error, CellTimeout):
                        raise DocumentError(f"The document stopped: {error}") from None
                    trace = shell.last_traceback or traceback.format_exception(error)
                    outputs.append(_output("error", ename=type(error).__name__, evalue=str(error),
                                              traceback=trace))
                    cell.outputs = outputs
                    if not (allow_errors or _ERROR_TAG in cell.metadata.get("tags", [])):
                        raise DocumentError(f"{type(error).__name__}: {error}"[:300],
                                            "".join(traceback.format_exception(error)))
                    continue
                cell.outputs = outputs
        return nb

    # the kernel's life-cycle calls, which have nothing to do here
    def start_in_background(self) -> None:
        pass

    def warm(self, code: str) -> None:
        pass

    def shutdown(self) -> None:
        pass
