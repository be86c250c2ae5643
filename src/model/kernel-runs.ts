/**
 * Which run of a kernel the frontend is talking to. Jupyter restarts a kernel under
 * the same id, so the id alone does not say whose records are whose: each restart
 * (or death) starts a new epoch of the kernel connection, and the run the companion
 * names (session.json `run`) is asked for once per epoch, when a cell that ran in it
 * needs its record. By then the launcher of the run that ran the cell has written its
 * session: it writes it before it starts the kernel.
 */
import type { ISignal } from '@lumino/signaling';
import type { RetraceClient } from '../api';
import type { SessionMeta } from '../../core/contract/records';

/** What this needs of a kernel connection. */
export interface RunningKernel {
  readonly id: string;
  readonly statusChanged: ISignal<any, string>;
}

/** How long to wait for a starting kernel's launcher to write its session. */
const SESSION_WAIT_MS = 20_000;

/** Statuses after which the kernel's next cells run in another run. */
const NEW_RUN = new Set(['restarting', 'autorestarting', 'dead']);

interface KernelState {
  epoch: number;
  /** The session of the current epoch, once asked for (a miss is not kept: ask again). */
  session?: Promise<SessionMeta | undefined>;
  /** The run of an earlier epoch: the next one must be another. */
  previousRun?: string;
  lastRun?: string;
}

export class KernelRuns {
  private readonly kernels = new WeakMap<RunningKernel, KernelState>();

  constructor(private readonly client: Pick<RetraceClient, 'session'>) {}

  /** The kernel's current epoch: it changes when the kernel restarts or dies. */
  epochOf(kernel: RunningKernel): number {
    return this.stateOf(kernel).epoch;
  }

  /**
   * The session of the kernel's run in `epoch`; undefined when the kernel has no
   * session, or has restarted since `epoch` (then nothing of that epoch is the
   * kernel's any more).
   */
  async sessionOf(kernel: RunningKernel, epoch: number): Promise<SessionMeta | undefined> {
    const state = this.stateOf(kernel);
    if (state.epoch !== epoch) return undefined;
    if (!state.session) {
      const asked = this.client.session(kernel.id, { waitMs: SESSION_WAIT_MS, afterRun: state.previousRun });
      state.session = asked;
      asked.then(
        meta => {
          if (state.session !== asked) return;
          if (meta) state.lastRun = meta.run;
          else state.session = undefined;
        },
        () => state.session === asked && (state.session = undefined)
      );
    }
    const meta = await state.session;
    return state.epoch === epoch ? meta : undefined;
  }

  private stateOf(kernel: RunningKernel): KernelState {
    let state = this.kernels.get(kernel);
    if (!state) {
      const created: KernelState = { epoch: 0 };
      state = created;
      this.kernels.set(kernel, created);
      kernel.statusChanged.connect((_, status) => {
        if (!NEW_RUN.has(status)) return;
        created.epoch++;
        created.previousRun = created.lastRun ?? created.previousRun;
        created.session = undefined;
      });
    }
    return state;
  }
}
