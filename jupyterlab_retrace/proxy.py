"""jupyter-server-proxy entry point: the companion service behind the Jupyter server.

The companion listens on a private unix socket; jupyter-server-proxy forwards only
requests that passed the Jupyter server's authentication, at /retrace-companion/.
"""
import sys

from ._node import BUNDLE, node_executable


def _server_root() -> str:
    """The running Jupyter server's root folder: the frontend's paths are relative to it.

    jupyter-server-proxy calls ``companion_environment`` when it starts the companion,
    inside the server process, by which time the ServerApp is configured.
    """
    try:
        from jupyter_server.serverapp import ServerApp
    except ImportError:  # pragma: no cover - jupyter_server is a dependency
        return ""
    if not ServerApp.initialized():
        return ""
    app = ServerApp.instance()
    root = getattr(app.contents_manager, "root_dir", None) or app.root_dir
    return str(root or "")


def _literal(value: str) -> str:
    # jupyter-server-proxy formats every value as a template ({port}, {unix_socket}).
    return value.replace("{", "{{").replace("}", "}}")


def companion_environment() -> dict:
    env = {"RETRACE_PYTHON": _literal(sys.executable)}
    root = _server_root()
    if root:
        env["RETRACE_SERVER_ROOT"] = _literal(root)
    return env


def companion_server() -> dict:
    return {
        "command": [node_executable(), str(BUNDLE), "companion", "--socket", "{unix_socket}"],
        "unix_socket": True,
        "environment": companion_environment,
        "timeout": 30,
        "absolute_url": False,
        "launcher_entry": {"enabled": False},
        "new_browser_tab": False,
    }
