"""jupyter-server-proxy entry point: the companion service behind the Jupyter server.

The companion listens on a private unix socket; jupyter-server-proxy forwards only
requests that passed the Jupyter server's authentication, at /retrace-companion/.
"""
import sys

from ._node import BUNDLE, node_executable


def companion_server() -> dict:
    return {
        "command": [node_executable(), str(BUNDLE), "companion", "--socket", "{unix_socket}"],
        "unix_socket": True,
        "environment": {"RETRACE_PYTHON": sys.executable},
        "timeout": 30,
        "absolute_url": False,
        "launcher_entry": {"enabled": False},
        "new_browser_tab": False,
    }
