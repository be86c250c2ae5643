/**
 * The socket address strace prints for connect/bind/accept, as an endpoint.
 */
import { ArgValue, atomText, field, stringValue } from './args';

export type Endpoint =
  | { family: 'inet' | 'inet6'; address: string; port: number }
  | { family: 'unix'; path: string; abstract: boolean }
  /** An unnamed unix socket (a socketpair end, or an accepted client). */
  | { family: 'unix'; path: null; abstract: false }
  /** Netlink and other families retrace does not look into (`AF_NETLINK` -> name `netlink`). */
  | { family: 'other'; name: string; raw: string };

function callArg(value: ArgValue | undefined, fn: string, index: number): ArgValue | undefined {
  return value?.type === 'call' && value.fn === fn ? value.args[index] : undefined;
}

function portOf(value: ArgValue | undefined): number | undefined {
  const text = atomText(callArg(value, 'htons', 0));
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Turn a `{sa_family=AF_..., ...}` struct into an endpoint; undefined when not a sockaddr. */
export function endpointFromSockaddr(value: ArgValue | undefined): Endpoint | undefined {
  if (!value || value.type !== 'struct') return undefined;
  const family = atomText(field(value, 'sa_family'));
  if (!family) return undefined;
  switch (family) {
    case 'AF_INET': {
      const address = stringValue(callArg(field(value, 'sin_addr'), 'inet_addr', 0));
      const port = portOf(field(value, 'sin_port'));
      if (address === undefined || port === undefined) break;
      return { family: 'inet', address, port };
    }
    case 'AF_INET6': {
      // `inet_pton(AF_INET6, "::1", &sin6_addr)` is an unnamed item of the struct.
      const pton = value.fields.find(f => f.type === 'call' && f.fn === 'inet_pton');
      const address = stringValue(pton?.type === 'call' ? pton.args[1] : undefined);
      const port = portOf(field(value, 'sin6_port'));
      if (address === undefined || port === undefined) break;
      return { family: 'inet6', address, port };
    }
    case 'AF_UNIX': {
      const path = field(value, 'sun_path');
      if (path?.type === 'string') return { family: 'unix', path: path.value, abstract: path.abstract === true };
      return { family: 'unix', path: null, abstract: false };
    }
  }
  const raw = value.fields.map(f => (f.name ? `${f.name}=` : '') + (atomText(f) ?? f.type)).join(', ');
  return { family: 'other', name: family.replace(/^AF_/, '').toLowerCase(), raw };
}
