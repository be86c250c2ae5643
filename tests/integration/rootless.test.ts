/**
 * A repeat without root: the repeat kernel's launcher started as the unprivileged
 * user `nobody` (bubblewrap then sandboxes through a user namespace), with a
 * container audited and packaged by another user, in a folder elsewhere, driven by
 * a Jupyter client. Its cells must have the audit's lineage. Needs root to switch to
 * `nobody`; skipped (and saying so) otherwise.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, retrace, run, VENV_BIN } from './jupyter-server';

const NOBODY = 65534;
const canSwitchUser = process.getuid?.() === 0;

/** Runs the cells over the connection file and prints their stdout as JSON, one string per cell. */
const DRIVE = `
import json, sys, time
from jupyter_client import BlockingKernelClient
# The kernel may still be unpacking its container: until its heartbeat answers, the
# client takes it for dead, so connect again (bounded) until it is ready.
for attempt in range(60):
    c = BlockingKernelClient(connection_file=sys.argv[1]); c.load_connection_file(); c.start_channels()
    try:
        c.wait_for_ready(timeout=10)
        break
    except RuntimeError:
        c.stop_channels(); time.sleep(2)
else:
    sys.exit('the kernel never became ready')
outs = []
for code in json.loads(sys.argv[2]):
    msg_id = c.execute(code); out = ''
    while True:
        m = c.get_iopub_msg(timeout=120)
        if m['parent_header'].get('msg_id') != msg_id: continue
        if m['msg_type'] == 'stream': out += m['content']['text']
        if m['msg_type'] == 'status' and m['content']['execution_state'] == 'idle': break
    outs.append(out)
c.shutdown(); c.stop_channels()
print(json.dumps(outs))
`;

describe.skipIf(!canSwitchUser)('a repeat as an unprivileged user', () => {
  it('runs the container in a user-namespace sandbox and reproduces the audit', async () => {
    const cells = ['import os\nprint(os.getuid())', "print(open('data.csv').read())", '!gzip -c data.csv | wc -c'];
    // audited and packaged by root
    const audited = mkdtempSync(join(tmpdir(), 'retrace-it-rootless-audit-'));
    chmodSync(audited, 0o755);
    writeFileSync(join(audited, 'data.csv'), 'a,b\n1,2\n');
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
    };
    writeFileSync(join(audited, 'nb.ipynb'), JSON.stringify(nb));
    for (const step of [
      ['audit', 'nb.ipynb'],
      ['package', 'nb.ipynb']
    ]) {
      const r = await retrace(step, audited, join(audited, '.retrace-home'), 300_000);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
    const auditLineage = JSON.parse(readFileSync(join(audited, 'nb.ipynb'), 'utf8')).cells.map((c: any) => c.metadata.retrace.lineage);

    // repeated by nobody, elsewhere, with only the notebook and its container
    const root = mkdtempSync(join(tmpdir(), 'retrace-it-rootless-'));
    const nbDir = join(root, 'nb');
    const home = join(root, 'home');
    mkdirSync(nbDir);
    mkdirSync(home);
    copyFileSync(join(audited, 'nb.ipynb'), join(nbDir, 'nb.ipynb'));
    copyFileSync(join(audited, 'nb.retrace.tar.gz'), join(nbDir, 'nb.retrace.tar.gz'));
    for (const p of [root, nbDir, home, join(nbDir, 'nb.ipynb'), join(nbDir, 'nb.retrace.tar.gz')]) chownSync(p, NOBODY, NOBODY);
    chmodSync(root, 0o755);
    const conn = join(root, 'kernel.json');
    const write = await run(join(VENV_BIN, 'python'), [
      '-c',
      `from jupyter_client.connect import write_connection_file as w; import os; f,_ = w(${JSON.stringify(conn)}, ip='127.0.0.1'); os.chmod(f, 0o644)`
    ]);
    expect(write.status, write.stderr).toBe(0);

    const launcher = [
      `cd ${nbDir}`,
      `HOME=${home} RETRACE_HOME=${join(home, 'retrace')} RETRACE_CONTAINER=${join(nbDir, 'nb.retrace.tar.gz')} PATH=/usr/bin:/bin`,
      `exec ${process.execPath} ${join(REPO, 'jupyterlab_retrace', 'node', 'retrace.cjs')} kernel repeat -f ${conn}`
    ]
      .join(' && ')
      .replace(' && exec', ' exec');
    const kernel = run('su', ['nobody', '-s', '/bin/sh', '-c', launcher], { timeoutMs: 300_000 });
    const driven = await run(join(VENV_BIN, 'python'), ['-c', DRIVE, conn, JSON.stringify(cells)], { timeoutMs: 240_000 });
    const launched = await kernel;
    expect(driven.status, driven.stderr + launched.stderr).toBe(0);
    const outputs = JSON.parse(driven.stdout);
    expect(outputs[0]).toBe(`${NOBODY}\n`);
    expect(outputs[1]).toBe('a,b\n1,2\n\n');

    const sessions = join(home, 'retrace', 'sessions');
    const [id] = readdirSync(sessions);
    const meta = JSON.parse(readFileSync(join(sessions, id, 'session.json'), 'utf8'));
    expect(meta).toMatchObject({ kind: 'repeat', audited: true });
    const lineage = [1, 2, 3].map(seq => JSON.parse(readFileSync(join(sessions, id, 'cells', `${seq}.json`), 'utf8')).lineage);
    expect(lineage).toEqual(auditLineage);
  }, 600_000);
});
