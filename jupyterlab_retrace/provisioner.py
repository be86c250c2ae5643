"""The kernel provisioner of retrace's two kernels (named in their kernel.json).

A local provisioner like Jupyter's own, except for how long a shutdown may take. The
process Jupyter starts is retrace's launcher: after the kernel exits it still analyses
the rest of the trace and writes the last cell records. Jupyter's default is to send
SIGTERM after 2.5 s and SIGKILL after 5 s, which on a busy machine, or after a cell
that opened many files, kills the launcher mid-analysis and loses the records of the
last cells. The launcher exits as soon as it is done, so a longer bound costs nothing
when nothing is slow.
"""
from jupyter_client.provisioning import LocalProvisioner

#: Seconds a launcher may take to finish after its kernel was asked to shut down.
SHUTDOWN_WAIT_SECONDS = 300.0


class RetraceProvisioner(LocalProvisioner):
    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return max(recommended, SHUTDOWN_WAIT_SECONDS)
