/** The body of the "Packaging…" dialog: what the companion is doing, and a progress bar. */
import { Widget } from '@lumino/widgets';
import { describeProgress, progressFraction } from '../model/package-job';
import type { PackageProgress } from '../../core/contract/packaging';

export class PackageProgressView extends Widget {
  private readonly bar: HTMLProgressElement;
  private readonly text: HTMLElement;

  constructor() {
    super();
    this.addClass('jp-retrace-package-progress');
    this.text = document.createElement('div');
    this.text.className = 'jp-retrace-package-progress-text';
    this.text.setAttribute('role', 'status');
    this.bar = document.createElement('progress');
    this.bar.max = 1;
    this.bar.setAttribute('aria-label', 'Packaging progress');
    this.node.append(this.text, this.bar);
    this.setProgress(null);
  }

  /** Show `progress` (null: not started yet). */
  setProgress(progress: PackageProgress | null): void {
    const what = describeProgress(progress);
    this.text.textContent = `${what[0].toUpperCase()}${what.slice(1)}…`;
    this.bar.value = progressFraction(progress);
  }
}
