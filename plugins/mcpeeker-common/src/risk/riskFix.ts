import { approvalStands, standingStatus } from '../registry/registry';
import type { RegistryEntry } from '../registry/registry';
import type { RiskFact } from './risk';

/**
 * A fix that advises registering the server (an unknown publisher's) reads
 * differently once someone did: the agent writes it on the endpoint, before
 * anyone registered anything, and the page shows it after. One place says
 * the advice and how it reads for a finding's registry entry.
 */

/**
 * The advice to register a server, as the agent writes it into a fix.
 *
 * @public
 */
export function registryAdvice(serverName: string): string {
  return `declare '${serverName}' in MCPeeker's registry with its purpose and owner`;
}

/** The advice with the words that join it to the rest of the fix (any agent version's). */
const ADVICE =
  /(?:; if your organisation runs or trusts it,|,? or) declare '[^']*' in MCPeeker['’]s registry with its purpose and owner(?=\.?\s*$)/;

/**
 * Where a finding stands in the registry, as a fix needs it: `approved`
 * when an approval stands for it (`approvalStands`), `pending` when its
 * entry awaits a decision, `unregistered` otherwise (no entry, or one
 * denied, revoked or expired: registering is still the advice).
 *
 * @public
 */
export type FixRegistryStanding = 'approved' | 'pending' | 'unregistered';

/**
 * The standing of the registry entry that stands for a finding.
 *
 * @public
 */
export function fixRegistryStanding(
  entry: Pick<RegistryEntry, 'status' | 'expiresAt'> | undefined,
  now = new Date(),
): FixRegistryStanding {
  if (!entry) return 'unregistered';
  if (approvalStands(entry, now)) return 'approved';
  return standingStatus(entry, now) === 'pending' ? 'pending' : 'unregistered';
}

/**
 * A fact's fix as it reads for the finding's registry standing: approved,
 * without the advice to register it; pending, saying its entry awaits
 * approval; otherwise as the agent wrote it.
 *
 * @public
 */
export function fixForRegistry(
  fact: Pick<RiskFact, 'fix'>,
  standing: FixRegistryStanding,
): string {
  if (standing === 'unregistered' || !ADVICE.test(fact.fix)) return fact.fix;
  const rest = fact.fix.replace(ADVICE, '').replace(/\.?\s*$/, '');
  return standing === 'approved'
    ? `${rest}.`
    : `${rest}; its entry in MCPeeker's registry awaits an admin's approval.`;
}
