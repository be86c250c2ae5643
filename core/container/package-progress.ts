/**
 * Packaging progress in words and as a fraction, the same for `retrace package` and
 * the JupyterLab dialog. Pure (runs in the browser too).
 */
import { formatBytes } from '../format-bytes';
import type { PackageProgress } from '../contract/packaging';

/**
 * Where each phase starts on the bar. Timed on examples/image-convolution.ipynb
 * (3274 files, 238 MiB): copying and hashing took a third of the time, writing the
 * compressed archive nearly all the rest; the bar follows the files, then the bytes.
 */
const SPAN: Record<PackageProgress['phase'], [number, number]> = {
  collecting: [0, 0.03],
  copying: [0.03, 0.35],
  archiving: [0.35, 0.99],
  done: [1, 1]
};

/** Between 0 and 1, never going back as the phases follow one another. */
export function progressFraction(p: PackageProgress | null): number {
  if (!p) return 0;
  const [from, to] = SPAN[p.phase];
  const within = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  return from + (to - from) * within;
}

/** `copying files 120/3274`; `writing the archive: 120.0 MiB of 238.4 MiB, 41.2 MiB written`. */
export function describeProgress(p: PackageProgress | null): string {
  if (!p) return 'starting';
  switch (p.phase) {
    case 'collecting':
      return 'collecting what the audit used';
    case 'copying':
      return `copying files ${p.done}/${p.total}`;
    case 'archiving': {
      const written = p.archiveBytes === undefined ? '' : `, ${formatBytes(p.archiveBytes)} written`;
      return `writing the archive: ${formatBytes(p.done)} of ${formatBytes(p.total)}${written}`;
    }
    case 'done':
      return 'done';
  }
}

/**
 * Which progress reports are worth a line: the first of each phase, then one per
 * interval (a terminal redraws its line often; a log gets a line now and then).
 */
export class ProgressThrottle {
  private phase: PackageProgress['phase'] | undefined;
  private last = -Infinity;

  constructor(private readonly intervalMs: number) {}

  shouldShow(p: PackageProgress, now: number): boolean {
    if (p.phase !== this.phase || now - this.last >= this.intervalMs) {
      this.phase = p.phase;
      this.last = now;
      return true;
    }
    return false;
  }
}
