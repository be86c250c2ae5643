/** Run code on a kernel and gather what it printed, displayed, returned and raised. */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { OutputCollector } from '../../core/notebook/outputs';
import type { Output } from '../../core/contract/output';

export interface ExecuteResult {
  status: 'ok' | 'error' | 'aborted';
  executionCount: number | null;
  outputs: Output[];
  /** Text written to stdout and stderr, for quick checks. */
  stdout: string;
  stderr: string;
  error?: { ename: string; evalue: string };
}

export interface ExecuteOptions {
  /** nbformat cell id, sent as JupyterLab does so the kernel agent can mark it. */
  cellId?: string;
  /** Called once the kernel starts working on the request. */
  onStarted?: () => void;
}

export async function executeCode(kernel: Kernel.IKernelConnection, code: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
  let executionCount: number | null = null;
  const collector = new OutputCollector(() => executionCount);
  let stdout = '';
  let stderr = '';
  let error: ExecuteResult['error'];
  let started = false;
  const future = kernel.requestExecute({ code, stop_on_error: true, allow_stdin: false }, true, opts.cellId ? { cellId: opts.cellId } : undefined);
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    const type = msg.header.msg_type;
    const content = msg.content as any;
    if (type === 'status' && content.execution_state === 'busy' && !started) {
      started = true;
      opts.onStarted?.();
    }
    if (type === 'execute_input') executionCount = content.execution_count ?? null;
    if (type === 'stream') {
      if (content.name === 'stdout') stdout += content.text;
      else stderr += content.text;
    }
    if (type === 'error') error = { ename: content.ename, evalue: content.evalue };
    collector.add({ msg_type: type, content });
  };
  const reply = await future.done;
  const content = reply.content as any;
  return {
    status: content.status,
    executionCount: content.execution_count ?? executionCount,
    outputs: collector.outputs,
    stdout,
    stderr,
    error
  };
}
