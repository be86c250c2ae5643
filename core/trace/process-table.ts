/**
 * What we know about each traced pid while reading a log: its parent, its thread
 * group, its working directory and what it runs. Lines of a child can come before
 * the parent's clone returns, so every fact may arrive late and is filled in then.
 */

/** A working directory, shared by reference between tasks created with CLONE_FS. */
interface FsContext {
  cwd?: string;
}

export interface ProcessInfo {
  pid: number;
  /** The process that created it (for a thread: the creating thread). */
  parent?: number;
  /** Thread group leader: the pid of the process this task belongs to (itself for a process). */
  leader: number;
  /** The executable it last exec'd successfully (inherited at fork). */
  executable?: string;
  argv?: string[];
  exited: boolean;
}

export interface SpawnFlags {
  /** CLONE_THREAD: a thread in the parent's process. */
  thread: boolean;
  /** CLONE_FS: shares the working directory with the parent (threads always do). */
  sharesFs: boolean;
  /** CLONE_PARENT: the child's parent is the caller's parent. */
  parentIsCallersParent?: boolean;
}

interface Task {
  info: ProcessInfo;
  fs: FsContext;
}

export interface ProcessTableOptions {
  /** The working directory of pids first seen without a known parent (the traced root). */
  initialCwd?: string;
}

export class ProcessTable {
  private readonly tasks = new Map<number, Task>();
  private readonly initialCwd?: string;

  constructor(options: ProcessTableOptions = {}) {
    this.initialCwd = options.initialCwd;
  }

  /** Live (not exited) tasks known. */
  get size(): number {
    return this.tasks.size;
  }

  has(pid: number): boolean {
    return this.tasks.has(pid);
  }

  get(pid: number): Readonly<ProcessInfo> | undefined {
    return this.tasks.get(pid)?.info;
  }

  /** The task for `pid`, created as a parentless process when first seen. */
  private task(pid: number): Task {
    let task = this.tasks.get(pid);
    if (!task) {
      task = { info: { pid, leader: pid, exited: false }, fs: { cwd: this.initialCwd } };
      this.tasks.set(pid, task);
    }
    return task;
  }

  /** Record a pid seen in the log, so later lookups know it. */
  touch(pid: number): void {
    this.task(pid);
  }

  leaderOf(pid: number): number {
    return this.tasks.get(pid)?.info.leader ?? pid;
  }

  isThread(pid: number): boolean {
    const info = this.tasks.get(pid)?.info;
    return info !== undefined && info.leader !== pid;
  }

  cwdOf(pid: number): string | undefined {
    return this.tasks.get(pid)?.fs.cwd;
  }

  /** chdir/fchdir, or the cwd strace showed (`AT_FDCWD</dir>`, getcwd). */
  setCwd(pid: number, cwd: string): void {
    this.task(pid).fs.cwd = cwd;
  }

  /** A clone/fork/vfork returned `child` in `parent`. */
  spawn(parent: number, child: number, flags: SpawnFlags): void {
    const parentTask = this.task(parent);
    const existing = this.tasks.get(child);
    // The child may already have lines (and a cwd learnt from them) before this.
    const learntCwd = existing?.fs.cwd !== this.initialCwd ? existing?.fs.cwd : undefined;
    const parentPid = flags.parentIsCallersParent ? parentTask.info.parent : parent;
    const info: ProcessInfo = {
      pid: child,
      parent: parentPid,
      leader: flags.thread ? parentTask.info.leader : child,
      executable: parentTask.info.executable,
      argv: parentTask.info.argv,
      exited: false
    };
    if (existing && existing.info.executable !== undefined && !flags.thread) {
      // It exec'd before we saw the clone return: keep what it runs now.
      info.executable = existing.info.executable;
      info.argv = existing.info.argv;
    }
    const fs = flags.sharesFs || flags.thread ? parentTask.fs : { cwd: parentTask.fs.cwd };
    if (learntCwd !== undefined) fs.cwd = learntCwd;
    this.tasks.set(child, { info, fs });
  }

  /**
   * Before the clone returns we may already know which process a new pid belongs
   * to (from the flags of the pending clone); record that much now.
   */
  adopt(child: number, leader: number, parent?: number): void {
    const task = this.task(child);
    task.info.leader = leader;
    if (parent !== undefined) task.info.parent = parent;
    const leaderTask = this.tasks.get(leader);
    if (leader !== child && leaderTask) task.fs = leaderTask.fs;
  }

  /** A successful execve: the task runs a new program (and is its process's only thread). */
  exec(pid: number, executable: string, argv: string[]): void {
    const info = this.task(pid).info;
    info.executable = executable;
    info.argv = argv;
  }

  /**
   * `+++ superseded by execve in pid N +++`: thread N exec'd, the kernel gave it the
   * leader's pid, and N is gone.
   */
  supersede(leader: number, formerPid: number): void {
    const former = this.tasks.get(formerPid);
    if (former) this.task(leader).fs = former.fs;
    this.tasks.delete(formerPid);
  }

  /** The task ended; its pid may be reused by a later clone. */
  exit(pid: number): void {
    const task = this.tasks.get(pid);
    if (!task) return;
    task.info.exited = true;
    // Drop it so thread pools that come and go do not grow the table forever.
    this.tasks.delete(pid);
  }
}
