/**
 * Where an unpacked container keeps its members (docs/container.md, "Layout"): the one
 * place that spells out the paths, for whoever opens a container and whoever reads
 * the audit in it.
 */
import { join } from 'node:path';

export interface UnpackedLayout {
  /** `dir/root`: the original tree. */
  rootDir: string;
  /** `dir/notebook.ipynb`: the audited notebook. */
  notebookPath: string;
  /** `dir/provenance`: the audit session's own records. */
  provenanceDir: string;
}

export function unpackedLayout(dir: string): UnpackedLayout {
  return { rootDir: join(dir, 'root'), notebookPath: join(dir, 'notebook.ipynb'), provenanceDir: join(dir, 'provenance') };
}

/** `provenance/cells`: the audit's cell records, one per execution. */
export function cellRecordsDir(provenanceDir: string): string {
  return join(provenanceDir, 'cells');
}

/** `provenance/cells/<seq>.json`: the audit's record of its cell execution `seq`. */
export function cellRecordPath(provenanceDir: string, seq: number): string {
  return join(cellRecordsDir(provenanceDir), `${seq}.json`);
}
