"""The retrace kernel agent: the few lines that must run inside the kernel.

Loaded by the launchers with `--ext=jupyterlab_retrace.kernel_agent`. For now it makes
sure an audit that cannot happen is never silent: when the launcher could not start
strace it says why in every cell's output, with the fix.
"""
import os
import sys

DISABLED_ENV = "RETRACE_AUDIT_DISABLED"


def _warn_not_audited(reason):
    def pre_run_cell(info=None):
        print(f"retrace: this cell is NOT being audited. {reason}", file=sys.stderr, flush=True)

    return pre_run_cell


def load_ipython_extension(ipython):
    reason = os.environ.get(DISABLED_ENV)
    if reason:
        ipython.events.register("pre_run_cell", _warn_not_audited(reason))


def unload_ipython_extension(ipython):
    pass
