/** The environment report as shared state: fetched once, refreshed on demand, signalled. */
import { ISignal, Signal } from '@lumino/signaling';
import type { RetraceClient } from '../api';
import type { EnvironmentResponse } from '../../core/contract/http';

export type EnvironmentState = { status: 'loading' } | { status: 'ready'; value: EnvironmentResponse } | { status: 'error'; message: string };

export class EnvironmentModel {
  private _state: EnvironmentState = { status: 'loading' };
  private readonly _changed = new Signal<this, EnvironmentState>(this);
  private _pending: Promise<void> | null = null;

  constructor(private readonly client: RetraceClient) {}

  get state(): EnvironmentState {
    return this._state;
  }

  get changed(): ISignal<this, EnvironmentState> {
    return this._changed;
  }

  /** Fetch the report; concurrent calls share one request. */
  refresh(force = false): Promise<void> {
    if (!this._pending) {
      this.set({ status: 'loading' });
      this._pending = this.client
        .environment(force)
        .then(value => this.set({ status: 'ready', value }))
        .catch(e => this.set({ status: 'error', message: e instanceof Error ? e.message : String(e) }))
        .finally(() => (this._pending = null));
    }
    return this._pending;
  }

  private set(state: EnvironmentState): void {
    this._state = state;
    this._changed.emit(state);
  }
}
