/** Renders the environment report: one row per tool, then each problem with its fix. */
import type { EnvironmentState } from '../model/environment';
import type { ToolStatus } from '../../core/contract/environment';
import type { EnvironmentResponse } from '../../core/contract/http';
import { el } from '../ui/dom';

function toolRow(label: string, tool: ToolStatus, detail = ''): HTMLElement {
  const state = tool.found ? 'ok' : 'missing';
  const row = el(
    'tr',
    `jp-retrace-tool jp-retrace-tool-${state}`,
    el('th', '', label),
    el('td', 'jp-retrace-tool-state', tool.found ? (tool.version ?? 'present') : 'missing'),
    el('td', 'jp-retrace-tool-detail', detail || (tool.path ?? ''))
  );
  row.dataset.tool = label;
  return row;
}

function renderReport({ report, diagnosis }: EnvironmentResponse): HTMLElement {
  const { strace } = report;
  const readiness = (what: string, ok: boolean) => el('li', `jp-retrace-readiness-${ok ? 'ok' : 'blocked'}`, `${what}: ${ok ? 'ready' : 'not ready'}`);
  const root = el(
    'div',
    'jp-retrace-environment-report',
    el('ul', 'jp-retrace-readiness', readiness('Audit', diagnosis.auditReady), readiness('Repeat', diagnosis.repeatReady)),
    el(
      'table',
      'jp-retrace-tools',
      el(
        'tbody',
        '',
        toolRow(
          'strace',
          strace,
          strace.found ? `ptrace ${strace.ptracePermitted ? 'permitted' : 'refused'}, seccomp-bpf ${strace.seccompBpf ? 'yes' : 'no'}` : ''
        ),
        toolRow('proot', report.proot),
        toolRow('bwrap', report.bwrap),
        toolRow('python', report.python),
        toolRow('ipykernel', { found: !!report.python.ipykernel, version: report.python.ipykernel }, ' '),
        toolRow('node', { found: true, version: report.node.version }, ' ')
      )
    )
  );
  if (diagnosis.problems.length) {
    root.append(
      el(
        'ul',
        'jp-retrace-problems',
        ...diagnosis.problems.map(p =>
          el(
            'li',
            `jp-retrace-problem jp-retrace-problem-${p.severity}`,
            el('div', 'jp-retrace-problem-message', p.message),
            el('div', 'jp-retrace-problem-fix', 'Fix: ', el('code', '', p.fix))
          )
        )
      )
    );
  }
  root.append(el('div', 'jp-retrace-version', `retrace ${report.retraceVersion}`));
  return root;
}

/** Replace the contents of `host` with a view of `state`. */
export function renderEnvironment(host: HTMLElement, state: EnvironmentState): void {
  host.replaceChildren(
    state.status === 'loading'
      ? el('div', 'jp-retrace-loading', 'Checking this machine…')
      : state.status === 'error'
        ? el('div', 'jp-retrace-error', state.message)
        : renderReport(state.value)
  );
  host.setAttribute('aria-busy', String(state.status === 'loading'));
}
