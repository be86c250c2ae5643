/**
 * The right-sidebar "Dependencies" panel: the current notebook's software (Python
 * distributions, system packages, programs) and data (files read and written), for
 * all cells or for the active cell's latest execution. Each table has its own filter
 * box. The tables are built once and only their rows are replaced, so a filter being
 * typed keeps its focus and text while cells finish and the report is refreshed.
 */
import { refreshIcon } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { shortHash } from '../../core/deps/format';
import { formatBytes } from '../../core/format-bytes';
import { pythonByUse, type DependenciesModel, type DependenciesState, type DependencyScope, type ScopedSection } from '../model/dependencies';
import type { DataEntry, DependencyReport, PythonEntry, Section as DependencySection } from '../../core/contract/dependencies';
import { el } from '../ui/dom';

export const DEPENDENCY_PANEL_ID = 'jp-retrace-dependencies';

export const NOT_AUDITED_MESSAGE = 'Not audited yet: run the notebook with the Python 3 (audit) kernel';

/** A table cell: its text, and optionally a longer tooltip. */
type CellValue = string | { text: string; title?: string };

interface Row {
  cells: CellValue[];
}

/** One titled table with a filter box; rows are replaced, the filter stays. */
class FilterTable {
  readonly node: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly body: HTMLTableSectionElement;
  private readonly note: HTMLElement;
  private rows: HTMLTableRowElement[] = [];
  private readonly empty: HTMLTableRowElement;

  constructor(
    readonly key: string,
    private readonly title: string,
    columns: string[]
  ) {
    const headingId = `${DEPENDENCY_PANEL_ID}-${key}-heading`;
    this.heading = el('h4', 'jp-retrace-deps-heading', title);
    this.heading.id = headingId;
    this.filter = el('input', 'jp-retrace-deps-filter jp-mod-styled');
    this.filter.type = 'search';
    this.filter.placeholder = 'Filter';
    this.filter.setAttribute('aria-label', `Filter ${title.toLowerCase()}`);
    this.filter.addEventListener('input', () => this.apply());
    const head = el('thead', '', el('tr', '', ...columns.map(c => el('th', '', c))));
    head.querySelectorAll('th').forEach(th => th.setAttribute('scope', 'col'));
    this.body = el('tbody', '');
    const table = el('table', 'jp-retrace-deps-table', head, this.body);
    table.setAttribute('aria-labelledby', headingId);
    this.empty = el('tr', 'jp-retrace-deps-empty', el('td', '', 'None'));
    (this.empty.firstChild as HTMLTableCellElement).colSpan = columns.length;
    this.note = el('div', 'jp-retrace-deps-note');
    this.node = el('section', 'jp-retrace-deps-section', el('div', 'jp-retrace-deps-section-header', this.heading, this.filter), table, this.note);
    this.node.dataset.table = key;
  }

  setRows(rows: Row[], note = ''): void {
    this.rows = rows.map(row => {
      const tr = el('tr', 'jp-retrace-deps-row');
      for (const value of row.cells) {
        const td = el('td', '', typeof value === 'string' ? value : value.text);
        if (typeof value !== 'string' && value.title) td.title = value.title;
        tr.append(td);
      }
      return tr;
    });
    this.body.replaceChildren(...this.rows);
    this.note.textContent = note;
    this.note.hidden = !note;
    this.apply();
  }

  private apply(): void {
    const words = this.filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const tr of this.rows) {
      const text = tr.textContent!.toLowerCase() + ' ' + [...tr.cells].map(td => td.title.toLowerCase()).join(' ');
      const match = words.every(w => text.includes(w));
      tr.hidden = !match;
      if (match) shown++;
    }
    const total = this.rows.length;
    this.heading.textContent = words.length ? `${this.title} (${shown} of ${total})` : `${this.title} (${total})`;
    this.empty.firstChild!.textContent = total ? 'No match' : 'None';
    if (shown === 0) this.body.append(this.empty);
    else this.empty.remove();
  }
}

const where = (ref: { seq: number } | null, how: string) => (ref ? `first ${how} by execution ${ref.seq}` : `first ${how} at kernel start-up`);

function pythonRows(entries: PythonEntry[], how: string): Row[] {
  return entries.map(p => ({ cells: [{ text: p.name, title: `${p.location}\n${where(p.first_cell, how)}` }, p.version, String(p.files)] }));
}

export const PRESENT_EXPLANATION =
  'Only their metadata was read (an entry-point scan or a version lookup, as dask, IPython and Jupyter make, opens every installed distribution’s metadata), ' +
  'or they were in a site-packages folder the run listed. The notebook does not need them installed to run.';

function dataRows(entries: DataEntry[]): Row[] {
  return entries.map(d => ({
    cells: [d.path, formatBytes(d.size), { text: shortHash(d.sha256), title: d.sha256 ?? 'not hashed' }]
  }));
}

export class DependencyPanel extends Widget {
  private readonly notebookLabel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly scopeButtons = new Map<DependencyScope, HTMLButtonElement>();
  private readonly tables: HTMLElement;
  private readonly python = new FilterTable('python', 'Python distributions imported', ['Name', 'Version', 'Files']);
  /** Collapsed: what the run merely saw is context, not what the notebook needs. */
  private readonly present = new FilterTable('python-present', 'Present, not imported', ['Name', 'Version', 'Files']);
  private readonly presentSummary: HTMLElement;
  private readonly presentGroup: HTMLDetailsElement;
  private readonly system = new FilterTable('system', 'System packages', ['Name', 'Version', 'Files']);
  private readonly programs = new FilterTable('programs', 'Programs', ['Path', 'Package']);
  private readonly read = new FilterTable('read', 'Data read', ['Path', 'Size', 'Hash']);
  private readonly written = new FilterTable('written', 'Data written', ['Path', 'Size', 'Hash']);

  constructor(private readonly model: DependenciesModel) {
    super();
    this.id = DEPENDENCY_PANEL_ID;
    this.addClass('jp-retrace-deps');
    this.title.caption = 'Dependencies';

    const refresh = el('button', 'jp-retrace-deps-refresh jp-Button jp-mod-minimal', refreshIcon.element({ tag: 'span' }));
    refresh.type = 'button';
    refresh.title = 'Refresh the dependencies';
    refresh.setAttribute('aria-label', 'Refresh the dependencies');
    refresh.addEventListener('click', () => void model.refresh());

    const scope = el('div', 'jp-retrace-deps-scope');
    scope.setAttribute('role', 'group');
    scope.setAttribute('aria-label', 'Show the dependencies of');
    for (const [value, label] of [
      ['all', 'All cells'],
      ['cell', 'This cell']
    ] as Array<[DependencyScope, string]>) {
      const button = el('button', 'jp-retrace-deps-scope-button', label);
      button.type = 'button';
      button.dataset.scope = value;
      button.addEventListener('click', () => model.setScope(value));
      this.scopeButtons.set(value, button);
      scope.append(button);
    }

    this.notebookLabel = el('div', 'jp-retrace-deps-notebook');
    this.status = el('div', 'jp-retrace-deps-status');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.presentSummary = el('summary', 'jp-retrace-deps-present-summary');
    this.presentGroup = el('details', 'jp-retrace-deps-present', this.presentSummary, el('p', 'jp-retrace-deps-note', PRESENT_EXPLANATION), this.present.node);
    this.tables = el(
      'div',
      'jp-retrace-deps-tables',
      this.python.node,
      this.presentGroup,
      ...[this.system, this.programs, this.read, this.written].map(t => t.node)
    );

    this.node.append(el('div', 'jp-retrace-section-header', el('h3', '', 'Dependencies'), refresh), this.notebookLabel, scope, this.status, this.tables);
    model.changed.connect(this.render, this);
    this.render();
  }

  dispose(): void {
    this.model.changed.disconnect(this.render, this);
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.setVisible(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.setVisible(false);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.setVisible(this.isVisible);
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.setVisible(false);
    super.onBeforeDetach(msg);
  }

  private render(): void {
    const state: DependenciesState = this.model.state;
    for (const [value, button] of this.scopeButtons) button.setAttribute('aria-pressed', String(state.scope === value));
    this.notebookLabel.textContent = state.notebook ? state.notebook.path : '';
    this.notebookLabel.title = state.notebook?.session ? `audit session ${state.notebook.session}` : '';
    this.node.setAttribute('aria-busy', String(state.loading));

    const scoped = this.model.scoped;
    const show = (message: string, kind = 'info') => {
      this.status.textContent = message;
      this.status.dataset.kind = kind;
    };
    let section: DependencySection | null = null;
    if (!state.notebook) show('Open a notebook to see its dependencies.');
    else if (!state.notebook.session) show(NOT_AUDITED_MESSAGE);
    else if (state.error) show(state.error, 'error');
    else if (!state.report || !scoped) show('Reading the audit…', 'loading');
    else {
      const text = describeScope(state.report, scoped);
      show(text, scoped.kind === 'total' || scoped.kind === 'cell' ? 'info' : 'empty');
      if (scoped.kind === 'total' || scoped.kind === 'cell') section = scoped.section;
    }
    this.tables.hidden = !section;
    if (section && state.report) this.fill(section, state.report);
  }

  private fill(section: DependencySection, report: DependencyReport): void {
    const { imported, present } = pythonByUse(section);
    const seen = present.length ? `${present.length} more present, not imported: see below.` : '';
    this.python.setRows(pythonRows(imported, 'imported'), imported.length ? seen : '');
    this.present.setRows(pythonRows(present, 'seen'));
    this.presentSummary.textContent = `Python distributions present, not imported (${present.length})`;
    this.presentGroup.hidden = !present.length;
    const { count, examples } = section.unowned;
    const unowned = count
      ? `${count} file${count === 1 ? '' : 's'} no package owns` + (examples.length ? `, e.g. ${examples.slice(0, 3).join(', ')}` : '')
      : '';
    this.system.setRows(
      section.system.map(s => ({ cells: [s.name, s.version ?? '?', String(s.files)] })),
      report.package_database === null
        ? `No package database on this machine: files outside Python are not attributed to system packages.${unowned ? ` ${unowned}.` : ''}`
        : unowned
    );
    this.programs.setRows(section.programs.map(p => ({ cells: [p.path, p.package ?? ''] })));
    this.read.setRows(dataRows(section.data.read));
    this.written.setRows(dataRows(section.data.written));
  }
}

function describeScope(report: DependencyReport, scoped: ScopedSection): string {
  switch (scoped.kind) {
    case 'total': {
      const n = report.cells.length;
      return `All cells: ${n} execution${n === 1 ? '' : 's'} and the kernel's start-up.`;
    }
    case 'cell':
      return `This cell, as it last ran [${scoped.section.execution_count}].`;
    case 'cell-not-run':
      return 'This cell has not run under the audit kernel in this session.';
    case 'no-cell':
      return 'Select a cell to see what it used.';
  }
}
