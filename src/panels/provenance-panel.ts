/**
 * The right-sidebar "Provenance" panel. It is a stack of sections: for now the
 * environment report, so a user sees at once whether auditing can work here;
 * per-cell provenance and lineage get their own sections later.
 */
import { ToolbarButton } from '@jupyterlab/apputils';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { type ISignal, Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';
import type { EnvironmentModel, EnvironmentState } from '../model/environment';
import { renderEnvironment } from './environment-view';

class EnvironmentSection extends Panel {
  private readonly body: HTMLElement;

  constructor(private readonly model: EnvironmentModel) {
    super();
    this.addClass('jp-retrace-section');
    // The header and its refresh button are child widgets (not bare DOM nodes) so
    // Lumino sends them attach messages: a ToolbarButton is a ReactWidget and renders
    // its <button> only once attached.
    const header = new Panel();
    header.addClass('jp-retrace-section-header');
    const title = document.createElement('h3');
    title.textContent = 'Environment';
    header.addWidget(new Widget({ node: title }));
    const refresh = new ToolbarButton({
      icon: refreshIcon,
      tooltip: 'Check this machine again',
      onClick: () => void model.refresh(true)
    });
    refresh.addClass('jp-retrace-refresh');
    header.addWidget(refresh);
    this.body = document.createElement('div');
    this.body.className = 'jp-retrace-section-body';
    this.body.setAttribute('aria-live', 'polite');
    this.addWidget(header);
    this.addWidget(new Widget({ node: this.body }));
    model.changed.connect(this.onChanged, this);
    this.onChanged(model, model.state);
  }

  private onChanged(_: EnvironmentModel, state: EnvironmentState): void {
    renderEnvironment(this.body, state);
  }

  dispose(): void {
    this.model.changed.disconnect(this.onChanged, this);
    super.dispose();
  }
}

export class ProvenancePanel extends Panel {
  private readonly _shown = new Signal<this, void>(this);

  constructor(environment: EnvironmentModel) {
    super();
    this.id = 'jp-retrace-provenance';
    this.addClass('jp-retrace-provenance');
    this.title.caption = 'Provenance';
    this.addWidget(new EnvironmentSection(environment));
  }

  /** Emitted each time the panel becomes visible (its sidebar tab opened, or restored open). */
  get shown(): ISignal<this, void> {
    return this._shown;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._shown.emit();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) this._shown.emit();
  }
}
