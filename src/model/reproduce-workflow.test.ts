/**
 * The Reproduce workflow's steps and failure cases, driven with in-memory fakes of its
 * collaborators (the notebook, its kernel, the companion, the verdicts, the files, the
 * toasts and dialogs). Unit tests of the logic; the Galata test
 * ui-tests/tests/reproduce-button.spec.ts runs it in JupyterLab.
 */
import { describe, expect, it } from 'vitest';
import type { RetraceNotebookMetadata } from '../../core/contract/metadata';
import { ReproduceError } from './reproduce-error';
import type { RunCounts } from './reproduce-run';
import { ReproduceWorkflow, type ReproduceCollaborators, type RepeatKernel, type SettledTally, type TextQuestion, type Toast } from './reproduce-workflow';

const AUDITED: RetraceNotebookMetadata = {
  spec_version: '1.1.0',
  audit: { session: 'a1', started_at: '2025-01-31T09:12:03.512Z', kernel: 'retrace-audit', retrace_version: '0.1.0' }
} as RetraceNotebookMetadata;

const counts = (reproduced: number, changed = 0): RunCounts => ({
  summary: { total: reproduced + changed, reproduced, changed, diverged: 0, failed: 0 },
  notRun: 0,
  unjudged: 0
});

interface FakeNotebook {
  path: string;
  metadata?: RetraceNotebookMetadata;
  cells: number;
}

/** Everything the workflow did, in order, and what it told the user. */
class World {
  readonly steps: string[] = [];
  readonly toasts: Toast[] = [];
  readonly questions: TextQuestion[] = [];
  files = new Set(['work/a.retrace.tar.gz']);
  /** What the user answers to a dialog; null cancels. */
  answer: string | null = null;
  kernelStarts: () => Promise<RepeatKernel> = async () => ({ id: 'k1' });
  session: { audited: boolean; notAuditedReason?: string } | undefined = { audited: true };
  /** The verdicts as the cells finish, then the settled tally. */
  progress: RunCounts[] = [counts(1), counts(2)];
  settled: SettledTally | undefined = { ...counts(2), interrupted: false };
  replaced = false;
  private onTally: ((c: RunCounts) => void) | null = null;

  collaborators(): ReproduceCollaborators<FakeNotebook> {
    return {
      notebooks: {
        path: nb => nb.path,
        metadata: nb => nb.metadata,
        setMetadata: (nb, m) => {
          this.steps.push(`metadata ${JSON.stringify(m.container)}`);
          nb.metadata = m;
        },
        save: async () => void this.steps.push('save'),
        cellsToRun: nb => nb.cells,
        runAll: async () => {
          this.steps.push('run all');
          for (const c of this.progress) this.onTally?.(c);
        }
      },
      kernels: {
        start: () => {
          this.steps.push('start kernel');
          return this.kernelStarts();
        },
        isCurrent: (_, kernel) => kernel.id === 'k1' && !this.replaced
      },
      companion: {
        session: async id => {
          this.steps.push(`session ${id}`);
          return this.session;
        }
      },
      verdicts: {
        follow: (_, onTally) => {
          this.onTally = onTally;
          return () => (this.onTally = null);
        },
        whenSettled: async () => this.settled
      },
      files: {
        exists: async path => {
          this.steps.push(`exists ${path}`);
          return this.files.has(path);
        }
      },
      feedback: {
        notify: toast => void this.toasts.push(toast),
        askText: async question => {
          this.questions.push(question);
          return this.answer;
        }
      },
      settings: () => ({ repeatMode: 'layered' }),
      statusShown: true
    };
  }

  /** Keep the repeat kernel starting until the returned function is called. */
  holdKernelStart(): () => void {
    let release = () => {};
    this.kernelStarts = () => new Promise(resolve => (release = () => resolve({ id: 'k1' })));
    return () => release();
  }

  get following(): boolean {
    return this.onTally !== null;
  }
}

/** Let the workflow go as far as it can without the test. */
const tick = () => new Promise(resolve => setTimeout(resolve, 0));

function setUp(notebook: Partial<FakeNotebook> = {}) {
  const world = new World();
  const workflow = new ReproduceWorkflow(world.collaborators());
  const nb: FakeNotebook = { path: 'work/a.ipynb', metadata: { ...AUDITED }, cells: 2, ...notebook };
  const busy: boolean[] = [];
  workflow.busyChanged.connect((_, n) => busy.push(workflow.isRunning(n)));
  return { world, workflow, nb, busy };
}

describe('Reproduce', () => {
  it('names the container, saves, switches to the repeat kernel, runs every cell and says how many reproduced', async () => {
    const { world, workflow, nb, busy } = setUp();
    const seen: string[] = [];
    workflow.runChanged.connect(() => workflow.runOf(nb)!.changed.connect(() => seen.push(workflow.runOf(nb)!.text)));
    await workflow.reproduce(nb);
    expect(world.steps).toEqual([
      'exists work/a.retrace.tar.gz',
      'metadata {"archive":"a.retrace.tar.gz","mode":"layered"}',
      'save',
      'start kernel',
      'session k1',
      'run all'
    ]);
    expect(seen[0]).toMatch(/^Reproducing: 0\/2 cells/);
    expect(seen).toContain('Reproducing: 1/2 cells · 1 reproduced, 0 changed, 0 diverged, 0 failed');
    expect(workflow.runOf(nb)?.phase).toBe('done');
    expect(world.toasts).toEqual([{ kind: 'success', message: 'a.ipynb: 2 of 2 cells reproduced (0 changed, 0 diverged, 0 failed)', autoClose: 8000 }]);
    expect(busy).toEqual([true, false]);
    expect(world.following).toBe(false);
  });

  it('warns, and keeps the toast, when some cells did not reproduce', async () => {
    const { world, workflow, nb } = setUp();
    world.settled = { ...counts(1, 1), interrupted: false };
    await workflow.reproduce(nb);
    expect(world.toasts).toEqual([{ kind: 'warning', message: 'a.ipynb: 1 of 2 cells reproduced (1 changed, 0 diverged, 0 failed)', autoClose: false }]);
  });

  it('says it has started in a toast when no status bar shows the run', async () => {
    const world = new World();
    const workflow = new ReproduceWorkflow({ ...world.collaborators(), statusShown: false });
    await workflow.reproduce({ path: 'work/a.ipynb', metadata: AUDITED, cells: 2 });
    expect(world.toasts[0]).toMatchObject({
      kind: 'info',
      message: expect.stringMatching(/^Reproducing a.ipynb: Starting the repeat kernel/),
      autoClose: 10_000
    });
  });

  it('asks for an audit first when the notebook was never audited, and starts nothing', async () => {
    const { world, workflow, nb, busy } = setUp({ metadata: undefined });
    await workflow.reproduce(nb);
    expect(world.toasts).toEqual([
      {
        kind: 'error',
        message: 'a.ipynb was never audited: audit and package it first (run it on the Python 3 (audit) kernel, then press Package).',
        autoClose: false
      }
    ]);
    expect(world.steps).toEqual([]);
    expect(workflow.runOf(nb)).toBeUndefined();
    expect(busy).toEqual([]);
  });

  it('stops before touching the notebook when there is no container beside it', async () => {
    const { world, workflow, nb, busy } = setUp();
    world.files.clear();
    await workflow.reproduce(nb);
    expect(world.steps).toEqual(['exists work/a.retrace.tar.gz']);
    expect(world.toasts).toEqual([
      {
        kind: 'error',
        message: 'Could not reproduce a.ipynb: it has no container yet: press Package first',
        autoClose: false,
        details: {
          title: 'Could not reproduce a.ipynb',
          body: 'it has no container yet: press Package first. There is no work/a.retrace.tar.gz. Package builds the container beside the notebook.'
        }
      }
    ]);
    expect(workflow.runOf(nb)?.text).toBe('Not reproduced: it has no container yet: press Package first');
    expect(nb.metadata?.container).toBeUndefined();
    expect(busy).toEqual([true, false]);
  });

  it('points to Choose Container… when the container the notebook names is not there', async () => {
    const { world, workflow, nb } = setUp({ metadata: { ...AUDITED, container: { archive: 'c/old.tar.gz' } } });
    await workflow.reproduce(nb);
    expect(world.steps).toEqual(['exists work/c/old.tar.gz']);
    expect(world.toasts[0].message).toBe('Could not reproduce a.ipynb: the container it names is not there: press Package, or Choose Container…');
    expect(world.toasts[0].details?.body).toMatch(/There is no work\/c\/old.tar.gz\. .*; retrace: Choose Container… names another archive\.$/);
  });

  it('runs no cell when the companion refuses the repeat session (its sandbox did not start)', async () => {
    const { world, workflow, nb } = setUp();
    world.session = { audited: false, notAuditedReason: 'retrace could not start the repeat sandbox: bubblewrap is missing' };
    await workflow.reproduce(nb);
    expect(world.steps).not.toContain('run all');
    expect(world.toasts).toMatchObject([
      { kind: 'error', message: 'Could not reproduce a.ipynb: retrace could not start the repeat sandbox: bubblewrap is missing' }
    ]);
    expect(workflow.runOf(nb)?.phase).toBe('failed');
    expect(workflow.isRunning(nb)).toBe(false);
  });

  it('runs no cell when the companion has no session for the repeat kernel', async () => {
    const { world, workflow, nb } = setUp();
    world.session = undefined;
    await workflow.reproduce(nb);
    expect(world.steps).not.toContain('run all');
    expect(world.toasts[0].message).toMatch(/retrace has no session for it \(is jupyter-server-proxy enabled\?\)$/);
  });

  it('says why when the kernel switch fails', async () => {
    const { world, workflow, nb, busy } = setUp();
    world.kernelStarts = () => Promise.reject(new ReproduceError('the repeat kernel stopped while it was starting (see the Jupyter server log)'));
    await workflow.reproduce(nb);
    expect(world.steps).toEqual(['exists work/a.retrace.tar.gz', 'metadata {"archive":"a.retrace.tar.gz","mode":"layered"}', 'save', 'start kernel']);
    expect(world.toasts).toMatchObject([
      { kind: 'error', message: 'Could not reproduce a.ipynb: the repeat kernel stopped while it was starting (see the Jupyter server log)', autoClose: false }
    ]);
    expect(busy).toEqual([true, false]);
  });

  it('fails, saying how far it got, when the kernel is replaced or restarted during the run', async () => {
    const { world, workflow, nb } = setUp();
    world.replaced = true;
    await workflow.reproduce(nb);
    expect(world.toasts[0].details?.body).toBe('the repeat kernel restarted, stopped or was replaced during the run. 2 of 2 cells were settled.');
    world.replaced = false;
    world.settled = { ...counts(1), interrupted: true };
    await workflow.reproduce(nb);
    expect(world.toasts[1].message).toBe('Could not reproduce a.ipynb: the repeat kernel restarted, stopped or was replaced during the run');
    expect(world.following).toBe(false);
  });

  it('is done at once when no cell was queued', async () => {
    const { world, workflow, nb } = setUp({ cells: 0 });
    world.progress = [];
    world.settled = undefined;
    await workflow.reproduce(nb);
    expect(workflow.runOf(nb)?.phase).toBe('done');
    expect(world.toasts[0].message).toBe('a.ipynb: 0 of 0 cells reproduced (0 changed, 0 diverged, 0 failed)');
  });

  it('ignores a second press while a run is under way', async () => {
    const { world, workflow, nb } = setUp();
    const release = world.holdKernelStart();
    const first = workflow.reproduce(nb);
    await tick();
    await workflow.reproduce(nb);
    expect(world.steps.filter(s => s === 'start kernel')).toHaveLength(1);
    release();
    await first;
  });

  it('forgets a finished run when the notebook changes, never one under way', async () => {
    const { world, workflow, nb } = setUp();
    const release = world.holdKernelStart();
    const run = workflow.reproduce(nb);
    await tick();
    workflow.forget(nb);
    expect(workflow.runOf(nb)).toBeDefined();
    release();
    await run;
    workflow.forget(nb);
    expect(workflow.runOf(nb)).toBeUndefined();
  });
});

describe('Choose Container…', () => {
  it('names the archive the user chose, if it is there', async () => {
    const { world, workflow, nb } = setUp();
    world.files.add('work/c/other.tar.gz');
    world.answer = ' ./c/other.tar.gz ';
    await workflow.chooseContainer(nb);
    expect(world.questions).toEqual([
      {
        title: 'Container for a.ipynb',
        label: 'The container archive, relative to the notebook (or an absolute path on the server):',
        text: 'a.retrace.tar.gz',
        okLabel: 'Choose'
      }
    ]);
    expect(nb.metadata?.container).toEqual({ archive: 'c/other.tar.gz' });
    expect(world.toasts).toEqual([{ kind: 'success', message: 'a.ipynb will be reproduced in c/other.tar.gz', autoClose: 5000 }]);
  });

  it('changes nothing when the user cancels', async () => {
    const { world, workflow, nb } = setUp();
    world.answer = null;
    await workflow.chooseContainer(nb);
    expect(world.steps).toEqual([]);
    expect(world.toasts).toEqual([]);
    expect(nb.metadata).toEqual(AUDITED);
  });

  it('changes nothing when the archive is not there, or cannot be checked', async () => {
    const { world, workflow, nb } = setUp();
    world.answer = 'elsewhere/none.tar.gz';
    await workflow.chooseContainer(nb);
    expect(world.toasts).toEqual([{ kind: 'error', message: 'There is no file work/elsewhere/none.tar.gz: the container was not changed.', autoClose: 8000 }]);
    const collaborators = world.collaborators();
    const failing = new ReproduceWorkflow({ ...collaborators, files: { exists: () => Promise.reject(new Error('server error')) } });
    await failing.chooseContainer(nb);
    expect(world.toasts[1]).toEqual({ kind: 'error', message: 'Could not check work/elsewhere/none.tar.gz: server error', autoClose: 8000 });
    expect(nb.metadata?.container).toBeUndefined();
  });

  it('takes an absolute path without checking it, and asks for an audit first', async () => {
    const { world, workflow, nb } = setUp();
    world.answer = '/srv/c.tar.gz';
    await workflow.chooseContainer(nb);
    expect(world.steps.filter(s => s.startsWith('exists'))).toEqual([]);
    expect(nb.metadata?.container).toEqual({ archive: '/srv/c.tar.gz' });
    const fresh = setUp({ metadata: undefined });
    await fresh.workflow.chooseContainer(fresh.nb);
    expect(fresh.world.questions).toEqual([]);
    expect(fresh.world.toasts[0].message).toMatch(/^a.ipynb was never audited/);
  });
});
