import { LabIcon } from '@jupyterlab/ui-components';

/** A loop with an arrow: an execution traced and replayed. */
export const retraceIcon = new LabIcon({
  name: 'jupyterlab-retrace:retrace',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M12 4a8 8 0 1 1-7.75 10h2.08A6 6 0 1 0 12 6v3L7.5 5 12 1v3z"/>' +
    '<circle class="jp-icon3" fill="#616161" cx="12" cy="12" r="2"/></svg>'
});
