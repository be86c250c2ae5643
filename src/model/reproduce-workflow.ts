/**
 * What the Reproduce button and "Choose Container…" do, apart from JupyterLab: the
 * steps of `retrace repeat` in an open notebook and how each can fail. Reproduce checks
 * that the notebook was audited and that its container is there, names the container
 * and the mode in the notebook's metadata and saves it (the repeat kernel reads them
 * from the file), switches to the repeat kernel, makes sure the companion has an
 * audited session for it, runs every cell, follows the verdicts and says how many cells
 * reproduced. Choose Container… names another archive, if it is there.
 *
 * The collaborators (the notebook, its kernel, the companion, the repeat verdicts, the
 * files, toasts and dialogs) come in as interfaces: the plugin gives JupyterLab's, the
 * unit tests in-memory fakes. `N` is how a notebook is known (a NotebookPanel in
 * JupyterLab).
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { RetraceNotebookMetadata } from '../../core/contract/metadata';
import type { SessionMeta } from '../../core/contract/records';
import { ReproduceError } from './reproduce-error';
import { containerLocation, ReproduceRun, type ReproduceSettings, type RunCounts } from './reproduce-run';

/** The open notebook, as Reproduce reads, changes and runs it. */
export interface ReproduceNotebooks<N> {
  /** Its contents path. */
  path(notebook: N): string;
  /** Its `retrace` metadata, if any. */
  metadata(notebook: N): RetraceNotebookMetadata | undefined;
  setMetadata(notebook: N, metadata: RetraceNotebookMetadata): void;
  save(notebook: N): Promise<void>;
  /** Code cells with something to run: blank ones never reach the kernel. */
  cellsToRun(notebook: N): number;
  /** Run every cell on the notebook's kernel; a failing cell is a result, not an error. */
  runAll(notebook: N): Promise<void>;
}

/** A kernel the workflow started: the plugin's are JupyterLab's kernel connections. */
export interface RepeatKernel {
  readonly id: string;
}

/** The notebook's session and its kernel. */
export interface RepeatKernels<N> {
  /**
   * Switch the notebook to the repeat kernel and wait until it is idle. Rejects (with a
   * ReproduceError, in words for the user) when it does not start.
   */
  start(notebook: N): Promise<RepeatKernel>;
  /** Whether the notebook's session still runs this kernel (not one that replaced it). */
  isCurrent(notebook: N, kernel: RepeatKernel): boolean;
}

/** The companion, as Reproduce asks it about the repeat kernel's session. */
export interface ReproduceCompanion {
  session(kernelId: string): Promise<Pick<SessionMeta, 'audited' | 'notAuditedReason'> | undefined>;
}

/** Where a notebook's repeat stands once its queued cells are settled. */
export interface SettledTally extends RunCounts {
  /** The kernel restarted, died or was replaced before the queued cells were settled. */
  interrupted: boolean;
}

/** The repeat recorder, which judges each cell as it finishes. */
export interface RepeatVerdicts<N> {
  /** Call `onTally` with the notebook's counts as verdicts come; returns how to stop. */
  follow(notebook: N, onTally: (counts: RunCounts) => void): () => void;
  /** The notebook's tally once every queued cell is settled; undefined when none was queued. */
  whenSettled(notebook: N): Promise<SettledTally | undefined>;
}

/** Files the contents API can see. */
export interface ReproduceFiles {
  /** Whether a file is there ("no" is not an error; a failure to look is). */
  exists(path: string): Promise<boolean>;
}

export type ToastKind = 'info' | 'success' | 'warning' | 'error';

/** A notification; `autoClose` false keeps it until closed, `details` gives it a Details dialog. */
export interface Toast {
  kind: ToastKind;
  message: string;
  autoClose: number | false;
  details?: { title: string; body: string };
}

export interface TextQuestion {
  title: string;
  label: string;
  text: string;
  okLabel: string;
}

/** Toasts and dialogs. */
export interface ReproduceFeedback {
  notify(toast: Toast): void;
  /** The text the user gave, or null when they cancelled. */
  askText(question: TextQuestion): Promise<string | null>;
}

export interface ReproduceCollaborators<N> {
  notebooks: ReproduceNotebooks<N>;
  kernels: RepeatKernels<N>;
  companion: ReproduceCompanion;
  verdicts: RepeatVerdicts<N>;
  files: ReproduceFiles;
  feedback: ReproduceFeedback;
  /** The user's settings, as they are now. */
  settings: () => ReproduceSettings;
  /** Whether a status bar shows the run as it goes (else its start is told in a toast). */
  statusShown: boolean;
}

const NOTHING_RAN: RunCounts = { summary: { total: 0, reproduced: 0, changed: 0, diverged: 0, failed: 0 }, notRun: 0, unjudged: 0 };

export class ReproduceWorkflow<N extends object> {
  private readonly running = new Set<N>();
  // The last run of each notebook, for the status bar.
  private readonly runs = new WeakMap<N, ReproduceRun>();
  private readonly _busyChanged = new Signal<this, N>(this);
  private readonly _runChanged = new Signal<this, N>(this);

  constructor(private readonly c: ReproduceCollaborators<N>) {}

  /** A notebook's run started or ended: buttons and commands to enable or disable. */
  get busyChanged(): ISignal<this, N> {
    return this._busyChanged;
  }

  /** A notebook got a new run, or its last one was forgotten. */
  get runChanged(): ISignal<this, N> {
    return this._runChanged;
  }

  isRunning(notebook: N): boolean {
    return this.running.has(notebook);
  }

  /** The notebook's last run, if it still describes the notebook. */
  runOf(notebook: N): ReproduceRun | undefined {
    return this.runs.get(notebook);
  }

  /**
   * The notebook changed (a new audit of one of its cells, an edit of its code): a
   * finished run's summary no longer describes it. A run under way stays.
   */
  forget(notebook: N): void {
    const run = this.runs.get(notebook);
    if (!run || this.running.has(notebook) || (run.phase !== 'done' && run.phase !== 'failed')) return;
    this.runs.delete(notebook);
    this._runChanged.emit(notebook);
  }

  /** Repeat the notebook in its container and say how many cells reproduced. Never rejects: failures are told. */
  async reproduce(notebook: N): Promise<void> {
    if (this.running.has(notebook)) return;
    const { notebooks, feedback } = this.c;
    const name = this.nameOf(notebook);
    const meta = this.auditedMetadata(notebook);
    if (!meta) {
      feedback.notify({ kind: 'error', message: this.neverAudited(notebook), autoClose: false });
      return;
    }
    this.setBusy(notebook, true);
    const run = new ReproduceRun(name, notebooks.cellsToRun(notebook));
    this.runs.set(notebook, run);
    this._runChanged.emit(notebook);
    if (!this.c.statusShown) feedback.notify({ kind: 'info', message: `Reproducing ${name}: ${run.text}`, autoClose: 10_000 });
    let unfollow = () => {};
    try {
      const archive = await this.checkContainer(notebook, meta);
      // The repeat kernel finds its container and mode in the saved notebook.
      notebooks.setMetadata(notebook, { ...meta, container: { archive, mode: this.c.settings().repeatMode } });
      await notebooks.save(notebook);

      const kernel = await this.c.kernels.start(notebook);
      await this.checkSandbox(kernel);

      run.running();
      unfollow = this.c.verdicts.follow(notebook, counts => run.progress(counts));
      await notebooks.runAll(notebook);
      // Undefined when no cell was queued (nothing to run): the run is then over at once.
      const tally = await this.c.verdicts.whenSettled(notebook);
      if (tally?.interrupted || !this.c.kernels.isCurrent(notebook, kernel)) {
        throw new ReproduceError(
          'the repeat kernel restarted, stopped or was replaced during the run',
          tally ? `${run.settled} of ${run.total} cells were settled.` : ''
        );
      }
      run.finish(tally ?? NOTHING_RAN);
      const line = `${name}: ${run.text}`;
      if (run.allReproduced) feedback.notify({ kind: 'success', message: line, autoClose: 8000 });
      else feedback.notify({ kind: 'warning', message: line, autoClose: false });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const whole = e instanceof ReproduceError && e.detail ? `${message}. ${e.detail}` : message;
      run.fail(message);
      feedback.notify({
        kind: 'error',
        message: `Could not reproduce ${name}: ${message}`,
        autoClose: false,
        details: { title: `Could not reproduce ${name}`, body: whole }
      });
    } finally {
      unfollow();
      this.setBusy(notebook, false);
    }
  }

  /** Ask for another container archive and name it in the notebook, if it is there. */
  async chooseContainer(notebook: N): Promise<void> {
    const { notebooks, feedback } = this.c;
    const meta = this.auditedMetadata(notebook);
    if (!meta) {
      feedback.notify({ kind: 'error', message: this.neverAudited(notebook), autoClose: false });
      return;
    }
    const path = notebooks.path(notebook);
    const answer = await feedback.askText({
      title: `Container for ${this.nameOf(notebook)}`,
      label: 'The container archive, relative to the notebook (or an absolute path on the server):',
      text: containerLocation(path, meta.container?.archive).archive,
      okLabel: 'Choose'
    });
    const given = answer?.trim();
    if (!given) return;
    const where = containerLocation(path, given);
    try {
      if (where.path && !(await this.c.files.exists(where.path))) {
        feedback.notify({ kind: 'error', message: `There is no file ${where.path}: the container was not changed.`, autoClose: 8000 });
        return;
      }
    } catch (e) {
      feedback.notify({ kind: 'error', message: `Could not check ${where.path}: ${e instanceof Error ? e.message : String(e)}`, autoClose: 8000 });
      return;
    }
    // The metadata may have changed while the dialog was open (a cell audited meanwhile).
    const latest = this.auditedMetadata(notebook) ?? meta;
    notebooks.setMetadata(notebook, { ...latest, container: { ...latest.container, archive: where.archive } });
    feedback.notify({ kind: 'success', message: `${this.nameOf(notebook)} will be reproduced in ${where.archive}`, autoClose: 5000 });
  }

  /** The container's archive as the metadata will name it; throws when it is not there. */
  private async checkContainer(notebook: N, meta: RetraceNotebookMetadata): Promise<string> {
    const where = containerLocation(this.c.notebooks.path(notebook), meta.container?.archive);
    if (where.path && !(await this.c.files.exists(where.path))) {
      throw new ReproduceError(
        where.named ? 'the container it names is not there: press Package, or Choose Container…' : 'it has no container yet: press Package first',
        `There is no ${where.path}. Package builds the container beside the notebook` +
          (where.named ? '; retrace: Choose Container… names another archive.' : '.')
      );
    }
    return where.archive;
  }

  /** The companion must have an audited session for the kernel, or the cells would run on the host. */
  private async checkSandbox(kernel: RepeatKernel): Promise<void> {
    const session = await this.c.companion.session(kernel.id);
    if (!session) throw new ReproduceError('the repeat kernel started, but retrace has no session for it (is jupyter-server-proxy enabled?)');
    if (!session.audited)
      throw new ReproduceError(session.notAuditedReason ?? 'the repeat sandbox did not start: the cells would run on the host, not in the container');
  }

  private setBusy(notebook: N, busy: boolean): void {
    if (busy) this.running.add(notebook);
    else this.running.delete(notebook);
    this._busyChanged.emit(notebook);
  }

  private nameOf(notebook: N): string {
    const path = this.c.notebooks.path(notebook);
    return path.split('/').pop() ?? path;
  }

  private auditedMetadata(notebook: N): RetraceNotebookMetadata | undefined {
    const meta = this.c.notebooks.metadata(notebook);
    return meta?.audit ? meta : undefined;
  }

  private neverAudited(notebook: N): string {
    return `${this.nameOf(notebook)} was never audited: audit and package it first (run it on the Python 3 (audit) kernel, then press Package).`;
  }
}
