import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/** SHA-256 of a UTF-8 string, as lowercase hex. */
export function sha256Hex(value: string): string {
  return bytesToHex(sha256(utf8ToBytes(value)));
}

/** HMAC-SHA-256 keyed with `salt`, as lowercase hex. */
export function saltedSha256Hex(value: string, salt: string): string {
  return bytesToHex(hmac(sha256, utf8ToBytes(salt), utf8ToBytes(value)));
}

/**
 * Hashes an identifier that must not leave its origin in clear: a host id
 * (machine id, hostname), an interface address, a session id.
 *
 * The identifier is trimmed and lower-cased first, so `HOST-1` and `host-1 `
 * hash alike, then HMAC-SHA-256 keyed with the fleet's salt. Agents and
 * network adapters configured with the same salt produce the same hash for the
 * same address, which is what lets the backend correlate layers without ever
 * seeing an address.
 *
 * @public
 */
export function hashIdentifier(identifier: string, salt: string): string {
  if (!salt) {
    throw new Error('hashIdentifier needs a non-empty salt');
  }
  return saltedSha256Hex(identifier.trim().toLowerCase(), salt);
}

/**
 * JSON with object keys sorted at every level and `undefined` dropped, so that
 * equal content always serialises to equal bytes.
 *
 * @public
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(item => (item === undefined ? null : sortKeys(item)));
  }
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) {
        sorted[key] = sortKeys(item);
      }
    }
    return sorted;
  }
  return value;
}
