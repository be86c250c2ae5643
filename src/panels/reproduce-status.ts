/** A status bar item: how the current notebook's Reproduce run is going, then its outcome. */
import { Widget } from '@lumino/widgets';
import type { ReproduceRun } from '../model/reproduce-run';

export class ReproduceStatus extends Widget {
  private run: ReproduceRun | null = null;

  constructor() {
    super();
    this.addClass('jp-retrace-reproduce-status');
    // Progress is read out as it changes, without taking the focus.
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this.hide();
  }

  /** Follow `run` (null: show nothing). */
  setRun(run: ReproduceRun | null): void {
    this.run?.changed.disconnect(this.render, this);
    this.run = run;
    run?.changed.connect(this.render, this);
    this.render();
  }

  private render(): void {
    const run = this.run;
    if (!run) {
      this.hide();
      return;
    }
    this.node.textContent = run.text;
    this.node.title = run.text;
    this.node.dataset.phase = run.phase;
    this.node.dataset.outcome = run.phase === 'done' ? (run.allReproduced ? 'reproduced' : 'differences') : '';
    this.show();
  }

  dispose(): void {
    this.run?.changed.disconnect(this.render, this);
    this.run = null;
    super.dispose();
  }
}
