"""retrace: audit, package and repeat Jupyter notebooks.

The Python side is packaging glue (lab extension paths, the kernelspec, the
jupyter-server-proxy entry point, a console script that runs the bundled Node CLI)
and the small kernel agent that runs inside audited kernels.
"""
try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0-dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-retrace"}]
