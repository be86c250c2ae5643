/**
 * From stream records to the events the rest of retrace uses: paths made absolute
 * against the right directory, open flags turned into access, the process tree and
 * working directories followed through clone/exec/chdir/exit.
 */
import { AT_FDCWD, ArgValue, atomText, field, flagSet, parseArgs, stringValue } from './args';
import type { EventBase, OpenFlags, SpawnKind, TraceEvent } from './event-types';
import { resolvePath } from './paths';
import { ProcessTable, SpawnFlags } from './process-table';
import { endpointFromSockaddr } from './sockaddr';
import { SocketTypes, socketTypeOf } from './socket-types';
import type { SyscallRecord, TraceRecord, UnfinishedRecord } from './stream';

export * from './event-types';
export { ProcessTable } from './process-table';
export type { ProcessInfo, ProcessTableOptions, SpawnFlags } from './process-table';

const SPAWN_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork']);

interface PendingSpawn extends SpawnFlags {
  caller: number;
}

interface ResolvedPath {
  path: string;
  unresolved: boolean;
}

export interface EventBuilderOptions {
  /** Share a table (e.g. to look processes up afterwards); a new one otherwise. */
  processes?: ProcessTable;
  /** Working directory of the first traced process, if the launcher knows it. */
  initialCwd?: string;
}

/** The flags of a clone-family call, from its (possibly partial) arguments. */
export function spawnFlagsOf(name: string, args: ArgValue[]): SpawnFlags & { kind: SpawnKind } {
  const raw = name === 'clone3' ? field(args[0], 'flags') : args.find(a => a.name === 'flags');
  const flags = flagSet(raw);
  // By effect, not by syscall: glibc's fork() is a clone without CLONE_VM, and
  // posix_spawn is a clone with CLONE_VFORK.
  const kind: SpawnKind =
    name === 'vfork' || flags.has('CLONE_VFORK') ? 'vfork' : name === 'fork' || !(flags.has('CLONE_VM') || flags.has('CLONE_THREAD')) ? 'fork' : 'clone';
  return {
    kind,
    thread: flags.has('CLONE_THREAD'),
    sharesFs: flags.has('CLONE_FS'),
    parentIsCallersParent: flags.has('CLONE_PARENT')
  };
}

/** O_* flags to what the open means for the file. */
export function openMode(flagText: string | undefined): OpenFlags & { directory: boolean } {
  const flags = new Set((flagText ?? '').split('|'));
  const tmpfile = flags.has('O_TMPFILE');
  return {
    access: flags.has('O_RDWR') ? 'readwrite' : flags.has('O_WRONLY') ? 'write' : 'read',
    create: flags.has('O_CREAT') || tmpfile,
    truncate: flags.has('O_TRUNC'),
    append: flags.has('O_APPEND'),
    exclusive: flags.has('O_EXCL'),
    tmpfile,
    pathOnly: flags.has('O_PATH'),
    directory: flags.has('O_DIRECTORY') && !tmpfile
  };
}

export class EventBuilder {
  readonly processes: ProcessTable;
  /** Clone-family calls begun and not yet returned, by caller pid. */
  private readonly pendingSpawns = new Map<number, PendingSpawn>();
  private readonly sockets = new SocketTypes();

  constructor(options: EventBuilderOptions = {}) {
    this.processes = options.processes ?? new ProcessTable({ initialCwd: options.initialCwd });
  }

  /** Consume one record; returns the events it gives (usually one, sometimes none). */
  push(record: TraceRecord): TraceEvent[] {
    if (record.type === 'unknown') return [];
    this.notice(record.pid);
    switch (record.type) {
      case 'unfinished':
        this.noteUnfinished(record);
        return [];
      case 'syscall':
        return [this.fromSyscall(record)];
      case 'exit':
      case 'killed': {
        const event: TraceEvent =
          record.type === 'exit'
            ? { kind: 'exit', ...this.base(record, true), code: record.code }
            : { kind: 'exit', ...this.base(record, true), signal: record.signal, coreDumped: record.coreDumped };
        this.pendingSpawns.delete(record.pid);
        this.processes.exit(record.pid);
        return [event];
      }
      case 'signal': {
        const pid = Number(atomText(field(record.info, 'si_pid')));
        return [
          {
            kind: 'signal',
            ...this.base(record, true),
            signal: record.signal,
            ...(record.info ? { code: atomText(field(record.info, 'si_code')) } : {}),
            ...(Number.isFinite(pid) ? { fromPid: pid } : {}),
            ...(record.stopped ? { stopped: true } : {})
          }
        ];
      }
      case 'superseded':
        this.processes.supersede(record.pid, record.formerPid);
        this.pendingSpawns.delete(record.formerPid);
        return [];
    }
  }

  private base(record: { pid: number; time: number; line: number }, ok: boolean): EventBase {
    return { pid: record.pid, process: this.processes.leaderOf(record.pid), time: record.time, line: record.line, ok };
  }

  /**
   * A pid we have not seen: a child whose clone has not returned yet. If the pending
   * clones agree on what it is (all threads of one process, or a single caller),
   * record that now so its first events carry the right process.
   */
  private notice(pid: number): void {
    if (this.processes.has(pid)) return;
    const candidates = [...this.pendingSpawns.values()].filter(p => p.caller !== pid);
    if (candidates.length === 1) {
      this.processes.spawn(candidates[0].caller, pid, candidates[0]);
      return;
    }
    const leaders = new Set(candidates.map(c => (c.thread ? this.processes.leaderOf(c.caller) : -1)));
    const [leader] = [...leaders];
    if (candidates.length > 1 && leaders.size === 1 && leader !== -1) this.processes.adopt(pid, leader);
    else this.processes.touch(pid);
  }

  private noteUnfinished(record: UnfinishedRecord): void {
    if (!SPAWN_CALLS.has(record.name)) return;
    const flags = spawnFlagsOf(record.name, parseArgs(record.argsRaw).args);
    this.pendingSpawns.set(record.pid, { ...flags, caller: record.pid });
  }

  /** The directory a dirfd argument stands for, learning the cwd from `AT_FDCWD</dir>`. */
  private directoryOf(pid: number, dirfd: ArgValue | undefined): string | undefined {
    if (dirfd?.type === 'fd') return dirfd.target.kind === 'path' ? dirfd.target.path : undefined;
    if (dirfd === undefined || atomText(dirfd) === 'AT_FDCWD') return this.processes.cwdOf(pid);
    return undefined;
  }

  /** Resolve the path argument at `pathIndex`, against the dirfd at `dirIndex` (or the cwd). */
  private pathAt(rec: SyscallRecord, dirIndex: number | null, pathIndex: number): ResolvedPath {
    const raw = stringValue(rec.args[pathIndex]) ?? '';
    const base = this.directoryOf(rec.pid, dirIndex === null ? undefined : rec.args[dirIndex]);
    const path = resolvePath(base, raw);
    return path === undefined ? { path: raw, unresolved: true } : { path, unresolved: false };
  }

  private learnCwd(rec: SyscallRecord): void {
    for (const arg of rec.args) {
      if (arg.type === 'fd' && arg.fd === AT_FDCWD && arg.target.kind === 'path') {
        this.processes.setCwd(rec.pid, arg.target.path);
      }
    }
  }

  private fromSyscall(rec: SyscallRecord): TraceEvent {
    this.learnCwd(rec);
    const errno = rec.result.errno;
    const ok = !errno && !rec.incomplete;
    const base: EventBase = { ...this.base(rec, ok), syscall: rec.name };
    if (errno) base.errno = errno;
    if (rec.incomplete) base.incomplete = true;
    const withPath = <T extends object>(resolved: ResolvedPath, rest: T) => ({
      ...base,
      ...(resolved.unresolved ? { unresolved: true } : {}),
      path: resolved.path,
      ...rest
    });
    const args = rec.args;
    const resultFd = rec.result.value !== null && rec.result.value >= 0 ? rec.result.value : undefined;

    switch (rec.name) {
      case 'open':
      case 'openat':
      case 'openat2':
      case 'creat': {
        const at = rec.name === 'openat' || rec.name === 'openat2';
        const flagArg = rec.name === 'openat2' ? field(args[2], 'flags') : args[at ? 2 : 1];
        const mode = openMode(rec.name === 'creat' ? 'O_WRONLY|O_CREAT|O_TRUNC' : atomText(flagArg));
        const resolved = this.pathAt(rec, at ? 0 : null, at ? 1 : 0);
        const target = rec.result.fd;
        const extra = {
          ...(resultFd !== undefined && ok ? { fd: resultFd } : {}),
          ...(target?.kind === 'path' ? { realPath: target.path } : {})
        };
        if (mode.directory) return withPath(resolved, { kind: 'listdir' as const, ...extra });
        const { access, create, truncate, append, exclusive, tmpfile, pathOnly } = mode;
        const open = { access, create, truncate, append, exclusive, tmpfile, pathOnly };
        return withPath(resolved, { kind: 'open' as const, ...open, ...extra });
      }
      case 'stat':
      case 'lstat':
      case 'stat64':
      case 'lstat64':
      case 'statfs':
      case 'newfstatat':
      case 'fstatat64':
      case 'statx': {
        const at = rec.name === 'newfstatat' || rec.name === 'fstatat64' || rec.name === 'statx';
        const flags = flagSet(at ? args[rec.name === 'statx' ? 2 : 3] : undefined);
        const resolved = this.pathAt(rec, at ? 0 : null, at ? 1 : 0);
        return withPath(resolved, {
          kind: 'stat' as const,
          byFd: at && stringValue(args[1]) === '' && flags.has('AT_EMPTY_PATH'),
          followLinks: !(rec.name.startsWith('lstat') || flags.has('AT_SYMLINK_NOFOLLOW'))
        });
      }
      case 'access':
      case 'faccessat':
      case 'faccessat2': {
        const at = rec.name !== 'access';
        return withPath(this.pathAt(rec, at ? 0 : null, at ? 1 : 0), {
          kind: 'access' as const,
          mode: atomText(args[at ? 2 : 1]) ?? ''
        });
      }
      case 'readlink':
      case 'readlinkat': {
        const at = rec.name === 'readlinkat';
        const target = ok ? stringValue(args[at ? 2 : 1]) : undefined;
        return withPath(this.pathAt(rec, at ? 0 : null, at ? 1 : 0), {
          kind: 'readlink' as const,
          ...(target !== undefined ? { target } : {})
        });
      }
      case 'execve':
      case 'execveat': {
        const at = rec.name === 'execveat';
        const resolved = this.pathAt(rec, at ? 0 : null, at ? 1 : 0);
        const argvArg = args[at ? 2 : 1];
        const items = argvArg?.type === 'array' ? argvArg.items : [];
        const argv = items.map(item => stringValue(item) ?? atomText(item) ?? '');
        const argvTruncated = argvArg?.type === 'array' && (argvArg.truncated || items.some(i => i.type === 'string' && i.truncated));
        if (ok) this.processes.exec(rec.pid, resolved.path, argv);
        return withPath(resolved, { kind: 'exec' as const, argv, argvTruncated });
      }
      case 'clone':
      case 'clone3':
      case 'fork':
      case 'vfork': {
        const flags = spawnFlagsOf(rec.name, args);
        const child = ok && rec.result.value !== null && rec.result.value > 0 ? rec.result.value : null;
        this.pendingSpawns.delete(rec.pid);
        if (child !== null) this.processes.spawn(rec.pid, child, flags);
        return { ...base, kind: 'spawn', child, spawnKind: flags.kind, thread: flags.thread, sharesCwd: flags.sharesFs };
      }
      case 'chdir':
      case 'fchdir': {
        const resolved =
          rec.name === 'chdir'
            ? this.pathAt(rec, null, 0)
            : args[0]?.type === 'fd' && args[0].target.kind === 'path'
              ? { path: args[0].target.path, unresolved: false }
              : { path: '', unresolved: true };
        if (ok && !resolved.unresolved) this.processes.setCwd(rec.pid, resolved.path);
        return withPath(resolved, { kind: 'chdir' as const });
      }
      case 'getcwd': {
        const cwd = stringValue(args[0]);
        if (ok && cwd?.startsWith('/')) this.processes.setCwd(rec.pid, cwd);
        break;
      }
      case 'rename':
      case 'renameat':
      case 'renameat2':
      case 'link':
      case 'linkat': {
        const at = rec.name.endsWith('at') || rec.name === 'renameat2';
        const from = this.pathAt(rec, at ? 0 : null, at ? 1 : 0);
        const to = this.pathAt(rec, at ? 2 : null, at ? 3 : 1);
        return {
          ...base,
          ...(from.unresolved || to.unresolved ? { unresolved: true } : {}),
          kind: rec.name.startsWith('link') ? 'link' : 'rename',
          from: from.path,
          to: to.path
        };
      }
      case 'unlink':
      case 'unlinkat':
      case 'rmdir':
      case 'mkdir':
      case 'mkdirat': {
        const at = rec.name.endsWith('at');
        const removeDir = rec.name === 'unlinkat' && flagSet(args[2]).has('AT_REMOVEDIR');
        const kind = removeDir ? 'rmdir' : (rec.name.replace(/at$/, '') as 'unlink' | 'rmdir' | 'mkdir');
        return withPath(this.pathAt(rec, at ? 0 : null, at ? 1 : 0), { kind });
      }
      case 'symlink':
      case 'symlinkat': {
        const at = rec.name === 'symlinkat';
        return withPath(this.pathAt(rec, at ? 1 : null, at ? 2 : 1), {
          kind: 'symlink' as const,
          target: stringValue(args[0]) ?? ''
        });
      }
      case 'socket':
        if (ok) this.sockets.learn(rec.result.fd, socketTypeOf(args[1]));
        break;
      case 'connect':
      case 'bind':
      case 'listen':
      case 'accept':
      case 'accept4': {
        const socket = args[0]?.type === 'fd' ? args[0] : undefined;
        const endpoint = rec.name === 'listen' ? undefined : endpointFromSockaddr(args[1]);
        const socketType = this.sockets.typeOf(socket?.target);
        // A connection accepted on a listening socket is a stream like it.
        if (rec.name.startsWith('accept') && ok) this.sockets.learn(rec.result.fd, socketType);
        return {
          ...base,
          kind: rec.name === 'accept4' ? 'accept' : (rec.name as 'connect' | 'bind' | 'listen' | 'accept'),
          ...(socket ? { fd: socket.fd, socket: socket.target } : {}),
          ...(socketType ? { socketType } : {}),
          ...(endpoint ? { endpoint } : {}),
          ...(rec.name.startsWith('accept') && resultFd !== undefined && ok ? { acceptedFd: resultFd } : {})
        };
      }
    }
    return { ...base, kind: 'other', syscall: rec.name, argsRaw: rec.argsRaw };
  }
}

/** Records to events in one go (tests, small logs). */
export function buildEvents(records: Iterable<TraceRecord>, options?: EventBuilderOptions): TraceEvent[] {
  const builder = new EventBuilder(options);
  const events: TraceEvent[] = [];
  for (const record of records) events.push(...builder.push(record));
  return events;
}
