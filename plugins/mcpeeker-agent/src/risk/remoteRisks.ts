import {
  isCredentialName,
  redactSecrets,
} from '@mcpeeker/plugin-mcpeeker-common';
import { EntryContext, FoundFact, riskFact } from './riskFact';

/** Loopback: the traffic never leaves this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127(?:\.\d{1,3}){3}$/.test(host) ||
    host === '::1' ||
    host === '0:0:0:0:0:0:0:1' ||
    host === '0.0.0.0'
  );
}

/**
 * `plain-http-remote` and `credentials-over-http`: a URL with `http://` to a
 * host that is not this machine, and the credentials the entry sends it
 * (a header named like one, whatever its value; a password or secret
 * parameter in the URL).
 */
export function remoteRisks(
  { server }: EntryContext,
  salt: string,
): FoundFact[] {
  if (!server.url) return [];
  let url: URL;
  try {
    url = new URL(server.url);
  } catch {
    return [];
  }
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return [];
  const host = url.host;
  const httpsUrl = redactSecrets(`https://${url.host}${url.pathname}`, {
    salt,
  }).value;
  const facts: FoundFact[] = [
    riskFact(
      'plain-http-remote',
      `the server is reached at http://${host}, unencrypted`,
      {
        fix: `Change the URL to ${httpsUrl} (ask the server's operator for TLS if it has none).`,
        at: server.paths.url,
      },
    ),
  ];
  const credentials = [
    ...Object.keys(server.headers ?? {})
      .filter(name => isCredentialName(name))
      .map(name => `the ${name} header`),
    ...(url.password || url.username
      ? ['a user name and password in the URL']
      : []),
    ...[...url.searchParams.keys()]
      .filter(name => isCredentialName(name) || /^(?:code|pwd)$/i.test(name))
      .map(name => `the ${name} URL parameter`),
  ];
  if (credentials.length > 0) {
    facts.push(
      riskFact(
        'credentials-over-http',
        `${credentials.join(', ')} ${
          credentials.length === 1 ? 'goes' : 'go'
        } to http://${host} in clear text`,
        {
          fix: `Change the URL to ${httpsUrl} before sending credentials, and rotate what has been sent to http://${host}.`,
          at:
            server.headers && Object.keys(server.headers).some(isCredentialName)
              ? server.paths.headers
              : server.paths.url,
        },
      ),
    );
  }
  return facts;
}
