import { useRouteRef } from '@backstage/frontend-plugin-api';
import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  summaryFindingsQuery,
  summaryValue,
  type AnalyticsSummary,
  type SummaryNumber,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Link as RouterLink } from 'react-router-dom';
import { findingsRouteRef } from '../../routes';
import { findingsHref } from '../Findings/findingFilters';
import { useChartColours } from './chartParts';

interface SummaryCard {
  number: SummaryNumber;
  title: string;
  value: number;
  /** What the number counts, in words. */
  caption: string;
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
 * to exactly what it counts (`summaryFindingsQuery`: the list's total is the
 * number), "Active hosts" to the findings seen on them. The feedback backlog
 * shows when the summary holds it: for those who may give feedback.
 */
export function SummaryCards({ summary }: { summary: AnalyticsSummary }) {
  const findingsUrl = useRouteRef(findingsRouteRef);
  const colours = useChartColours();
  const cards: Array<Omit<SummaryCard, 'value'>> = [
    {
      number: 'totalFindings',
      title: 'Findings',
      caption: 'MCP servers found, one per server and host',
    },
    {
      number: 'unauthorized',
      title: 'Unauthorized',
      caption: 'score 9 or more',
      accent: colours.classification.unauthorized,
    },
    {
      number: 'suspect',
      title: 'Suspect',
      caption: 'score 5 to 8',
      accent: colours.classification.suspect,
    },
    {
      number: 'authorized',
      title: 'Authorized',
      caption: 'score 4 or less',
      accent: colours.classification.authorized,
    },
    {
      number: 'unregisteredHighRisk',
      title: 'Unregistered high-risk',
      caption: 'no approved registration, and unauthorized or with a high risk',
      accent: colours.classification.unauthorized,
    },
    {
      number: 'newThisWeek',
      title: 'New this week',
      caption: 'first seen in the last 7 days',
    },
    {
      number: 'activeHosts',
      title: 'Active hosts',
      caption: 'hosts seen in the last 24 hours (leads to their findings)',
    },
    {
      number: 'feedbackBacklog',
      title: 'Feedback backlog',
      caption: 'suspect or unauthorized, open, no verdict yet',
    },
  ];
  return (
    <>
      {cards.flatMap(card => {
        const value = summaryValue(summary, card.number);
        if (value === undefined) return [];
        return [
          <Grid item xs={12} sm={6} md={3} key={card.title}>
            <NumberCard
              card={{ ...card, value }}
              href={
                findingsUrl
                  ? findingsHref(
                      findingsUrl(),
                      {},
                      summaryFindingsQuery(summary, card.number),
                    )
                  : undefined
              }
            />
          </Grid>,
        ];
      })}
    </>
  );
}
