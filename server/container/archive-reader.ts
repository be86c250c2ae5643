/**
 * Streams the members of a container archive (gzip-compressed tar) one at a time,
 * never holding a member in memory, and turns every way the archive can be broken
 * (not gzip, truncated, bad checksums, unsupported member types) into a
 * ContainerError that names the archive and, when known, the member being read.
 */
import { InputError } from '../../core/errors';
import { createReadStream, promises as fs } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar';

/** A container archive is unusable: the message names the archive and, when known, the member. */
export class ContainerError extends InputError {
  readonly archive: string;
  readonly member?: string;

  constructor(archive: string, message: string, member?: string, options?: { cause?: unknown }) {
    super(`${archive}: ${message}`, options);
    this.name = 'ContainerError';
    this.archive = archive;
    this.member = member;
  }
}

export interface MemberInfo {
  /** As stored (a folder may end with `/`). */
  name: string;
  /** node-tar's type name (`File`, `Directory`, `SymbolicLink`, `Link`, ...). */
  type: string;
  linkpath?: string;
  size: number;
}

/**
 * Called once per member, in archive order, one at a time. Read `body` (or not:
 * what is left is skipped); return 'stop' to end the walk early. A thrown
 * ContainerError stops the walk as is; other errors are wrapped with the member's name.
 */
export type OnMember = (member: MemberInfo, body: AsyncIterable<Buffer>) => Promise<'stop' | void>;

export interface WalkOptions {
  /** Every chunk of the archive file as read (for hashing it and reporting progress). */
  onArchiveBytes?: (chunk: Buffer) => void;
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

async function assertGzip(archive: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(archive, 'r');
  } catch (e) {
    throw new ContainerError(archive, `cannot open the archive (${(e as Error).message})`, undefined, { cause: e });
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    if (bytesRead < 2 || !head.equals(GZIP_MAGIC)) {
      throw new ContainerError(archive, 'not a gzip-compressed archive (a retrace container is a .tar.gz file)');
    }
  } finally {
    await handle.close();
  }
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.message ?? String(e);
}

/**
 * Walk the members of `archive`. Resolves after the end-of-archive marker (or
 * 'stop'); rejects with a ContainerError for anything malformed.
 */
export async function walkArchive(archive: string, onMember: OnMember, opts: WalkOptions = {}): Promise<void> {
  await assertGzip(archive);

  // Strict: node-tar's recoverable warnings (bad checksum, truncation) become errors.
  const parser = new tar.Parser({ strict: true });
  let failure: ContainerError | undefined;
  let stopped = false;
  let sawEndMarker = false;
  let parserEnded = false;
  // Cleared before each write the parser refuses, set again by its 'drain' event.
  let drained: boolean;
  let lastEntryName: string | undefined;
  let current: tar.ReadEntry | undefined;
  let chain: Promise<void> = Promise.resolve();
  let wake: () => void = () => {};
  const waitForWake = (): Promise<void> => new Promise(resolve => (wake = resolve));

  const corrupt = (detail: string, member = lastEntryName, cause?: unknown): ContainerError => {
    const where = member === undefined ? '' : `, while reading member ${JSON.stringify(member)}`;
    return new ContainerError(archive, `the archive is truncated or corrupt (${detail})${where}`, member, { cause });
  };
  const fail = (error: ContainerError): void => {
    if (failure === undefined && !stopped) {
      failure = error;
    }
    // A handler waiting for data that will never come must give up (its read rejects).
    if (current && !current.emittedEnd) {
      current.destroy();
    }
    wake();
  };

  parser.on('error', (e: Error & { entry?: { path?: string } }) => {
    fail(corrupt(`tar: ${e.message}`, e.entry?.path ?? lastEntryName, e));
  });
  parser.on('ignoredEntry', (entry: tar.ReadEntry) => {
    const what = entry.meta ? 'an oversized extended header' : `the unsupported type ${JSON.stringify(entry.type)}`;
    fail(new ContainerError(archive, `archive member ${JSON.stringify(entry.path)} has ${what}`, entry.path));
  });
  parser.on('eof', () => {
    sawEndMarker = true;
    wake();
  });
  parser.on('end', () => {
    parserEnded = true;
    wake();
  });
  parser.on('drain', () => {
    drained = true;
    wake();
  });
  parser.on('entry', (entry: tar.ReadEntry) => {
    lastEntryName = entry.path;
    // One member at a time: the next handler starts when this one has finished writing.
    chain = chain.then(async () => {
      if (failure !== undefined || stopped) {
        entry.resume();
        return;
      }
      current = entry;
      const member: MemberInfo = { name: entry.path, type: entry.type, linkpath: entry.linkpath, size: entry.size };
      try {
        if ((await onMember(member, entry)) === 'stop') {
          stopped = true;
          wake();
        }
      } catch (e) {
        current = undefined; // it has given up already: nothing to interrupt
        fail(
          e instanceof ContainerError ? e : new ContainerError(archive, `member ${JSON.stringify(entry.path)}: ${describeError(e)}`, entry.path, { cause: e })
        );
      } finally {
        current = undefined;
        if (!entry.emittedEnd) {
          entry.resume(); // skip what the handler did not read
        }
      }
    });
  });

  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      opts.onArchiveBytes?.(chunk);
      done(null, chunk);
    }
  });
  const gunzip = createGunzip();
  const piping = pipeline(createReadStream(archive, { highWaterMark: 64 * 1024 }), tap, gunzip).then(
    () => undefined,
    (e: unknown) => e
  );

  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (failure !== undefined || stopped) {
        break;
      }
      if (sawEndMarker) {
        continue; // past the end-of-archive marker: only let gzip check its trailer
      }
      drained = false;
      if (!parser.write(chunk)) {
        while (!drained && failure === undefined && !stopped) {
          await waitForWake();
        }
      }
    }
  } catch (e) {
    // gzip data that ends early or does not decompress.
    fail(corrupt(`gzip: ${describeError(e)}`, lastEntryName, e));
  }

  if (failure === undefined && !stopped) {
    parser.end();
    while (!parserEnded && failure === undefined && !stopped) {
      await waitForWake();
    }
  }
  await chain;
  const pipeError = await piping;
  if (failure !== undefined) {
    throw failure;
  }
  if (stopped) {
    return;
  }
  if (pipeError !== undefined) {
    throw corrupt(describeError(pipeError), undefined, pipeError);
  }
  if (!sawEndMarker) {
    throw corrupt('no end-of-archive marker', undefined);
  }
}
