import {
  findInlineSecrets,
  redactSecrets,
  REDACTION_MARKER_PATTERN,
} from '@mcpeeker/plugin-mcpeeker-common';
import { envReference, EntryContext, FoundFact, riskFact } from './riskFact';

const MARKERS = new RegExp(REDACTION_MARKER_PATTERN.source, 'g');

/**
 * A variable name for the fix, made of the entry's and the header's names.
 * Each name is redacted on its own first: once joined with `_` and
 * uppercased, a token pasted as a name no longer stands apart as a word,
 * and the redaction of the fix text would not see it.
 */
const variableName = (...parts: string[]) =>
  parts
    .map(part =>
      redactSecrets(part, { salt: 'variable-name' }).value.replace(
        MARKERS,
        'SECRET',
      ),
    )
    .join('_')
    .replace(/^-+/, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();

/**
 * `inline-secret`: secrets written in clear in an entry's env values,
 * headers, arguments or URL, as the one redaction function decides. The
 * evidence names the place and the kind of secret, never the value.
 */
export function inlineSecretRisks({
  server,
  client,
}: EntryContext): FoundFact[] {
  const facts: FoundFact[] = [];
  for (const secret of findInlineSecrets(server)) {
    const what = secret.kind ?? 'a secret';
    const rotate = secret.kind
      ? `, then rotate ${secret.kind.replace(/^an? /, 'the ')}`
      : ', then rotate it';
    if (secret.where === 'env' || secret.where === 'header') {
      const name = secret.name!;
      const variable =
        secret.where === 'env' ? name : variableName(server.serverName, name);
      const reference =
        secret.where === 'header' && /^authorization$/i.test(name)
          ? `Bearer ${envReference(client, variable)}`
          : envReference(client, variable);
      facts.push(
        riskFact(
          'inline-secret',
          `${secret.where} ${name} holds ${what} written in the file`,
          {
            fix: `Set ${variable} in the environment (or a secret store) and write ${
              secret.where === 'env' ? 'its value' : `the ${name} header`
            } as ${reference}${rotate}.`,
            at: [
              ...((secret.where === 'env'
                ? server.paths.env
                : server.paths.headers) ?? []),
              name,
            ],
          },
        ),
      );
    } else if (secret.where === 'argument') {
      const index = secret.index!;
      const variable = variableName(
        secret.name ?? `${server.serverName}_secret`,
      );
      facts.push(
        riskFact(
          'inline-secret',
          `argument ${index + 1}${
            secret.name ? ` (${secret.name})` : ''
          } holds ${what} written in the file`,
          {
            fix: `Pass it through the environment instead: set ${variable} outside the file and write ${envReference(
              client,
              variable,
            )} in its place (or an env entry the server reads)${rotate}.`,
            at: server.paths.args[index],
          },
        ),
      );
    } else {
      const variable = variableName(server.serverName, secret.name ?? 'token');
      facts.push(
        riskFact(
          'inline-secret',
          `the URL holds ${what}${
            secret.name && secret.name !== 'password'
              ? ` in its ${secret.name} parameter`
              : ''
          }`,
          {
            fix: `Take it out of the URL: send it in a header that refers to the environment (e.g. Authorization: Bearer ${envReference(
              client,
              variable,
            )}) if the server accepts one${rotate}.`,
            at: server.paths.url,
          },
        ),
      );
    }
  }
  return facts;
}
