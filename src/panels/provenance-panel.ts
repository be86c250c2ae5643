/**
 * The right-sidebar "Provenance" panel. It is a stack of sections: for now the
 * environment report, so a user sees at once whether auditing can work here;
 * per-cell provenance and lineage get their own sections later.
 */
import { ToolbarButton } from '@jupyterlab/apputils';
import { refreshIcon } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';
import type { EnvironmentModel, EnvironmentState } from '../model/environment';
import { renderEnvironment } from './environment-view';

class EnvironmentSection extends Widget {
  private readonly body: HTMLElement;

  constructor(private readonly model: EnvironmentModel) {
    super();
    this.addClass('jp-retrace-section');
    const header = document.createElement('div');
    header.className = 'jp-retrace-section-header';
    const title = document.createElement('h3');
    title.textContent = 'Environment';
    const refresh = new ToolbarButton({
      icon: refreshIcon,
      tooltip: 'Check this machine again',
      onClick: () => void model.refresh(true)
    });
    refresh.addClass('jp-retrace-refresh');
    header.append(title, refresh.node);
    this.body = document.createElement('div');
    this.body.className = 'jp-retrace-section-body';
    this.body.setAttribute('aria-live', 'polite');
    this.node.append(header, this.body);
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
  constructor(environment: EnvironmentModel) {
    super();
    this.id = 'jp-retrace-provenance';
    this.addClass('jp-retrace-provenance');
    this.title.caption = 'Provenance';
    this.addWidget(new EnvironmentSection(environment));
  }
}
