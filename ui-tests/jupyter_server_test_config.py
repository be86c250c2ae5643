"""Jupyter server configuration for retrace's Galata browser tests.

`playwright.config.ts` starts `jupyter lab --config jupyter_server_test_config.py`
from this folder. Everything the run writes goes to fresh temporary folders: the
server's root (a copy of the example notebooks) and RETRACE_HOME (the audit
sessions), so the tests neither depend on nor touch the repository's state.

Never use this configuration outside tests: Galata's helper removes every security
protection (no token, no XSRF check).
"""
import atexit
import os
import shutil
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
PORT = int(os.environ.get("RETRACE_UI_PORT", "8899"))

# The server's root: a fresh copy of the example notebooks, so the tests find them
# at the top level and whatever the kernels write stays out of the repository.
root = Path(tempfile.mkdtemp(prefix="retrace-ui-root-"))
notebooks = sorted(EXAMPLES.glob("*.ipynb"))
if not notebooks:
    raise SystemExit(f"retrace ui-tests: no example notebooks found in {EXAMPLES}")
for notebook in notebooks:
    shutil.copy2(notebook, root / notebook.name)

c = get_config()  # noqa: F821 (provided by the Jupyter config loader)
# Galata's helper makes temp folders and files of its own (workspaces, a bash rc file,
# a root we do not use): have them made inside one folder, removed at exit below.
galata_tmp = tempfile.mkdtemp(prefix="retrace-ui-galata-")
tempfile.tempdir, saved_tempdir = galata_tmp, tempfile.tempdir
try:
    configure_jupyter_server(c)
finally:
    tempfile.tempdir = saved_tempdir

# Kernels (the audit launcher) and the companion (started by jupyter-server-proxy)
# inherit the server's environment, so this is where their sessions go.
retrace_home = tempfile.mkdtemp(prefix="retrace-ui-home-")
os.environ["RETRACE_HOME"] = retrace_home

# Playwright stops the server with SIGTERM (gracefulShutdown in playwright.config.ts):
# it shuts its kernels down, then this removes these folders.
# RETRACE_UI_KEEP=1 keeps them (e.g. to read the traces after a failure).
if os.environ.get("RETRACE_UI_KEEP") != "1":
    for folder in (root, retrace_home, galata_tmp):
        atexit.register(shutil.rmtree, folder, ignore_errors=True)

c.ServerApp.root_dir = str(root)
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = PORT
c.ServerApp.port_retries = 0
c.ServerApp.allow_root = True
c.ServerApp.open_browser = False

# Playwright shows the server's stderr: keep it to errors (RETRACE_UI_LOG_LEVEL=INFO
# to see every request when debugging).
c.Application.log_level = os.environ.get("RETRACE_UI_LOG_LEVEL", "ERROR")
