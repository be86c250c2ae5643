/** retrace's JupyterLab plugins: one small plugin per concern around one shared service. */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { auditNoticePlugin } from './plugins/audit-notice';
import { auditRecorderPlugin } from './plugins/audit-recorder';
import { cellBadgesPlugin } from './plugins/cell-badges';
import { dependencyPanelPlugin } from './plugins/dependency-panel';
import { packageButtonPlugin } from './plugins/package-button';
import { provenancePanelPlugin } from './plugins/provenance-panel';
import { repeatRecorderPlugin } from './plugins/repeat-recorder';
import { reproduceButtonPlugin } from './plugins/reproduce-button';
import { servicePlugin } from './plugins/service';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [
  servicePlugin,
  provenancePanelPlugin,
  auditNoticePlugin,
  auditRecorderPlugin,
  cellBadgesPlugin,
  dependencyPanelPlugin,
  packageButtonPlugin,
  repeatRecorderPlugin,
  reproduceButtonPlugin
];

export default plugins;
