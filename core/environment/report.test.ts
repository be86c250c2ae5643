import { describe, expect, it } from 'vitest';
import { diagnose, formatReport } from './report';
import type { EnvironmentReport } from '../contract/environment';

function report(over: Partial<EnvironmentReport> = {}): EnvironmentReport {
  return {
    retraceVersion: '1.0.0',
    node: { version: 'v20.0.0' },
    platform: { os: 'linux', release: '6.1', arch: 'x64' },
    strace: { found: true, path: '/usr/bin/strace', version: '6.1', ptracePermitted: true, seccompBpf: true },
    proot: { found: true, path: '/usr/bin/proot', version: '5.1.0' },
    bwrap: { found: true, path: '/usr/bin/bwrap', version: '0.8.0' },
    python: { found: true, path: '/v/bin/python', version: '3.11.7', ipykernel: '7.4.0' },
    ...over
  };
}

describe('diagnose', () => {
  it('is ready when strace traces and the kernel interpreter has ipykernel', () => {
    const d = diagnose(report());
    expect(d).toEqual({ auditReady: true, repeatReady: true, problems: [] });
  });

  it('blocks auditing without strace and says how to install it', () => {
    const d = diagnose(report({ strace: { found: false, ptracePermitted: false, seccompBpf: false } }));
    expect(d.auditReady).toBe(false);
    expect(d.problems[0]).toMatchObject({ component: 'strace', severity: 'error' });
    expect(d.problems[0].fix).toMatch(/apt-get install strace/);
  });

  it('blocks auditing when ptrace is refused, quoting strace', () => {
    const d = diagnose(report({ strace: { found: true, ptracePermitted: false, seccompBpf: false, error: 'PTRACE_TRACEME: Operation not permitted' } }));
    expect(d.auditReady).toBe(false);
    expect(d.problems[0].component).toBe('ptrace');
    expect(d.problems[0].message).toContain('Operation not permitted');
  });

  it('only warns when seccomp-bpf is missing', () => {
    const d = diagnose(report({ strace: { found: true, ptracePermitted: true, seccompBpf: false } }));
    expect(d.auditReady).toBe(true);
    expect(d.problems).toHaveLength(1);
    expect(d.problems[0].severity).toBe('warning');
  });

  it('blocks auditing when ipykernel is missing, naming the interpreter', () => {
    const d = diagnose(report({ python: { found: true, path: '/p/python', version: '3.12' } }));
    expect(d.auditReady).toBe(false);
    expect(d.problems[0].fix).toBe('Install it: /p/python -m pip install ipykernel');
  });

  it('blocks repeating, not auditing, without bwrap, and says why proot will not do', () => {
    const d = diagnose(report({ bwrap: { found: false } }));
    expect(d).toMatchObject({ auditReady: true, repeatReady: false });
    expect(d.problems[0]).toMatchObject({ component: 'sandbox', affects: 'repeat', fix: 'Install it: apt-get install bubblewrap' });
    expect(d.problems[0].message).toContain('proot is here, but it traces its programs itself');
  });

  it('blocks repeating without strace: a repeat is traced like an audit', () => {
    expect(diagnose(report({ strace: { found: false, ptracePermitted: false, seccompBpf: false } })).repeatReady).toBe(false);
  });
});

describe('formatReport', () => {
  it('prints each tool, the verdicts and every fix', () => {
    const r = report({ strace: { found: false, ptracePermitted: false, seccompBpf: false } });
    const text = formatReport(r, diagnose(r));
    expect(text).toMatch(/strace\s+missing/);
    expect(text).toMatch(/proot\s+5\.1\.0/);
    expect(text).toContain('audit:  NOT READY');
    expect(text).toContain('fix: Install it: apt-get install strace');
  });
});
