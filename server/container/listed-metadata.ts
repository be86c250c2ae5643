/**
 * The distribution metadata in the folders an audited run listed. importlib.metadata
 * finds a distribution (`distribution('pyarrow')`, as dask.dataframe asks) by listing
 * each folder on sys.path and matching names: it never opens the `*.dist-info` unless
 * asked for more, so the trace shows the listing only. A container without those
 * folders answers "No package metadata was found". They are small: the packer adds the
 * top-level files of each (METADATA, RECORD, entry_points.txt...; not licences).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isDistributionMetadata, type ListedFolder, type WantedPath } from '../../core/container/wanted';

export async function distributionMetadataIn(folders: ListedFolder[]): Promise<WantedPath[]> {
  const found: WantedPath[] = [];
  const add = (path: string, firstCell: ListedFolder['firstCell']) => found.push({ path, role: 'system', probe: true, ...(firstCell ? { firstCell } : {}) });
  for (const folder of folders) {
    const entries = await fs.readdir(folder.path, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!isDistributionMetadata(entry.name)) continue;
      const path = join(folder.path, entry.name);
      if (!entry.isDirectory()) {
        add(path, folder.firstCell); // an egg-info file, or a link the packer follows
        continue;
      }
      add(path, folder.firstCell); // the folder itself, even if empty
      for (const file of await fs.readdir(path, { withFileTypes: true }).catch(() => [])) {
        if (file.isFile()) add(join(path, file.name), folder.firstCell);
      }
    }
  }
  return found;
}
