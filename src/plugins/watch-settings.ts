/**
 * A plugin's settings, kept current: the defaults until the registry has loaded
 * them, then whatever the user changes them to.
 */
import type { ISettingRegistry } from '@jupyterlab/settingregistry';

export function watchSettings<T>(
  registry: ISettingRegistry | null,
  pluginId: string,
  read: (settings: ISettingRegistry.ISettings) => T,
  defaults: T,
  what: string
): () => T {
  let current = defaults;
  if (registry) {
    void registry
      .load(pluginId)
      .then(s => {
        current = read(s);
        s.changed.connect(() => (current = read(s)));
      })
      .catch(e => console.warn(`retrace: could not load the ${what} settings`, e));
  }
  return () => current;
}
