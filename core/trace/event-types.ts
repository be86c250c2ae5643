/**
 * The events retrace reasons about, one per traced call (or exit/signal line).
 * Paths are absolute when they could be resolved; `unresolved` says when not.
 */
import type { FdTarget } from './args';
import type { Endpoint } from './sockaddr';

export interface EventBase {
  /** The task (thread or process) that made the call. */
  pid: number;
  /** Its thread group leader at that time: the process to group events by. */
  process: number;
  /** Seconds since the epoch; for a call split in two, when it started. */
  time: number;
  /** Line of the log where it starts (for error messages and diffs). */
  line: number;
  /** The syscall, when the event comes from one. */
  syscall?: string;
  /** The call succeeded (no errno; not cut short). */
  ok: boolean;
  errno?: string;
  /** The call never returned in the log, or its start is missing: arguments may be partial. */
  incomplete?: boolean;
  /** A relative path whose base directory was unknown, left relative. */
  unresolved?: boolean;
}

export type OpenAccess = 'read' | 'write' | 'readwrite';

/** What an open's O_* flags mean for the file. */
export interface OpenFlags {
  access: OpenAccess;
  create: boolean;
  truncate: boolean;
  append: boolean;
  /** O_EXCL: creation must not find an existing file. */
  exclusive: boolean;
  /** O_TMPFILE: an unnamed file in the directory `path`. */
  tmpfile: boolean;
  /** O_PATH: a handle on the path, the content is not opened. */
  pathOnly: boolean;
}

export interface OpenEvent extends EventBase, OpenFlags {
  kind: 'open';
  path: string;
  fd?: number;
  /** The file the kernel actually opened (the result's `-y` path: symlinks resolved). */
  realPath?: string;
}

/** An O_DIRECTORY open: how listing a directory shows up (getdents is not traced). */
export interface ListdirEvent extends EventBase {
  kind: 'listdir';
  path: string;
  fd?: number;
  realPath?: string;
}

export interface StatEvent extends EventBase {
  kind: 'stat';
  path: string;
  /** fstat-like: `newfstatat(3</x>, "", ..., AT_EMPTY_PATH)` about an open fd. */
  byFd: boolean;
  /** lstat / AT_SYMLINK_NOFOLLOW. */
  followLinks: boolean;
}

export interface AccessEvent extends EventBase {
  kind: 'access';
  path: string;
  /** `R_OK`, `F_OK`, `X_OK|R_OK`, ... */
  mode: string;
}

export interface ReadlinkEvent extends EventBase {
  kind: 'readlink';
  path: string;
  target?: string;
}

export interface ExecEvent extends EventBase {
  kind: 'exec';
  path: string;
  argv: string[];
  /** strace shortened an argument or left arguments out (-s). */
  argvTruncated: boolean;
}

/**
 * By effect: `fork` copies the memory (fork(), or clone without CLONE_VM), `vfork`
 * borrows it until exec/exit (vfork(), CLONE_VFORK), `clone` shares it (threads).
 */
export type SpawnKind = 'clone' | 'fork' | 'vfork';

/** `pid` created `child`. */
export interface SpawnEvent extends EventBase {
  kind: 'spawn';
  child: number | null;
  spawnKind: SpawnKind;
  /** CLONE_THREAD: a new thread of the same process. */
  thread: boolean;
  /** CLONE_FS: the child shares the working directory. */
  sharesCwd: boolean;
}

export interface ExitEvent extends EventBase {
  kind: 'exit';
  /** Exit status from `+++ exited with N +++`. */
  code?: number;
  /** The signal from `+++ killed by SIGKILL +++`. */
  signal?: string;
  coreDumped?: boolean;
}

export interface SignalEvent extends EventBase {
  kind: 'signal';
  signal: string;
  /** `si_code` (`SI_USER`, `CLD_EXITED`, ...). */
  code?: string;
  /** `si_pid`: who sent it, or the child it is about. */
  fromPid?: number;
  stopped?: boolean;
}

export interface ChdirEvent extends EventBase {
  kind: 'chdir';
  path: string;
}

export interface PathPairEvent extends EventBase {
  kind: 'rename' | 'link';
  from: string;
  to: string;
}

export interface PathOnlyEvent extends EventBase {
  kind: 'unlink' | 'mkdir' | 'rmdir';
  path: string;
}

export interface SymlinkEvent extends EventBase {
  kind: 'symlink';
  /** What the link points to, as written (not resolved: it is relative to the link). */
  target: string;
  /** The link created. */
  path: string;
}

/** SOCK_STREAM (TCP for inet), SOCK_DGRAM (UDP), or another SOCK_* type, lower-cased. */
export type SocketType = 'stream' | 'dgram' | 'seqpacket' | 'raw' | 'other';

export interface SocketEvent extends EventBase {
  kind: 'connect' | 'bind' | 'listen' | 'accept';
  fd?: number;
  /** What -y says about the socket fd (`socket:[inode]`). */
  socket?: FdTarget;
  /** connect/bind: the address; accept: the peer. */
  endpoint?: Endpoint;
  /**
   * The socket's type, from the traced `socket()` call that made it (or `-yy`'s
   * protocol); undefined when the trace does not say (a log from before `socket`
   * was traced).
   */
  socketType?: SocketType;
  /** accept: the new connection's fd. */
  acceptedFd?: number;
}

export interface OtherEvent extends EventBase {
  kind: 'other';
  syscall: string;
  argsRaw: string;
}

export type TraceEvent =
  | OpenEvent
  | ListdirEvent
  | StatEvent
  | AccessEvent
  | ReadlinkEvent
  | ExecEvent
  | SpawnEvent
  | ExitEvent
  | SignalEvent
  | ChdirEvent
  | PathPairEvent
  | PathOnlyEvent
  | SymlinkEvent
  | SocketEvent
  | OtherEvent;

export type TraceEventKind = TraceEvent['kind'];
