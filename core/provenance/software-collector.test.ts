import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/event-types';
import { SoftwareCollector } from './software-collector';

const ctx = { notebookDir: '/home/ada/nb', home: '/home/ada', softwarePrefixes: ['/venv'] };
const base = { pid: 10, process: 10, time: 1, line: 1, ok: true };
const listdir = (path: string, ok = true): TraceEvent => ({ ...base, ok, kind: 'listdir', path });
const stat = (path: string, ok = true, byFd = false): TraceEvent => ({ ...base, ok, kind: 'stat', path, byFd, followLinks: true });
const open = (path: string): TraceEvent => ({
  ...base,
  kind: 'open',
  path,
  access: 'read',
  create: false,
  truncate: false,
  append: false,
  exclusive: false,
  tmpfile: false,
  pathOnly: false
});

describe('SoftwareCollector', () => {
  it('keeps the system folders listed (site-packages, searched by importlib.metadata) apart from the files read', () => {
    const c = new SoftwareCollector(ctx);
    for (const e of [
      listdir('/venv/lib/python3.11/site-packages'),
      listdir('/home/ada/nb/data'),
      listdir('/usr/lib/nothing', false),
      open('/venv/lib/python3.11/site-packages/six.py')
    ])
      c.add(e);
    const use = c.finish();
    expect(use.listed).toEqual(['/venv/lib/python3.11/site-packages']);
    expect(use.software).toEqual(['/venv/lib/python3.11/site-packages/six.py']);
  });

  it("keeps the system paths found to exist and never opened (the interpreter's landmark), not the failed, fd or user ones", () => {
    const c = new SoftwareCollector(ctx, true);
    const events = [
      stat('/usr/lib/python3.11/os.py'),
      stat('/usr/lib/python3.11/json/__init__.py'),
      open('/usr/lib/python3.11/json/__init__.py'),
      stat('/usr/lib/python3.11/pybuilddir.txt', false),
      stat('/usr/lib/libz.so', true, true),
      stat('/home/ada/nb/data.csv'),
      stat('/__retrace__/abc/begin/1/0/-', false),
      { ...base, kind: 'access', path: '/usr/bin/dot', mode: 'X_OK' } as TraceEvent
    ];
    for (const e of events) c.add(e);
    expect(c.finish().probed).toEqual(['/usr/bin/dot', '/usr/lib/python3.11/os.py']);
  });
});
