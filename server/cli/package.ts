/** `retrace package NOTEBOOK`: build the container and say what is in it and what was left out. */
import { relative } from 'node:path';
import type { LeftOut } from '../../core/contract/manifest';
import { describeProgress, progressFraction, ProgressThrottle } from '../../core/container/package-progress';
import type { SessionUsage } from '../../core/container/usage';
import { buildDependencyReport } from '../deps/build';
import { formatBytes } from '../../core/format-bytes';
import { packNotebook, type PackProgress, type PackResult } from '../container/pack';
import type { CommandHelp } from './command-help';

export const packageHelp: CommandHelp = {
  name: 'package',
  summary: "build the notebook's container from its last audit",
  usage: `usage: retrace package NOTEBOOK [-o ARCHIVE] [--max-file-size SIZE] [--deny GLOBS] [--allow GLOBS]

Builds the notebook container, a .tar.gz holding every file the notebook's last audit
read or ran (interpreter, libraries, programs, data), its per-cell provenance, the
audited notebook and its dependency report, then says what it holds and which paths
it left out and why. Secrets (kernel connection files, ~/.ssh, ~/.netrc, private
keys, .env files, token-like environment variables) never go in.

arguments:
  NOTEBOOK                an audited notebook (by \`retrace audit\`, the audit kernel or
                          \`retrace attach\`)

options:
  -o, --output ARCHIVE    where to write the container (default:
                          NOTEBOOK-STEM.retrace.tar.gz beside the notebook)
  --max-file-size SIZE    a data file larger than this is recorded by hash only; SIZE
                          like 500M or 2G (default: 1G)
  --deny GLOBS            comma-separated paths to keep out, besides the secrets
                          (default: none)
  --allow GLOBS           comma-separated paths to let in although they look secret
                          (default: none)
  -h, --help              print this message

exit status: 0 built; 2 bad input (no such file, a notebook never audited, a bad size,
an unknown option).

example:
  retrace package nb.ipynb -o /tmp/nb.tar.gz --max-file-size 200M --deny '~/work/keys/**'
`
};

export interface PackageCommand {
  notebook: string;
  output?: string;
  maxFileBytes?: number;
  deny: string[];
  allow: string[];
}

const REASONS: Record<LeftOut['reason'], string> = {
  secret: 'secret',
  'too-large': 'too large, hash only',
  missing: 'missing',
  changed: 'changed since read'
};

export async function packageNotebook(cmd: PackageCommand): Promise<number> {
  const result = await packNotebook({
    notebook: cmd.notebook,
    output: cmd.output,
    maxFileBytes: cmd.maxFileBytes,
    secrets: { extraDenied: cmd.deny, allowed: cmd.allow },
    dependencyReport: dependencyReportFor(cmd.notebook),
    onProgress: progressPrinter()
  });
  process.stdout.write(formatPackResult(result));
  return 0;
}

/** deps.json: the report as this machine sees it (its dpkg database may be missing where the archive goes). */
function dependencyReportFor(notebook: string) {
  return (usage: SessionUsage) => buildDependencyReport(usage, { notebook });
}

/** A terminal's progress line is redrawn this often at most; a log (stderr piped) gets a line this often. */
const TTY_INTERVAL_MS = 200;
const LOG_INTERVAL_MS = 5000;

/** On a terminal, one progress line rewritten in place; otherwise a line per phase and every few seconds. */
export function progressPrinter(
  tty = !!process.stderr.isTTY,
  write: (text: string) => void = t => process.stderr.write(t),
  now: () => number = Date.now
): (p: PackProgress) => void {
  const throttle = new ProgressThrottle(tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS);
  return p => {
    if (p.phase === 'done') {
      if (tty) write('\r\x1b[K');
      return;
    }
    if (!throttle.shouldShow(p, now())) return;
    const line = `${describeProgress(p)} (${Math.floor(progressFraction(p) * 100)}%)`;
    write(tty ? `\r\x1b[K${line}` : `retrace: ${line}\n`);
  };
}

/** Left-out paths listed per reason; the manifest has them all. */
const MAX_LISTED = 20;

export function formatPackResult(r: PackResult, cwd = process.cwd()): string {
  const lines = [
    `Packed ${r.files} files (${r.blobs} distinct contents, ${formatBytes(r.contentBytes)}) into ${relative(cwd, r.archive) || r.archive} (${formatBytes(r.archiveBytes)}).`
  ];
  if (r.environmentRemoved.length) lines.push(`Environment variables left out: ${r.environmentRemoved.join(', ')}.`);
  if (r.leftOut.length) {
    lines.push(`Left out ${r.leftOut.length} path${r.leftOut.length === 1 ? '' : 's'} (a repeat takes them from its host):`);
    for (const reason of Object.keys(REASONS) as LeftOut['reason'][]) {
      const these = r.leftOut.filter(l => l.reason === reason);
      for (const l of these.slice(0, MAX_LISTED)) lines.push(`  ${l.path}  [${REASONS[l.reason]}] ${l.rule}`);
      if (these.length > MAX_LISTED) lines.push(`  … and ${these.length - MAX_LISTED} more [${REASONS[reason]}]: the archive's manifest.json lists them all`);
    }
  } else lines.push('Nothing was left out.');
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
