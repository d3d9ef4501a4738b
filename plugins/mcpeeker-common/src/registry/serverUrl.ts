import { z } from 'zod';

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether a URL may be stored for a server and served from the MCP Registry
 * API: `https:`, or `http:` to this machine for local servers. Nothing else
 * (`javascript:`, `data:`, plain http across the network) reaches a client.
 * server.json templates such as `{port}` count as one character.
 *
 * @public
 */
export function isAllowedServerUrl(url: string): boolean {
  // Control characters and spaces: URL parsing would quietly drop some.
  if ([...url].some(c => c <= ' ' || c === '\u007f')) return false;
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{[^{}]*\}/g, '0'));
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return parsed.hostname !== '';
  return parsed.protocol === 'http:' && LOOPBACK_HOSTS.test(parsed.hostname);
}

/** A server URL, as `isAllowedServerUrl` allows. @public */
export const serverUrlSchema = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine(isAllowedServerUrl, {
    message:
      'must be an https URL (or http to this machine: localhost, 127.0.0.0/8, [::1])',
  });
