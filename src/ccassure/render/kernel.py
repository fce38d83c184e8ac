"""One warm Jupyter kernel, reused for every document, with a clean namespace for each.

Starting a kernel costs about 2 s; reusing one costs about 0.2 s per document. Before each document the
kernel runs a reset cell: it drops every user variable (as ``%reset -f`` does, more cheaply), closes all
matplotlib figures, restores matplotlib's settings, and changes to the
document's folder. Imported modules stay in ``sys.modules`` (that is the warm part), so module-level
caches such as the results cache in ``ccassure.reports`` survive on purpose; variables never do.
If the kernel dies or a cell times out, the kernel is restarted and the next document runs normally.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # nbformat and nbclient are imported when the first document runs, not at start-up
    import nbformat

RESET_TAG = "ccassure-reset"

# Drop every name the previous document defined (IPython's own names, In/Out/_ih/..., are "hidden" and
# stay), and the Out/In histories, so nothing grows over thousands of documents. This is what `%reset -f`
# does, without its full garbage collection, which cost 0.15-0.3 s a document.
_RESET_SOURCE = """\
__ip = get_ipython()
for __name in [__n for __n in __ip.user_ns if __n not in __ip.user_ns_hidden and __n != "__ip"]:
    del __ip.user_ns[__name]
__ip.history_manager.output_hist.clear()
del __ip.history_manager.input_hist_parsed[1:], __ip.history_manager.input_hist_raw[1:]
__ip.user_ns.update(_="", __="", ___="")
__name = None
del __ip, __name
import os as __os, sys as __sys
__os.chdir({cwd!r})
if {cwd!r} not in __sys.path: __sys.path.insert(0, {cwd!r})
if "matplotlib" in __sys.modules:  # reset only if a document used it: never imported for nothing
    import matplotlib as __mpl
    if "matplotlib.pyplot" in __sys.modules:
        import matplotlib.pyplot as __plt
        __plt.close("all")
        del __plt
    __mpl.rcdefaults()
    __mpl.rcParams["figure.dpi"] = 110
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats as __smf
        __smf("png")
        del __smf
    except ImportError:
        pass
    del __mpl
del __os, __sys
"""


class DocumentError(RuntimeError):
    """A document failed to execute; ``message`` is for people, ``detail`` is the traceback text."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


# Imported once, in the background, as soon as the kernel starts (while the caller is still planning):
# these modules then stay in sys.modules for every document.
PRELOAD = ("import pandas, pyarrow, IPython.display\n"
           "import ccassure.reports, ccassure.reports.sections, ccassure.reports.svgcharts, "
           "ccassure.reports.authority_report")


class WarmKernel:
    def __init__(self, timeout: int = 120, kernel_name: str = "python3", env: dict[str, str] | None = None,
                 preload: str | None = PRELOAD):
        self.timeout = timeout
        self.kernel_name = kernel_name
        self.env = env
        self.km = None
        self.kc = None
        self.documents = 0
        self.starts = 0
        self.preload = preload
        self._pending: list[str] = []
        self._warm: list[str] = []  # code to run once connected (the sockets are used by one thread at a time)
        self._ready = False
        import threading

        self._lock = threading.Lock()

    # --- life cycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Launch the kernel if it is not running, and wait until it answers."""
        self.launch()
        self._connect()

    def launch(self) -> None:
        """Spawn the kernel process (without waiting for it): the first thing ``ccassure render`` does, so
        that the kernel's own start-up and imports run on the other core while this process plans."""
        if self.km is not None and self.km.is_alive():
            return
        if self.km is not None:  # it died: start afresh
            self._stop()
        from jupyter_client.manager import KernelManager

        # IPC sockets in a private temporary folder: no TCP ports, nothing left in the working directory
        self._sockets = tempfile.mkdtemp(prefix="ccassure-kernel-")
        self.km = KernelManager(kernel_name=self.kernel_name, transport="ipc",
                                ip=os.path.join(self._sockets, "kernel"))
        # Use this interpreter's ipykernel (the project virtualenv), whatever kernelspecs exist elsewhere.
        self.km.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                              "--HistoryManager.enabled=False", "--quiet"]
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        self.km.start_kernel(env=env, stdin=subprocess.DEVNULL, extra_arguments=[])
        self.kc = None

    def _connect(self) -> None:
        """Wait for the launched kernel to answer, then send it the preload imports (not waited for)."""
        if self.kc is not None:
            return
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.starts += 1
        if self.preload:
            self._pending.append(self.kc.execute(self.preload, silent=True, store_history=False))
        with self._lock:
            for code in self._warm:
                self._pending.append(self.kc.execute(code, silent=True, store_history=False))
            self._warm = []
            self._ready = True

    def warm(self, code: str) -> None:
        """Run ``code`` in the kernel after the preload, before the first document, without waiting for it:
        e.g. reading the results folder into the reports' cache while this process is still planning.
        Its names are dropped by the reset of the first document; a failure there is silent (the document
        then meets it, visibly)."""
        with self._lock:
            if self._ready:
                self._pending.append(self.kc.execute(code, silent=True, store_history=False))
            else:
                self._warm.append(code)

    def start_in_background(self) -> None:
        """Launch the kernel now, and connect to it (and send its imports) in a thread while the caller loads
        results and plans."""
        import threading

        try:
            self.launch()
        except Exception as exc:  # noqa: BLE001 - reported by the first execute()
            self._start_error = exc
            return
        self._starter = threading.Thread(target=self._start_quietly, name="ccassure-kernel-start", daemon=True)
        self._starter.start()

    def _start_quietly(self) -> None:
        try:
            self.start()
        except Exception as exc:  # noqa: BLE001 - reported by the first execute()
            self._start_error = exc

    def _join_starter(self) -> None:
        starter = getattr(self, "_starter", None)
        if starter is not None:
            starter.join()
            self._starter = None
        error = getattr(self, "_start_error", None)
        if error is not None:
            self._start_error = None
            raise DocumentError(f"The Jupyter kernel could not start: {error}")

    def _wait_for_preload(self) -> None:
        """Wait for the background imports; an import that fails there fails again, visibly, in a document."""
        from queue import Empty

        while self._pending:
            try:
                msg = self.kc.get_shell_msg(timeout=self.timeout)
            except Empty:
                self._pending = []
                break
            parent = msg.get("parent_header", {}).get("msg_id")
            if parent in self._pending:
                self._pending.remove(parent)

    def shutdown(self) -> None:
        with contextlib.suppress(DocumentError):
            self._join_starter()
        self._stop()

    def _stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            with contextlib.suppress(Exception):  # already gone
                self.km.shutdown_kernel(now=True)
        self.km = self.kc = None
        self._pending = []
        self._ready = False
        if getattr(self, "_sockets", None):
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def __enter__(self) -> WarmKernel:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()

    # --- running documents ------------------------------------------------------------------------------
    def execute(self, nb: nbformat.NotebookNode, cwd: str | Path, allow_errors: bool = False
                ) -> nbformat.NotebookNode:
        """Execute ``nb`` in a clean namespace (its cells receive their outputs; ``nb`` is returned); raise
        DocumentError on the first failing cell."""
        self._join_starter()
        self.start()
        self._wait_for_preload()
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
        from nbformat import from_dict
        from nbformat.v4 import new_code_cell

        # nbclient works on nbformat's own nodes (a parsed .qmd is plain ccassure nodes): converted in place, so
        # the caller's notebook receives the outputs, as before
        nb.metadata = from_dict(nb.metadata)
        nb.cells[:] = [from_dict(cell) for cell in nb.cells]
        reset = new_code_cell(_RESET_SOURCE.format(cwd=str(Path(cwd).resolve())))
        reset.metadata["tags"] = [RESET_TAG]
        nb.cells.insert(0, reset)
        client = NotebookClient(nb, km=self.km, timeout=self.timeout, allow_errors=allow_errors,
                                kernel_name=self.kernel_name, record_timing=False)
        client.kc = self.kc
        try:
            client.execute()
        except CellExecutionError as exc:
            raise DocumentError(_first_line(exc), str(exc)) from None
        except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError) as exc:
            self.restart()
            raise DocumentError(f"The kernel stopped or timed out: {_first_line(exc)}", str(exc)) from None
        finally:
            nb.cells = [c for c in nb.cells if RESET_TAG not in c.metadata.get("tags", [])]
            self.documents += 1
        return nb


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    # nbclient puts the error name and value on the last non-empty lines
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for line in reversed(lines):
        if "Error" in line or "Exception" in line:
            return _strip_ansi(line.strip())[:300]
    return _strip_ansi(lines[-1])[:300] if lines else type(exc).__name__


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)
