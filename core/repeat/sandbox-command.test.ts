import { describe, expect, it } from 'vitest';
import { bwrapArgv } from './sandbox-command';

describe('bwrapArgv', () => {
  it('mounts the view as /, the host at its mount, the notebook folder at the audit path, and runs the command there', () => {
    const argv = bwrapArgv({
      bwrap: '/usr/bin/bwrap',
      viewDir: '/cache/.views/view-1',
      hostMount: '/.retrace-host',
      notebookDir: '/home/ada/project',
      hostNotebookDir: '/home/bob/copy',
      connectionFile: '/run/kernel-1.json',
      overrides: [{ source: '/cache/ab/root/home/ada/project/x.csv', target: '/home/ada/project/x.csv' }],
      command: ['/venv/bin/python', '-m', 'ipykernel_launcher']
    });
    const pairs = (flag: string) => argv.flatMap((a, i) => (a === flag ? [`${argv[i + 1]} -> ${argv[i + 2]}`] : []));
    expect(argv[0]).toBe('/usr/bin/bwrap');
    expect(pairs('--bind')).toEqual([
      '/cache/.views/view-1 -> /',
      '/ -> /.retrace-host',
      '/proc -> /proc',
      '/tmp -> /tmp',
      '/home/bob/copy -> /home/ada/project'
    ]);
    // overrides come after the notebook folder they sit in, or the folder would hide them
    expect(argv.indexOf('/cache/ab/root/home/ada/project/x.csv')).toBeGreaterThan(argv.indexOf('/home/bob/copy'));
    expect(argv.slice(argv.indexOf('--chdir'), argv.indexOf('--chdir') + 2)).toEqual(['--chdir', '/home/ada/project']);
    expect(argv.slice(argv.indexOf('--') + 1)).toEqual(['/venv/bin/python', '-m', 'ipykernel_launcher']);
  });
});
