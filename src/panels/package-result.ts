/** The body of the "Notebook packaged" dialog: where the archive is, how big, and what was left out and why. */
import { Widget } from '@lumino/widgets';
import { formatBytes } from '../../core/format-bytes';
import type { PackageOutcome } from '../model/package-job';
import type { PackageSummary } from '../../core/contract/packaging';
import { el } from '../ui/dom';

const REASONS: Record<PackageSummary['leftOut'][number]['reason'], string> = {
  secret: 'secret',
  'too-large': 'too large (hash only)',
  missing: 'missing',
  changed: 'changed since read'
};

export function packageResultBody({ summary, archivePath }: PackageOutcome): Widget {
  const s = summary;
  const facts = el(
    'dl',
    'jp-retrace-package-facts',
    el('dt', '', 'Archive'),
    el('dd', 'jp-retrace-package-archive', archivePath ?? s.archive),
    el('dt', '', 'Size'),
    el('dd', 'jp-retrace-package-size', formatBytes(s.archiveBytes)),
    el('dt', '', 'Files'),
    el('dd', 'jp-retrace-package-files', `${s.files} (${s.blobs} distinct contents, ${formatBytes(s.contentBytes)} before compression)`)
  );
  const root = el('div', 'jp-retrace-package-result', facts);

  if (s.leftOut.length) {
    root.append(
      el('h4', '', `Left out (${s.leftOut.length}): a repeat takes these from its host`),
      el(
        'table',
        'jp-retrace-package-left-out',
        el('thead', '', el('tr', '', el('th', '', 'Path'), el('th', '', 'Reason'), el('th', '', 'Why'))),
        el(
          'tbody',
          '',
          ...s.leftOut.map(l => {
            const row = el('tr', '', el('td', '', l.path), el('td', '', REASONS[l.reason] ?? l.reason), el('td', '', l.rule));
            row.dataset.reason = l.reason;
            return row;
          })
        )
      )
    );
  } else root.append(el('p', 'jp-retrace-package-nothing-left-out', 'Nothing was left out.'));

  if (s.environmentRemoved.length) {
    root.append(el('p', '', `Environment variables left out: ${s.environmentRemoved.join(', ')}.`));
  }
  if (s.warnings.length) root.append(el('ul', 'jp-retrace-package-warnings', ...s.warnings.map(w => el('li', '', w))));
  return new Widget({ node: root });
}
