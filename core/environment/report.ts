/**
 * The environment report's rules: what a user must do about the tools retrace relies
 * on that are missing here (the report itself: core/contract/environment.ts). Pure,
 * so the CLI (`retrace doctor`), the companion and the frontend all read it the same way.
 */
import type { Diagnosis, EnvironmentReport, Problem, StraceStatus, ToolStatus } from '../contract/environment';

/** What is wrong with strace here, if anything: the part of the diagnosis auditing needs. */
export function straceProblems(strace: StraceStatus): Problem[] {
  const problems: Problem[] = [];
  if (!strace.found) {
    problems.push({
      component: 'strace',
      severity: 'error',
      affects: 'audit',
      message: 'strace was not found on PATH, so cells cannot be audited.',
      fix: 'Install it: apt-get install strace (or make demo, which installs it).'
    });
  } else if (!strace.ptracePermitted) {
    problems.push({
      component: 'ptrace',
      severity: 'error',
      affects: 'audit',
      message: `strace is installed but may not trace processes here (${strace.error ?? 'ptrace refused'}).`,
      fix:
        'Allow ptrace: set kernel.yama.ptrace_scope to 0 or 1 (sysctl -w kernel.yama.ptrace_scope=1), ' +
        'or in a container run with --cap-add SYS_PTRACE and a seccomp profile that permits ptrace.'
    });
  } else if (!strace.seccompBpf) {
    problems.push({
      component: 'strace',
      severity: 'warning',
      affects: 'audit',
      message: 'This strace does not support --seccomp-bpf; auditing works but runs slower.',
      fix: 'Install strace 5.3 or newer.'
    });
  }
  return problems;
}

/** Apply the rules that turn a report into problems and fixes. */
export function diagnose(report: EnvironmentReport): Diagnosis {
  const problems: Problem[] = [];
  const { strace, python, proot, bwrap } = report;

  problems.push(...straceProblems(strace));

  if (!python.found) {
    problems.push({
      component: 'python',
      severity: 'error',
      affects: 'audit',
      message: `The Python interpreter for the kernel did not run (${python.error ?? 'not found'}).`,
      fix: 'Point RETRACE_PYTHON at a Python 3 interpreter that has ipykernel installed.'
    });
  } else if (!python.ipykernel) {
    problems.push({
      component: 'ipykernel',
      severity: 'error',
      affects: 'audit',
      message: `ipykernel is not importable by ${python.path ?? 'the kernel interpreter'}.`,
      fix: `Install it: ${python.path ?? 'python3'} -m pip install ipykernel`
    });
  }

  if (!bwrap.found) {
    problems.push({
      component: 'sandbox',
      severity: 'error',
      affects: 'repeat',
      message:
        'bubblewrap (bwrap) was not found: the repeat kernel runs containers in it.' +
        (proot.found ? ' proot is here, but it traces its programs itself, so strace could not trace a repeat to compare it with its audit.' : ''),
      fix: 'Install it: apt-get install bubblewrap'
    });
  }

  const blocks = (what: Problem['affects']) => problems.some(p => p.severity === 'error' && p.affects === what);
  // A repeat is traced like an audit: it needs strace as much as the sandbox.
  const straceBlocks = problems.some(p => p.severity === 'error' && (p.component === 'strace' || p.component === 'ptrace'));
  return {
    auditReady: !blocks('audit'),
    repeatReady: !blocks('repeat') && !straceBlocks,
    problems
  };
}

/** Render a report as the plain text `retrace doctor` prints. */
export function formatReport(report: EnvironmentReport, diagnosis: Diagnosis): string {
  const tool = (label: string, t: ToolStatus, extra = '') =>
    `  ${label.padEnd(10)} ${t.found ? `${t.version ?? 'present'}  ${t.path ?? ''}${extra}` : 'missing'}`;
  const strace = report.strace;
  const lines = [
    `retrace ${report.retraceVersion} on ${report.platform.os} ${report.platform.release} (${report.platform.arch}), node ${report.node.version}`,
    '',
    tool(
      'strace',
      strace,
      strace.found ? `  [ptrace ${strace.ptracePermitted ? 'permitted' : 'refused'}, seccomp-bpf ${strace.seccompBpf ? 'yes' : 'no'}]` : ''
    ),
    tool('proot', report.proot),
    tool('bwrap', report.bwrap),
    tool('python', report.python),
    `  ${'ipykernel'.padEnd(10)} ${report.python.ipykernel ?? 'missing'}`,
    '',
    `audit:  ${diagnosis.auditReady ? 'ready' : 'NOT READY'}`,
    `repeat: ${diagnosis.repeatReady ? 'ready' : 'NOT READY'}`
  ];
  for (const p of diagnosis.problems) {
    lines.push('', `${p.severity.toUpperCase()} (${p.component}): ${p.message}`, `  fix: ${p.fix}`);
  }
  return lines.join('\n') + '\n';
}
