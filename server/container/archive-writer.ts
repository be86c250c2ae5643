/**
 * The last step of `retrace package`: the staging folder as a gzip'd tar, members in
 * the order a streaming reader needs them (blobs before the links to them), written
 * aside and renamed into place, with progress in content bytes and bytes written.
 */
import { lstatSync, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tar from 'tar';

/** How often archive progress is reported at most, and how often at least while a large file goes in. */
const ARCHIVE_PROGRESS_MS = 250;

/**
 * gzip'd tar of the staging folder, blobs before the links to them; written aside,
 * then renamed. Progress: bytes of content gone into the archive out of all there
 * are (each blob once: root/ holds hard links, which tar stores without content),
 * and the compressed bytes written so far.
 */
export async function writeArchive(staging: string, output: string, onProgress: (done: number, total: number, written: number) => void): Promise<number> {
  const partial = join(dirname(output), `.${basename(output)}.${process.pid}.partial`);
  const present: string[] = [];
  const content = { bytes: 0, inodes: new Set<string>() };
  for (const m of ['manifest.json', 'notebook.ipynb', 'deps.json', 'provenance', 'blobs', 'root']) await listDepthFirst(staging, m, present, content);
  const total = content.bytes;
  let done = 0;
  let last = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - last < ARCHIVE_PROGRESS_MS) return;
    last = now;
    let written = 0;
    try {
      written = lstatSync(partial).size;
    } catch {
      // not created yet
    }
    onProgress(done, total, written);
  };
  report(true);
  // The compressed size grows while one large file goes in, between two entries.
  const ticker = setInterval(() => report(), ARCHIVE_PROGRESS_MS * 2);
  try {
    await tar.c(
      {
        gzip: true,
        file: partial,
        cwd: staging,
        portable: true,
        // Members exactly in the order listed: node-tar's own walk is breadth first,
        // which would store a shallow root/ file before its blob.
        noDirRecurse: true,
        // One entry at a time: with several in flight, node-tar 7 stalls on a hard
        // link whose original is still being written.
        jobs: 1,
        // Counted when the entry has gone into the compressor ('end'; a 'data'
        // listener here would start the entry flowing before tar takes its data).
        onWriteEntry: entry =>
          entry.on('end', () => {
            if (entry.type === 'File') done += entry.stat?.size ?? 0;
            report();
          })
      },
      present
    );
    clearInterval(ticker);
    done = total;
    report(true);
    await fs.rename(partial, output);
  } catch (e) {
    clearInterval(ticker);
    await fs.rm(partial, { force: true });
    throw e;
  }
  return (await fs.stat(output)).size;
}

/**
 * A member and everything under it, each folder before its content, names sorted;
 * adds the bytes tar will store: each regular file's size, a file with other hard
 * links only the first time (as node-tar does, by device and inode).
 */
async function listDepthFirst(base: string, member: string, out: string[], content: { bytes: number; inodes: Set<string> }): Promise<void> {
  const st = await fs.lstat(join(base, member)).catch(() => undefined);
  if (!st) return;
  out.push(member);
  if (st.isFile()) {
    const inode = `${st.dev}:${st.ino}`;
    if (st.nlink < 2 || !content.inodes.has(inode)) content.bytes += st.size;
    if (st.nlink > 1) content.inodes.add(inode);
  }
  if (!st.isDirectory()) return;
  for (const name of (await fs.readdir(join(base, member))).sort()) await listDepthFirst(base, `${member}/${name}`, out, content);
}
