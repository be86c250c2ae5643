/**
 * What the Dependencies panel shows: the dependency report of the current
 * notebook's audit session, and which part of it (all cells, or the active cell's
 * latest execution). The plugin tells it what the user is looking at; it fetches
 * the report from the companion only while the panel is visible, coalescing bursts
 * of changes (a notebook run all at once) into one request.
 */
import { type ISignal, Signal } from '@lumino/signaling';
import type { RetraceClient } from '../api';
import type { CellSection as CellDependencySection, DependencyReport, PythonEntry, Section as DependencySection } from '../../core/contract/dependencies';

/** The notebook the user looks at: its contents path and the audit session its metadata names. */
export interface NotebookTarget {
  path: string;
  /** null: the notebook was never audited. */
  session: string | null;
}

export type DependencyScope = 'all' | 'cell';

export interface DependenciesState {
  notebook: NotebookTarget | null;
  /** The report of `notebook.session`; null until it is fetched. */
  report: DependencyReport | null;
  loading: boolean;
  error: string | null;
  scope: DependencyScope;
  /** The id of the notebook's active cell. */
  cellId: string | null;
}

/** What to show for the current scope. */
export type ScopedSection =
  | { kind: 'total'; section: DependencySection }
  | { kind: 'cell'; section: CellDependencySection }
  /** The active cell has no execution in the session (never run on the audit kernel). */
  | { kind: 'cell-not-run' }
  | { kind: 'no-cell' };

/** The part of a report a scope selects: for a cell, its latest execution. */
export function scopedSection(report: DependencyReport, scope: DependencyScope, cellId: string | null): ScopedSection {
  if (scope === 'all') return { kind: 'total', section: report.total };
  if (!cellId) return { kind: 'no-cell' };
  let latest: CellDependencySection | undefined;
  for (const cell of report.cells) if (cell.cell_id === cellId && (!latest || cell.seq > latest.seq)) latest = cell;
  return latest ? { kind: 'cell', section: latest } : { kind: 'cell-not-run' };
}

/** A section's Python distributions: those the run imported, and those only present (shown apart, collapsed). */
export function pythonByUse(section: DependencySection): { imported: PythonEntry[]; present: PythonEntry[] } {
  // Reports from earlier versions (a container's deps.json) have no `use`: all counted as used then.
  return { imported: section.python.filter(p => p.use !== 'present'), present: section.python.filter(p => p.use === 'present') };
}

export class DependenciesModel {
  private _state: DependenciesState = { notebook: null, report: null, loading: false, error: null, scope: 'all', cellId: null };
  private readonly _changed = new Signal<this, DependenciesState>(this);
  private visible = false;
  /** Whether the report on hand may be out of date. */
  private stale = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers to earlier requests than this one are dropped. */
  private generation = 0;

  constructor(
    private readonly client: RetraceClient,
    private readonly delayMs = 250
  ) {}

  get state(): DependenciesState {
    return this._state;
  }

  get changed(): ISignal<this, DependenciesState> {
    return this._changed;
  }

  /** The current scope's part of the report, or null without a report. */
  get scoped(): ScopedSection | null {
    const { report, scope, cellId } = this._state;
    return report ? scopedSection(report, scope, cellId) : null;
  }

  /** The notebook in view changed, or its path or audit session did. */
  setNotebook(target: NotebookTarget | null): void {
    const current = this._state.notebook;
    if (current?.path === target?.path && current?.session === target?.session) return;
    const sameSession = !!target?.session && current?.session === target.session;
    // An answer still on its way is about the previous notebook.
    this.generation++;
    this.set({
      notebook: target,
      // A renamed notebook keeps its report until the new one is in; another session's is wrong at once.
      report: sameSession ? this._state.report : null,
      error: null,
      loading: false
    });
    this.invalidate(sameSession ? this.delayMs : 0);
  }

  setActiveCell(cellId: string | null): void {
    if (cellId !== this._state.cellId) this.set({ cellId });
  }

  setScope(scope: DependencyScope): void {
    if (scope !== this._state.scope) this.set({ scope });
  }

  /** Shown or hidden: nothing is fetched for a panel nobody sees. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) this.schedule(0);
  }

  /** The session recorded more (a cell finished): fetch again soon. */
  invalidate(delayMs = this.delayMs): void {
    this.stale = true;
    if (this.visible) this.schedule(delayMs);
  }

  /** Fetch now (the refresh button). */
  refresh(): Promise<void> {
    this.stale = true;
    return this.fetch();
  }

  dispose(): void {
    clearTimeout(this.timer);
    Signal.clearData(this);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fetch(), delayMs);
  }

  private async fetch(): Promise<void> {
    clearTimeout(this.timer);
    const target = this._state.notebook;
    const generation = ++this.generation;
    this.stale = false;
    if (!target?.session) {
      if (this._state.loading) this.set({ loading: false });
      return;
    }
    this.set({ loading: true, error: null });
    try {
      const report = await this.client.dependencies(target.session, target.path);
      if (generation === this.generation) this.set({ report, loading: false, error: null });
    } catch (e) {
      if (generation === this.generation) this.set({ loading: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private set(change: Partial<DependenciesState>): void {
    this._state = { ...this._state, ...change };
    this._changed.emit(this._state);
  }
}
