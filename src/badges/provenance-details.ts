/** The body of the dialog a badge opens: one cell's provenance as recorded in its metadata. */
import { Widget } from '@lumino/widgets';
import type { FileRecord, RetraceCellMetadata } from '../../server/core/metadata/types';

function section(title: string, items: string[], empty: string): HTMLElement {
  const node = document.createElement('section');
  const h = document.createElement('h4');
  h.textContent = `${title} (${items.length})`;
  node.append(h);
  if (!items.length) {
    const p = document.createElement('p');
    p.className = 'jp-retrace-empty';
    p.textContent = empty;
    node.append(p);
    return node;
  }
  const ul = document.createElement('ul');
  for (const item of items) {
    const li = document.createElement('li');
    li.textContent = item;
    ul.append(li);
  }
  node.append(ul);
  return node;
}

const describeFile = (f: FileRecord) =>
  [f.path, f.size !== undefined ? `${f.size} B` : '', f.sha256 ? f.sha256.slice(7, 19) : '', f.note ? `(${f.note})` : '']
    .filter(Boolean)
    .join('  ');

export function provenanceDetails(meta: RetraceCellMetadata): Widget {
  const node = document.createElement('div');
  node.className = 'jp-retrace-details';
  const summary = document.createElement('dl');
  const facts: Array<[string, string]> = [
    ['Status', meta.status],
    ['Execution', meta.execution_count === null ? '—' : `[${meta.execution_count}]`],
    ['Started', meta.started_at],
    ['Duration', `${(meta.duration_ms / 1000).toFixed(3)} s`],
    ['Lineage', meta.lineage],
    ['Code hash', meta.code_hash],
    ['Processes', String(meta.counts.processes)],
    ['System files', `${meta.counts.system_files_read} read, ${meta.counts.system_files_written} written`]
  ];
  for (const [k, v] of facts) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    summary.append(dt, dd);
  }
  node.append(
    summary,
    section('Data files read', meta.files.read.map(describeFile), 'No data files read.'),
    section('Data files written', meta.files.written.map(describeFile), 'No data files written.'),
    section('Programs run', meta.programs, 'No programs run.'),
    section('Network', meta.network, 'No network endpoints.')
  );
  return new Widget({ node });
}
