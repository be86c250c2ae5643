/**
 * The body of the dialog a badge opens: the cell's verdict when a repeat judged it
 * (why, the first difference, the outputs that differ, the files taken from the
 * host), then its provenance as its audit recorded it.
 */
import { Widget } from '@lumino/widgets';
import type { FileRecord, RetraceCellMetadata } from '../../core/contract/metadata';
import type { CellVerdict } from '../../core/contract/verdict';

function section(title: string, items: string[], empty: string, className = ''): HTMLElement {
  const node = document.createElement('section');
  if (className) node.className = className;
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

function facts(pairs: Array<[string, string]>, className = ''): HTMLElement {
  const dl = document.createElement('dl');
  if (className) dl.className = className;
  for (const [k, v] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  return dl;
}

const describeFile = (f: FileRecord) =>
  [f.path, f.size !== undefined ? `${f.size} B` : '', f.sha256 ? f.sha256.slice(7, 19) : '', f.note ? `(${f.note})` : ''].filter(Boolean).join('  ');

const DIFFERENCE_KINDS: Record<NonNullable<CellVerdict['first_difference']>['kind'], string> = {
  file: 'a data file',
  event: 'an event',
  'earlier-cell': 'an earlier cell',
  lineage: 'the lineage'
};

/** The repeat's verdict: what it says, why, and what differs. */
function verdictDetails(verdict: CellVerdict): HTMLElement {
  const node = document.createElement('section');
  node.className = 'jp-retrace-verdict-details';
  node.dataset.status = verdict.status;
  const h = document.createElement('h4');
  h.textContent = `Repeat: ${verdict.status}`;
  const pairs: Array<[string, string]> = [['Why', verdict.reason]];
  const first = verdict.first_difference;
  if (first) {
    pairs.push(['First difference', DIFFERENCE_KINDS[first.kind] ?? first.kind]);
    if (first.audit !== undefined) pairs.push(['  in the audit', first.audit]);
    if (first.repeat !== undefined) pairs.push(['  in the repeat', first.repeat]);
  }
  if (verdict.lineage) pairs.push(['Repeat lineage', verdict.lineage]);
  if (verdict.log) pairs.push(['Repeat record', `session ${verdict.log.session}, execution ${verdict.log.seq}`]);
  node.append(
    h,
    facts(pairs, 'jp-retrace-verdict-facts'),
    // The same lines `retrace diff` prints (core/diff/describe.ts), kept in the verdict.
    ...(verdict.differences?.length ? [section('First differences', verdict.differences, '', 'jp-retrace-verdict-differences')] : []),
    section('Output differences', verdict.outputs.differences, 'The outputs are the same as the audit’s.', 'jp-retrace-verdict-outputs'),
    section('Files taken from the host', verdict.fall_through, 'None: everything came from the container.', 'jp-retrace-verdict-host-files')
  );
  return node;
}

/** What the audit recorded. */
function auditDetails(meta: RetraceCellMetadata): HTMLElement[] {
  return [
    facts([
      ['Status', meta.status],
      ['Execution', meta.execution_count === null ? '—' : `[${meta.execution_count}]`],
      ['Started', meta.started_at],
      ['Duration', `${(meta.duration_ms / 1000).toFixed(3)} s`],
      ['Lineage', meta.lineage],
      ['Code hash', meta.code_hash],
      ['Processes', String(meta.counts.processes)],
      ['System files', `${meta.counts.system_files_read} read, ${meta.counts.system_files_written} written`]
    ]),
    section('Data files read', meta.files.read.map(describeFile), 'No data files read.'),
    section('Data files written', meta.files.written.map(describeFile), 'No data files written.'),
    section('Programs run', meta.programs, 'No programs run.'),
    section('Network', meta.network, 'No network endpoints.')
  ];
}

export function provenanceDetails(meta: RetraceCellMetadata | undefined, verdict?: CellVerdict): Widget {
  const node = document.createElement('div');
  node.className = 'jp-retrace-details';
  if (verdict) node.append(verdictDetails(verdict));
  if (meta) {
    if (verdict) {
      const h = document.createElement('h4');
      h.textContent = 'Audit';
      node.append(h);
    }
    node.append(...auditDetails(meta));
  } else {
    const p = document.createElement('p');
    p.className = 'jp-retrace-empty';
    p.textContent = 'This cell has no audit: it was added or run after the notebook was audited.';
    node.append(p);
  }
  return new Widget({ node });
}
