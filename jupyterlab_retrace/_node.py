"""Find Node and the bundled retrace CLI, and hand the process over to it."""
import os
import shutil
import sys
from pathlib import Path

BUNDLE = Path(__file__).parent / "node" / "retrace.cjs"


def node_executable() -> str:
    node = os.environ.get("RETRACE_NODE") or shutil.which("node")
    if not node:
        sys.exit("retrace: Node.js (20 or newer) is required but `node` is not on PATH; "
                 "install it (apt-get install nodejs) or set RETRACE_NODE.")
    return node


def exec_cli(args: list) -> None:
    """Replace this process with `node retrace.cjs ARGS` (same pid, so signals and
    exit codes reach Jupyter unchanged)."""
    if not BUNDLE.exists():
        sys.exit(f"retrace: {BUNDLE} is missing; build it with `npm run build:server`.")
    node = node_executable()
    # Kernels and probes use the interpreter retrace was installed into.
    os.environ.setdefault("RETRACE_PYTHON", sys.executable)
    os.execv(node, [node, str(BUNDLE), *args])
