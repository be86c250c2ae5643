"""The retrace kernel agent: the few lines that must run inside the kernel.

Loaded by the launchers with `--ext=jupyterlab_retrace.kernel_agent`. It does two
things:

* marks where each cell execution begins and ends *in the trace itself*, by a
  `stat()` of a path that never exists; strace records it in order with everything
  else the kernel does, so splitting the trace per cell needs no clock agreement.
  The path is `/__retrace__/<nonce>/<begin|end>/<seq>/<execution_count>/<cell_id>`
  (execution_count is 0 in the begin mark: it is known only at the end); the begin
  mark adds `/<code>`, 16 hex digits of the SHA-256 of the code run, so a notebook
  executed by any client can be matched with its executions (`retrace attach`)
  (parsed by core/trace/markers.ts);
* makes sure an audit or a repeat that cannot happen is never silent: when the
  launcher could not start strace (or the repeat sandbox) it says why in every
  cell's output, with the fix.
"""
import hashlib
import os
import re
import secrets
import sys

DISABLED_ENV = "RETRACE_AUDIT_DISABLED"
REPEAT_DISABLED_ENV = "RETRACE_REPEAT_DISABLED"
MARKER_ROOT = "/__retrace__"
_SAFE_CELL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class CellMarkers:
    def __init__(self, shell, nonce=None):
        self.shell = shell
        self.nonce = nonce or secrets.token_hex(6)
        self.seq = 0

    def _mark(self, event, count, cell_id, code_hash=None):
        cell = cell_id if cell_id and _SAFE_CELL_ID.match(cell_id) else "-"
        path = f"{MARKER_ROOT}/{self.nonce}/{event}/{self.seq}/{count if count is not None else 0}/{cell}"
        if code_hash:
            path += f"/{code_hash}"
        try:
            os.stat(path)
        except OSError:
            pass  # the failing stat is the mark

    def pre_run_cell(self, info):
        self.seq += 1
        self._cell_id = getattr(info, "cell_id", None)
        # IPython versions differ on when they bump the counter relative to this
        # hook, so the begin mark carries 0 and the end mark the real count.
        self._mark("begin", 0, self._cell_id, _code_hash(getattr(info, "raw_cell", None)))

    def post_run_cell(self, result):
        count = getattr(result, "execution_count", None)
        self._mark("end", count, self._cell_id)


def _code_hash(code):
    # As retrace's code_hash (SHA-256 of the source as UTF-8), shortened: it only checks a match.
    if not isinstance(code, str):
        return None
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()[:16]


def _warn_not_audited(reason, what="audited"):
    def pre_run_cell(info=None):
        print(f"retrace: this cell is NOT being {what}. {reason}", file=sys.stderr, flush=True)

    return pre_run_cell


def _load_traceback_machinery(ipython):
    """Format one traceback now, so that what IPython needs for it (stack_data and the
    modules it imports lazily) is in the start-up trace and so in the container: a cell
    that fails only on repeat must show its own error, not a missing module."""
    try:
        raise ValueError("retrace: loading the traceback machinery")
    except ValueError:
        etype, value, tb = sys.exc_info()
        for formatter in (getattr(ipython, "InteractiveTB", None), getattr(ipython, "SyntaxTB", None)):
            try:
                formatter.structured_traceback(etype, value, tb)
            except Exception:
                pass  # best effort: never keep the kernel from starting


def load_ipython_extension(ipython):
    reason = os.environ.get(DISABLED_ENV)
    if reason:
        ipython.events.register("pre_run_cell", _warn_not_audited(reason))
        return
    reason = os.environ.get(REPEAT_DISABLED_ENV)
    if reason:
        ipython.events.register("pre_run_cell", _warn_not_audited(reason, "repeated in its container"))
        return
    _load_traceback_machinery(ipython)
    markers = CellMarkers(ipython)
    ipython.events.register("pre_run_cell", markers.pre_run_cell)
    ipython.events.register("post_run_cell", markers.post_run_cell)
    ipython._retrace_markers = markers


def unload_ipython_extension(ipython):
    markers = getattr(ipython, "_retrace_markers", None)
    if markers:
        ipython.events.unregister("pre_run_cell", markers.pre_run_cell)
        ipython.events.unregister("post_run_cell", markers.post_run_cell)
