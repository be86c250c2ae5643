/**
 * State lineage, FLINC Definition 1: lineage_i = H(lineage_{i-1}, E_i, h_i), where
 * E_i are the cell's abstracted event sequences (see provenance/cell-provenance.ts)
 * and h_i the content hashes of the data files it read, as they were when read.
 * The first cell's predecessor is the digest of the empty string.
 */
import type { CellLineageEvents } from '../contract/records';
import { sha256 } from './digest';

export const LINEAGE_ROOT = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A data file read, by its display path, with its hash or why there is none. */
export interface ReadHash {
  path: string;
  sha256?: string;
  note?: string;
}

export function lineageInput(previous: string, events: CellLineageEvents, reads: ReadHash[]): string {
  const h = reads.map(r => [r.path, r.sha256 ?? `none:${r.note ?? 'unknown'}`]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify({ previous, events, reads: h });
}

export function computeLineage(previous: string, events: CellLineageEvents, reads: ReadHash[]): Promise<string> {
  return sha256(lineageInput(previous, events, reads));
}

/** The digest of a cell's abstracted events alone (referenced from metadata). */
export function eventsDigest(events: CellLineageEvents): Promise<string> {
  return sha256(JSON.stringify(events));
}
