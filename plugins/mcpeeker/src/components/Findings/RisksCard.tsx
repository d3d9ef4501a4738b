import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import type { Finding, RiskFact } from '@mcpeeker/plugin-mcpeeker-common';

/** Where a fact was found, as a person reads it: the file, then line and column. */
export function riskPlace(fact: RiskFact): string | undefined {
  const l = fact.location;
  if (!l) return undefined;
  const at = l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : '';
  return `${l.file}${at}${l.jsonPath ? ` (${l.jsonPath})` : ''}`;
}

/**
 * What the server can do that it should not, each with how to fix it: the
 * risk facts the endpoint agent found (most severe first, as stored). Their
 * points are in "Why this score"; here is what to change.
 */
export function RisksCard({ finding }: { finding: Finding }) {
  const risks = finding.signals.risks ?? [];
  if (risks.length === 0) return null;
  return (
    <InfoCard
      title="Risks and how to fix them"
      subheader={`${risks.length} ${
        risks.length === 1 ? 'risk' : 'risks'
      } found in the server's configuration or on its port`}
    >
      {risks.map((fact, i) => {
        const place = riskPlace(fact);
        return (
          <Box
            key={`${fact.kind}-${place ?? i}`}
            component="section"
            aria-label={`${fact.severity} risk: ${fact.title}`}
            marginBottom={i < risks.length - 1 ? 2 : 0}
          >
            <Typography variant="subtitle2" component="h3">
              <Chip
                size="small"
                label={fact.severity}
                color={fact.severity === 'high' ? 'secondary' : 'default'}
                style={{ marginRight: 8 }}
              />
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
              {fact.fix}
            </Typography>
          </Box>
        );
      })}
    </InfoCard>
  );
}
