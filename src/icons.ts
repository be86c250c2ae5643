import { LabIcon } from '@jupyterlab/ui-components';

/** A loop with an arrow: an execution traced and replayed. */
export const retraceIcon = new LabIcon({
  name: 'jupyterlab-retrace:retrace',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M12 4a8 8 0 1 1-7.75 10h2.08A6 6 0 1 0 12 6v3L7.5 5 12 1v3z"/>' +
    '<circle class="jp-icon3" fill="#616161" cx="12" cy="12" r="2"/></svg>'
});

/** Stacked layers: what a notebook's run stood on (software and data). */
export const dependenciesIcon = new LabIcon({
  name: 'jupyterlab-retrace:dependencies',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M12 2 2 7l10 5 10-5-10-5zm-7.76 9L2 12l10 5 10-5-2.24-1.12L12 14.76 4.24 11zm0 5L2 17l10 5 10-5-2.24-1.12L12 19.76 4.24 16z"/>' +
    '</svg>'
});

/** A closed box: the notebook container. */
export const packageIcon = new LabIcon({
  name: 'jupyterlab-retrace:package',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M12 2 3 6.5v11L12 22l9-4.5v-11L12 2zm0 2.24 6.2 3.1L12 10.44 5.8 7.34 12 4.24zM5 9.02l6 3v7.74l-6-3V9.02zm8 10.74v-7.74l6-3v7.74l-6 3z"/>' +
    '</svg>'
});

/** A play triangle inside a loop: run the notebook again, in its container. */
export const reproduceIcon = new LabIcon({
  name: 'jupyterlab-retrace:reproduce',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M12 4a8 8 0 1 1-7.75 10h2.08A6 6 0 1 0 12 6v3L7.5 5 12 1v3z"/>' +
    '<path class="jp-icon3" fill="#616161" d="M10 9v6l5-3z"/></svg>'
});
