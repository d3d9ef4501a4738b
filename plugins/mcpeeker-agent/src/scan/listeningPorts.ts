import fs from 'node:fs/promises';
import path from 'node:path';

/** A listening TCP socket. */
export interface ListeningPort {
  port: number;
  /** The address it is bound to, as text (`0.0.0.0`, `127.0.0.1`, `::`, `::1`, ...). */
  address: string;
  pid?: number;
}

/** Ports that speak something other than HTTP: never probed (a probe would only upset them). */
export const NON_HTTP_PORTS = new Set([
  21, 22, 23, 25, 53, 110, 111, 135, 139, 143, 389, 445, 465, 587, 631, 636,
  993, 995, 1433, 1521, 1883, 2049, 2181, 3306, 3389, 4222, 4369, 5432, 5672,
  5900, 6222, 6379, 6380, 7000, 7001, 8883, 9042, 9092, 9093, 11211, 25672,
  26379, 27017, 27018, 61616,
]);

function hexToIpv4(hex: string): string {
  const n = hex
    .match(/../g)!
    .map(h => parseInt(h, 16))
    .reverse();
  return n.join('.');
}

function hexToIpv6(hex: string): string {
  // /proc/net/tcp6 prints four little-endian 32-bit words.
  const words = hex
    .match(/.{8}/g)!
    .map(w => w.match(/../g)!.reverse().join(''));
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map(g => parseInt(g, 16).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  if (text.startsWith('0:0:0:0:0:ffff:')) return `::ffff:${text.slice(15)}`;
  return text;
}

/** Parses /proc/net/tcp or tcp6: the sockets in state LISTEN (0A). */
export function parseProcNetTcp(
  text: string,
  family: 4 | 6,
): Array<ListeningPort & { inode: string }> {
  const out: Array<ListeningPort & { inode: string }> = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== '0A') continue;
    const [addrHex, portHex] = cols[1].split(':');
    out.push({
      port: parseInt(portHex, 16),
      address: family === 4 ? hexToIpv4(addrHex) : hexToIpv6(addrHex),
      inode: cols[9],
    });
  }
  return out;
}

/** Listening ports on Linux, with the owning pid where /proc lets us see it. */
export async function listLinuxListeningPorts(
  procDir = '/proc',
): Promise<ListeningPort[]> {
  const sockets: Array<ListeningPort & { inode: string }> = [];
  for (const [file, family] of [
    ['tcp', 4],
    ['tcp6', 6],
  ] as const) {
    try {
      sockets.push(
        ...parseProcNetTcp(
          await fs.readFile(path.join(procDir, 'net', file), 'utf8'),
          family,
        ),
      );
    } catch {
      // no IPv6, say
    }
  }
  const owners = new Map<string, number>();
  const wanted = new Set(sockets.map(s => s.inode));
  for (const entry of await fs.readdir(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = await fs.readdir(path.join(procDir, entry, 'fd'));
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = await fs.readlink(path.join(procDir, entry, 'fd', fd));
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && wanted.has(inode)) owners.set(inode, Number(entry));
      } catch {
        // closed meanwhile
      }
    }
  }
  return sockets.map(({ inode, ...s }) =>
    owners.has(inode) ? { ...s, pid: owners.get(inode) } : s,
  );
}

/** Parses `lsof -nP -iTCP -sTCP:LISTEN` (macOS). */
export function parseLsofListen(text: string): ListeningPort[] {
  const out: ListeningPort[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const name = cols.find(c => /:\d+$/.test(c));
    if (!name || !line.includes('(LISTEN)')) continue;
    const colon = name.lastIndexOf(':');
    let address = name.slice(0, colon).replace(/^\[|\]$/g, '');
    if (address === '*') address = '0.0.0.0';
    out.push({
      port: Number(name.slice(colon + 1)),
      address,
      pid: Number(cols[1]) || undefined,
    });
  }
  return out;
}

/** Parses `netstat -ano -p TCP` / `-p TCPv6` (Windows). */
export function parseNetstatListening(text: string): ListeningPort[] {
  const out: ListeningPort[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] !== 'TCP' || cols[3] !== 'LISTENING') continue;
    const local = cols[1];
    const colon = local.lastIndexOf(':');
    out.push({
      port: Number(local.slice(colon + 1)),
      address: local.slice(0, colon).replace(/^\[|\]$/g, ''),
      pid: Number(cols[4]) || undefined,
    });
  }
  return out;
}

/**
 * Where to knock for a listening socket: loopback for wildcard and loopback
 * binds; nothing for a socket bound to another address (the agent only ever
 * talks to its own host over loopback).
 */
export function loopbackOriginOf(listening: ListeningPort): string | undefined {
  const a = listening.address;
  if (a === '0.0.0.0' || a.startsWith('127.') || a === '::ffff:127.0.0.1')
    return `http://127.0.0.1:${listening.port}`;
  if (a === '::' || a === '::1') return `http://[::1]:${listening.port}`;
  return undefined;
}
