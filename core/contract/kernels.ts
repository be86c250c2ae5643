/**
 * The kernelspec names of retrace's kernels, as jupyterlab_retrace installs them and
 * as a notebook's metadata records the kernel of its audit.
 */

/** The kernelspec name of the audit kernel. */
export const AUDIT_KERNEL_NAME = 'retrace-audit';

/** The kernelspec name of the repeat kernel (server/repeat/repeat-launcher.ts). */
export const REPEAT_KERNEL_NAME = 'retrace-repeat';
