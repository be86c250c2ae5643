import { describe, expect, it } from 'vitest';
import { ipykernelArgv, sessionIdFromConnectionFile, straceArgv, KERNEL_AGENT_MODULE } from './kernel-command';

describe('kernel command lines', () => {
  const base = { python: '/v/bin/python', connectionFile: '/run/kernel-abc.json' };

  it('runs ipykernel with the retrace agent loaded', () => {
    expect(ipykernelArgv(base)).toEqual(['/v/bin/python', '-m', 'ipykernel_launcher', '-f', '/run/kernel-abc.json', `--ext=${KERNEL_AGENT_MODULE}`]);
  });

  it('wraps the kernel in strace -f writing to the session log', () => {
    const argv = straceArgv({ ...base, strace: '/usr/bin/strace', logPath: '/s/trace.log', seccompBpf: true });
    expect(argv.slice(0, 3)).toEqual(['/usr/bin/strace', '-f', '--seccomp-bpf']);
    expect(argv[argv.indexOf('-o') + 1]).toBe('/s/trace.log');
    expect(argv.slice(argv.indexOf('--') + 1)).toEqual(ipykernelArgv(base));
  });

  it('leaves out --seccomp-bpf where strace cannot use it', () => {
    const argv = straceArgv({ ...base, strace: 'strace', logPath: 'l', seccompBpf: false });
    expect(argv).not.toContain('--seccomp-bpf');
    expect(argv).toContain('-f');
  });
});

describe('sessionIdFromConnectionFile', () => {
  it('uses the kernel id Jupyter put in the file name', () => {
    expect(sessionIdFromConnectionFile('/root/.local/share/jupyter/runtime/kernel-0b1c-22.json')).toBe('0b1c-22');
  });

  it('keeps other names but makes them safe as a folder name', () => {
    expect(sessionIdFromConnectionFile('/tmp/my conn.json')).toBe('my_conn');
    expect(() => sessionIdFromConnectionFile('/tmp/..json')).toThrow(/Cannot name a session/);
  });
});
