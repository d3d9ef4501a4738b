import { useState } from 'react';
import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  approvalStands,
  fixForRegistry,
  fixRegistryStanding,
  standingStatus,
  type AcceptedRisk,
  type Finding,
  type RegistryEntry,
  type RiskFact,
  type RiskKind,
} from '@mcpeeker/plugin-mcpeeker-common';
import { registerRouteRef } from '../../routes';
import { EntryLink, STATUS_WORDS } from '../Registry/EntryParts';
import {
  AcceptedRiskWords,
  AcceptRiskDialog,
  useMayAcceptRisks,
  WithdrawRiskDialog,
} from '../Registry/RiskAcceptance';
import { FormerEntryWords } from './FormerEntry';
import { RiskSeverityChip } from './RiskSeverityChip';

/** Where a fact was found, as a person reads it: the file, then line and column. */
export function riskPlace(fact: RiskFact): string | undefined {
  const l = fact.location;
  if (!l) return undefined;
  const at = l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : '';
  return `${l.file}${at}${l.jsonPath ? ` (${l.jsonPath})` : ''}`;
}

/** The kinds of risk the finding's score does not count, as its breakdown says: accepted on its approved entry. */
function acceptedKinds(finding: Finding): Map<RiskKind, AcceptedRisk> {
  const out = new Map<RiskKind, AcceptedRisk>();
  for (const c of finding.breakdown.contributions)
    if (c.riskKind && c.acceptedRisk) out.set(c.riskKind, c.acceptedRisk);
  return out;
}

/**
 * Why no risk of this finding can be accepted, when that is so: only an
 * approved entry whose tools are as approved can accept one.
 */
function NotAcceptable({
  finding,
  entry,
  former,
}: {
  finding: Finding;
  entry: RegistryEntry | undefined;
  former?: RegistryEntry;
}) {
  const registerUrl = useRouteRef(registerRouteRef);
  if (finding.registryStatus === 'approved') return null;
  let words: React.ReactNode;
  if (finding.registryStatus === 'tools-changed')
    words = (
      <>
        Its tools changed since approval: risks accepted on
        {entry ? (
          <>
            {' '}
            <EntryLink entry={entry}>registry entry {entry.name}</EntryLink>
          </>
        ) : (
          ' its registry entry'
        )}{' '}
        count again until an admin approves its tools again.
      </>
    );
  else if (entry)
    // As the Registry row says it: where the entry stands now, past its date expired.
    words = (
      <>
        A risk can be accepted only on an approved registry entry;{' '}
        <EntryLink entry={entry}>registry entry {entry.name}</EntryLink> is{' '}
        {STATUS_WORDS[standingStatus(entry)]}.
      </>
    );
  else if (former)
    words = (
      <>
        A risk can be accepted only on an approved registry entry;{' '}
        <FormerEntryWords finding={finding} former={former} />.
      </>
    );
  else
    words = (
      <>
        A risk can be accepted only on an approved registry entry, and this
        server is not in the registry
        {registerUrl ? (
          <>
            :{' '}
            <Link
              to={`${registerUrl()}?${new URLSearchParams({
                finding: finding.compositeId,
              })}`}
            >
              register it
            </Link>
          </>
        ) : null}
        .
      </>
    );
  return (
    <Typography variant="body2" color="textSecondary" style={{ marginTop: 16 }}>
      {words}
    </Typography>
  );
}

/**
 * What the server can do that it should not, each with how to fix it: the
 * risk facts the endpoint agent found (most severe first, as stored). Their
 * points are in "Why this score"; here is what to change. A risk accepted
 * on the approved entry says by whom, when and why; admins accept one (with
 * a reason) or withdraw an acceptance here, everyone else reads them.
 */
export function RisksCard({
  finding,
  entry,
  former,
  onChanged,
}: {
  finding: Finding;
  /** The registry entry that stands for the finding, when the viewer may read it. */
  entry?: RegistryEntry;
  /** None stands for it: the entry that registered its server before it changed. */
  former?: RegistryEntry;
  /** Called after a risk was accepted or withdrawn: the finding was rescored. */
  onChanged?: () => void;
}) {
  const mayAccept = useMayAcceptRisks();
  const [accepting, setAccepting] = useState<RiskKind>();
  const [withdrawing, setWithdrawing] = useState<AcceptedRisk>();
  const [message, setMessage] = useState<string>();
  const risks = finding.signals.risks ?? [];
  if (risks.length === 0) return null;
  const accepted = acceptedKinds(finding);
  // The advice to register reads as the registry stands for the finding now;
  // a viewer who may not read the entry still knows an approval stands.
  const standing =
    finding.registryStatus !== 'unregistered'
      ? 'approved'
      : fixRegistryStanding(entry);
  // Admins act on the entry the finding is approved by, and only on it.
  const actOn =
    mayAccept &&
    onChanged &&
    finding.registryStatus === 'approved' &&
    entry &&
    approvalStands(entry)
      ? entry
      : undefined;
  const done = (text: string) => {
    setAccepting(undefined);
    setWithdrawing(undefined);
    setMessage(text);
    onChanged?.();
  };
  return (
    <InfoCard
      title="Risks and how to fix them"
      subheader={`${risks.length} ${
        risks.length === 1 ? 'risk' : 'risks'
      } found in the server's configuration or on its port`}
    >
      {risks.map((fact, i) => {
        const place = riskPlace(fact);
        const acceptance = accepted.get(fact.kind);
        return (
          <Box
            key={`${fact.kind}-${place ?? i}`}
            component="section"
            aria-label={`${fact.severity} risk: ${fact.title}`}
            marginBottom={i < risks.length - 1 ? 2 : 0}
          >
            <Typography variant="subtitle2" component="h3">
              <RiskSeverityChip severity={fact.severity} />
              {fact.title}
            </Typography>
            <Typography variant="body2" style={{ overflowWrap: 'anywhere' }}>
              {fact.evidence}
            </Typography>
            {place && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="p"
                style={{ overflowWrap: 'anywhere' }}
              >
                {place}
              </Typography>
            )}
            <Typography variant="body2">
              <strong>Fix: </strong>
              {fixForRegistry(fact, standing)}
            </Typography>
            {acceptance && (
              <Typography
                variant="body2"
                data-testid="risk-accepted"
                style={{ overflowWrap: 'anywhere' }}
              >
                <strong>Accepted, counts 0 in the score. </strong>
                <AcceptedRiskWords accepted={acceptance} />
              </Typography>
            )}
            {actOn && (
              <Button
                size="small"
                variant="outlined"
                style={{ marginTop: 4 }}
                onClick={() =>
                  acceptance
                    ? setWithdrawing(acceptance)
                    : setAccepting(fact.kind)
                }
              >
                {acceptance ? 'Withdraw acceptance' : 'Accept this risk'}
              </Button>
            )}
          </Box>
        );
      })}
      <NotAcceptable finding={finding} entry={entry} former={former} />
      {message && (
        <Typography role="status" variant="body2" style={{ marginTop: 16 }}>
          {message}
        </Typography>
      )}
      {actOn && accepting && (
        <AcceptRiskDialog
          entry={actOn}
          kind={accepting}
          onClose={() => setAccepting(undefined)}
          onAccepted={done}
        />
      )}
      {actOn && withdrawing && (
        <WithdrawRiskDialog
          entry={actOn}
          accepted={withdrawing}
          onClose={() => setWithdrawing(undefined)}
          onWithdrawn={done}
        />
      )}
    </InfoCard>
  );
}
