/**
 * The companion's packaging API as both sides see it: `POST /api/package` starts a
 * job, `GET /api/jobs/<id>` says how it goes. Types only, so the frontend can import
 * them; the companion checks at compile time that what packNotebook returns fits
 * (server/service/companion.ts assigns a PackResult to a PackageSummary).
 */
import type { LeftOut } from './manifest';

/** The body of `POST /api/package`. */
export interface PackageRequest {
  /** The notebook: absolute, or relative to the Jupyter server's root (a contents path). */
  notebook: string;
  /** The archive; default `<stem>.retrace.tar.gz` beside the notebook. Absolute or relative to the root. */
  output?: string;
  /** Data files larger than this many bytes are recorded by path and hash only. */
  maxFileBytes?: number;
  /** Extra secret globs to leave out (as `retrace package --deny`). */
  deny?: string[];
  /** Paths or globs to include even when a secret rule matches (as `--allow`). */
  allow?: string[];
}

/**
 * What a packaging run is doing. `done` of `total` counts, by phase:
 *   collecting  0 of 1;
 *   copying     distinct regular files (as the result's `files` counts them: a link and its
 *               target are one, a folder none; a file left out counts as done);
 *   archiving   bytes of content written into the archive (before compression);
 *   done        1 of 1.
 */
export interface PackageProgress {
  phase: 'collecting' | 'copying' | 'archiving' | 'done';
  done: number;
  total: number;
  /** While archiving: compressed bytes written to the archive so far. */
  archiveBytes?: number;
}

/** What a finished packaging job reports (the fields of packNotebook's result the UI shows). */
export interface PackageSummary {
  /** Absolute path of the archive written. */
  archive: string;
  archiveBytes: number;
  /** Paths of regular files in the container. */
  files: number;
  /** Distinct contents stored, and their bytes before compression. */
  blobs: number;
  contentBytes: number;
  leftOut: LeftOut[];
  environmentRemoved: string[];
  warnings: string[];
}

export type JobState = 'running' | 'done' | 'failed';

/** `GET /api/jobs/<id>`. */
export interface JobStatus<Result = PackageSummary, Progress = PackageProgress> {
  id: string;
  state: JobState;
  /** The last progress reported; null before the first. */
  progress: Progress | null;
  /** When done. */
  result?: Result;
  /** When failed: what went wrong, in words for the user. */
  error?: string;
  startedAt: string;
  finishedAt?: string;
}

/** `POST /api/package`'s answer: the job, and the archive's path relative to the server's root when under it. */
export interface PackageStarted {
  job: string;
  /** The archive's contents path (null: outside the server's root, or the root is unknown). */
  archivePath: string | null;
}
