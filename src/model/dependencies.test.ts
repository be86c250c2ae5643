import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RetraceClient } from '../api';
import type { DependencyReport } from '../../core/contract/dependencies';
import { DependenciesModel, pythonByUse, scopedSection } from './dependencies';

const empty = { python: [], system: [], unowned: { count: 0, examples: [] }, programs: [], data: { read: [], written: [] } };
const report = (session: string): DependencyReport => ({
  notebook: 'n.ipynb',
  session,
  package_database: 'dpkg',
  total: { ...empty, programs: [{ path: '/bin/ls' }] },
  cells: [
    { ...empty, seq: 1, cell_id: 'a', execution_count: 1 },
    { ...empty, seq: 2, cell_id: 'b', execution_count: 2 },
    { ...empty, seq: 3, cell_id: 'a', execution_count: 3, data: { read: [{ path: 'x.csv', size: 1, sha256: null }], written: [] } }
  ]
});

function fakeClient() {
  const calls: Array<[string, string | undefined]> = [];
  const pending: Array<{ resolve: (r: DependencyReport) => void; reject: (e: Error) => void; session: string }> = [];
  const client = {
    dependencies: (session: string, notebook?: string) => {
      calls.push([session, notebook]);
      return new Promise<DependencyReport>((resolve, reject) => pending.push({ resolve, reject, session }));
    }
  } as unknown as RetraceClient;
  return { client, calls, pending };
}

afterEach(() => vi.useRealTimers());

describe('the part of a report a scope selects', () => {
  it('is the total for all cells, and the latest execution of the active cell', () => {
    const r = report('s');
    expect(scopedSection(r, 'all', 'a')).toEqual({ kind: 'total', section: r.total });
    expect(scopedSection(r, 'cell', 'a')).toMatchObject({ kind: 'cell', section: { seq: 3, execution_count: 3 } });
    expect(scopedSection(r, 'cell', 'b')).toMatchObject({ kind: 'cell', section: { seq: 2 } });
    expect(scopedSection(r, 'cell', 'c')).toEqual({ kind: 'cell-not-run' });
    expect(scopedSection(r, 'cell', null)).toEqual({ kind: 'no-cell' });
  });
});

describe("a section's Python distributions by use", () => {
  it('puts the imported apart from those only present, reading an entry without `use` as imported', () => {
    const dist = (name: string, use?: 'imported' | 'present') => ({ name, version: '1', location: '/sp', files: 1, first_cell: null, ...(use ? { use } : {}) });
    const section = {
      ...empty,
      python: [dist('numpy', 'imported'), dist('old'), dist('pip', 'present'), dist('hatchling', 'present')]
    } as DependencyReport['total'];
    const { imported, present } = pythonByUse(section);
    expect(imported.map(p => p.name)).toEqual(['numpy', 'old']);
    expect(present.map(p => p.name)).toEqual(['pip', 'hatchling']);
  });
});

describe('the dependencies model', () => {
  it('fetches only while visible, once per burst of changes', async () => {
    vi.useFakeTimers();
    const { client, calls, pending } = fakeClient();
    const model = new DependenciesModel(client, 100);
    model.setNotebook({ path: 'w/n.ipynb', session: 's1' });
    await vi.runAllTimersAsync();
    expect(calls).toEqual([]);
    model.setVisible(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([['s1', 'w/n.ipynb']]);
    expect(model.state.loading).toBe(true);
    pending[0].resolve(report('s1'));
    await vi.advanceTimersByTimeAsync(1);
    expect(model.state).toMatchObject({ loading: false, error: null, report: { session: 's1' } });

    // Three cells finish in a row: one request.
    model.invalidate();
    model.invalidate();
    model.invalidate();
    await vi.advanceTimersByTimeAsync(150);
    expect(calls).toHaveLength(2);
    model.setVisible(false);
    model.invalidate();
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(2);
    model.setVisible(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
  });

  it('never shows one notebook the report of another, and says when one was never audited', async () => {
    vi.useFakeTimers();
    const { client, calls, pending } = fakeClient();
    const model = new DependenciesModel(client, 0);
    model.setVisible(true);
    model.setNotebook({ path: 'a.ipynb', session: 'sa' });
    await vi.advanceTimersByTimeAsync(1);
    model.setNotebook({ path: 'b.ipynb', session: null });
    await vi.advanceTimersByTimeAsync(1);
    pending[0].resolve(report('sa'));
    await vi.advanceTimersByTimeAsync(1);
    expect(model.state).toMatchObject({ notebook: { path: 'b.ipynb', session: null }, report: null, loading: false });
    expect(calls).toHaveLength(1);

    model.setNotebook({ path: 'c.ipynb', session: 'sc' });
    await vi.advanceTimersByTimeAsync(1);
    pending[1].reject(new Error('no audit session sc'));
    await vi.advanceTimersByTimeAsync(1);
    expect(model.state).toMatchObject({ report: null, error: 'no audit session sc', loading: false });
  });

  it('keeps the scope and active cell, and emits when they change', () => {
    const { client } = fakeClient();
    const model = new DependenciesModel(client);
    const seen: string[] = [];
    model.changed.connect((_, s) => seen.push(`${s.scope}:${s.cellId}`));
    model.setScope('cell');
    model.setActiveCell('a');
    model.setActiveCell('a');
    expect(seen).toEqual(['cell:null', 'cell:a']);
    expect(model.scoped).toBeNull();
  });
});
