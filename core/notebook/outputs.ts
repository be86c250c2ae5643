/**
 * Turn a cell's IOPub messages into nbformat 4 outputs, as JupyterLab's output area
 * would: consecutive stream text of the same name is joined, clear_output (with
 * wait) and update_display_data are honoured.
 */
import type { Output } from '../contract/output';

export interface IOPubLike {
  msg_type: string;
  content: any;
}

export class OutputCollector {
  readonly outputs: Output[] = [];
  private clearOnNext = false;

  constructor(private readonly executionCount: () => number | null = () => null) {}

  add({ msg_type, content }: IOPubLike): void {
    switch (msg_type) {
      case 'stream':
        this.pendingClear();
        this.stream(content.name, content.text);
        break;
      case 'display_data':
        this.pendingClear();
        this.outputs.push(this.display('display_data', content));
        break;
      case 'execute_result':
        this.pendingClear();
        this.outputs.push({ ...this.display('execute_result', content), execution_count: content.execution_count ?? this.executionCount() });
        break;
      case 'error':
        this.pendingClear();
        this.outputs.push({ output_type: 'error', ename: content.ename, evalue: content.evalue, traceback: content.traceback ?? [] });
        break;
      case 'update_display_data':
        this.updateDisplay(content);
        break;
      case 'clear_output':
        if (content.wait) this.clearOnNext = true;
        else this.outputs.length = 0;
        break;
    }
  }

  private pendingClear(): void {
    if (this.clearOnNext) {
      this.outputs.length = 0;
      this.clearOnNext = false;
    }
  }

  private stream(name: string, text: string): void {
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) last.text = (last.text as string) + text;
    else this.outputs.push({ output_type: 'stream', name, text });
  }

  private display(kind: 'display_data' | 'execute_result', content: any): Output {
    const out: Output = { output_type: kind, data: content.data ?? {}, metadata: content.metadata ?? {} };
    const id = content.transient?.display_id;
    if (id) Object.defineProperty(out, 'displayId', { value: id, enumerable: false });
    return out;
  }

  private updateDisplay(content: any): void {
    const id = content.transient?.display_id;
    for (const out of this.outputs) {
      if (id && (out as any).displayId === id) {
        out.data = content.data ?? {};
        out.metadata = content.metadata ?? {};
      }
    }
  }
}
