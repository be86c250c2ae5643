"""What the retrace kernelspecs run: `python -m jupyterlab_retrace.kernel audit -f CONN`.

Jupyter replaces a kernelspec's leading "python" with its own interpreter, so this
finds the right environment without absolute paths in kernel.json; it then becomes
the Node launcher.
"""
import sys

from ._node import exec_cli

if __name__ == "__main__":
    kind, *rest = sys.argv[1:] or ["audit"]
    exec_cli(["kernel", kind, "--python", sys.executable, *rest])
