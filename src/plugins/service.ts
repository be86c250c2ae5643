/** The one shared service every other retrace plugin builds on. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { RetraceClient } from '../api';
import { AuditRecorder } from '../model/audit-recorder';
import { EnvironmentModel } from '../model/environment';
import { RepeatRecorder } from '../model/repeat-recorder';
import { IRetraceService } from '../tokens';

export const servicePlugin: JupyterFrontEndPlugin<IRetraceService> = {
  id: 'jupyterlab-retrace:service',
  description: 'The retrace companion client and shared models.',
  autoStart: true,
  provides: IRetraceService,
  activate: (app: JupyterFrontEnd): IRetraceService => {
    const client = new RetraceClient(app.serviceManager.serverSettings);
    const environment = new EnvironmentModel(client);
    const recorder = new AuditRecorder(client);
    const repeatRecorder = new RepeatRecorder(client);
    return { client, environment, recorder, repeatRecorder };
  }
};
