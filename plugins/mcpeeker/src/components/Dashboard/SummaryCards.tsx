import { useRouteRef } from '@backstage/frontend-plugin-api';
import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { AnalyticsSummary } from '@mcpeeker/plugin-mcpeeker-common';
import { Link as RouterLink } from 'react-router-dom';
import { findingsRouteRef } from '../../routes';
import { FindingFilters, findingsHref } from '../Findings/findingFilters';
import { useChartColours } from './chartParts';

const HOUR = 3_600_000;

interface SummaryCard {
  title: string;
  value: number;
  /** What the number counts, in words. */
  caption: string;
  /** The list filtered to what the number counts (or as near as its filters come). */
  filters?: FindingFilters;
  /** Parameters of the list's other filters (triage's `status`). */
  params?: Record<string, string>;
  /** A coloured edge: the classification's colour. */
  accent?: string;
}

function NumberCard({ card, href }: { card: SummaryCard; href?: string }) {
  const content = (
    <CardContent>
      <Typography variant="overline" component="h3">
        {card.title}
      </Typography>
      <Typography variant="h3" component="p">
        {card.value.toLocaleString('en-US')}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {card.caption}
      </Typography>
    </CardContent>
  );
  return (
    <Card
      variant="outlined"
      style={{
        height: '100%',
        ...(card.accent ? { borderLeft: `4px solid ${card.accent}` } : {}),
      }}
    >
      {href ? (
        <CardActionArea
          component={RouterLink}
          to={href}
          // A link that looks like a card (ButtonBase calls it a button).
          role="link"
          style={{ height: '100%' }}
        >
          {content}
        </CardActionArea>
      ) : (
        content
      )}
    </Card>
  );
}

/**
 * The summary's numbers, each a card that leads to the Findings list filtered
 * to what it counts, or as near as the list's filters come: "New this week"
 * and "Active hosts" lead to the findings last seen in that time (the list
 * filters on when a finding was last seen, not first), "Feedback backlog" to
 * the open suspect and unauthorized ones.
 */
export function SummaryCards({ summary }: { summary: AnalyticsSummary }) {
  const findingsUrl = useRouteRef(findingsRouteRef);
  const colours = useChartColours();
  // From the summary's own clock, so the list counts the same window.
  const before = (ms: number) =>
    new Date(Date.parse(summary.generatedAt) - ms).toISOString();
  const cards: SummaryCard[] = [
    {
      title: 'Findings',
      value: summary.totalFindings,
      caption: 'MCP servers found, one per server and host',
      filters: {},
    },
    {
      title: 'Unauthorized',
      value: summary.byClassification.unauthorized,
      caption: 'score 9 or more',
      filters: { classification: ['unauthorized'] },
      accent: colours.classification.unauthorized,
    },
    {
      title: 'Suspect',
      value: summary.byClassification.suspect,
      caption: 'score 5 to 8',
      filters: { classification: ['suspect'] },
      accent: colours.classification.suspect,
    },
    {
      title: 'Authorized',
      value: summary.byClassification.authorized,
      caption: 'score 4 or less',
      filters: { classification: ['authorized'] },
      accent: colours.classification.authorized,
    },
    {
      title: 'Unregistered high-risk',
      value: summary.unregisteredHighRisk,
      caption: 'unauthorized, and no approved registration',
      filters: { classification: ['unauthorized'], registry: 'unregistered' },
      accent: colours.classification.unauthorized,
    },
    {
      title: 'New this week',
      value: summary.newThisWeek,
      caption: 'first seen in the last 7 days',
      filters: { since: before(7 * 24 * HOUR) },
    },
    {
      title: 'Active hosts',
      value: summary.activeHosts,
      caption: 'hosts seen in the last 24 hours',
      filters: { since: before(24 * HOUR) },
    },
    {
      title: 'Feedback backlog',
      value: summary.feedbackBacklog,
      caption: 'suspect or unauthorized, not triaged yet',
      filters: { classification: ['suspect', 'unauthorized'] },
      params: { status: 'open' },
    },
  ];
  return (
    <>
      {cards.map(card => (
        <Grid item xs={12} sm={6} md={3} key={card.title}>
          <NumberCard
            card={card}
            href={
              card.filters && findingsUrl
                ? findingsHref(findingsUrl(), card.filters, card.params)
                : undefined
            }
          />
        </Grid>
      ))}
    </>
  );
}
