/**
 * Which sockets are streams and which datagrams. `-y` names a socket fd only by its
 * inode (`5<socket:[42867]>`), so the type comes from the traced `socket()` call that
 * made it: a UDP `connect` (distributed's way to learn its own address, which sends
 * nothing) must not be recorded as a TCP connection.
 */
import { ArgValue, FdTarget, flagSet } from './args';
import type { SocketType } from './event-types';

/** Enough for every socket a session keeps open; the oldest are forgotten first. */
const MAX_REMEMBERED = 100_000;

const TYPES: Array<[string, SocketType]> = [
  ['SOCK_STREAM', 'stream'],
  ['SOCK_DGRAM', 'dgram'],
  ['SOCK_SEQPACKET', 'seqpacket'],
  ['SOCK_RAW', 'raw']
];

/** The type a `socket()` type argument (`SOCK_DGRAM|SOCK_CLOEXEC`) names. */
export function socketTypeOf(arg: ArgValue | undefined): SocketType | undefined {
  const flags = flagSet(arg);
  if (flags.size === 0) return undefined;
  return TYPES.find(([name]) => flags.has(name))?.[1] ?? 'other';
}

/** `-yy` names the protocol itself (`TCP:[...]`, `UDPv6:[...]`). */
function typeFromProtocol(protocol: string): SocketType | undefined {
  if (/^TCP/.test(protocol)) return 'stream';
  if (/^UDP/.test(protocol)) return 'dgram';
  return undefined;
}

export class SocketTypes {
  private readonly byInode = new Map<string, SocketType>();

  /** A socket made by `socket()` (result `fd`) or `accept()` (always the listener's type, a stream). */
  learn(target: FdTarget | undefined, type: SocketType | undefined): void {
    if (target?.kind !== 'socket' || target.protocol !== 'socket' || !type) return;
    // Inodes are reused once a socket is closed: the latest socket() wins.
    this.byInode.delete(target.detail);
    this.byInode.set(target.detail, type);
    if (this.byInode.size > MAX_REMEMBERED) this.byInode.delete(this.byInode.keys().next().value as string);
  }

  typeOf(target: FdTarget | undefined): SocketType | undefined {
    if (target?.kind !== 'socket') return undefined;
    return target.protocol === 'socket' ? this.byInode.get(target.detail) : typeFromProtocol(target.protocol);
  }
}
