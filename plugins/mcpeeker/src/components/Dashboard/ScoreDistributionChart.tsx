import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import {
  scoreFindingsQuery,
  type ScoreDistribution,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Tooltip,
  XAxis,
  YAxis,
  type BarShapeProps,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { findingsRouteRef } from '../../routes';
import { findingsHref } from '../Findings/findingFilters';
import {
  findingsCount,
  SvgLink,
  tickStyle,
  useChartColours,
  useChartStyles,
  visuallyHidden,
} from './chartParts';

type Bucket = ScoreDistribution['buckets'][number];

/** "7", or "10+" for the bucket of every score from 10 up. */
const scoreLabel = (b: Bucket) => (b.orMore ? `${b.score}+` : String(b.score));

/**
 * Every score from 0 to the highest, those the API left out (nothing has
 * them) as empty: bars of 0, 6 and 9 side by side would read as neighbours.
 */
function everyScore(buckets: Bucket[]): Array<Bucket & { label: string }> {
  const byScore = new Map(buckets.map(b => [b.score, b]));
  const highest = Math.max(0, ...buckets.map(b => b.score));
  return Array.from({ length: highest + 1 }, (_, score) => {
    // An empty score draws no bar: its classification is never shown.
    const bucket = byScore.get(score) ?? {
      score,
      count: 0,
      classification: 'authorized' as const,
    };
    return { ...bucket, label: scoreLabel(bucket) };
  });
}

/** "Score 7: 3 findings", "Score 10 or more: 1 finding". */
export function describeBucket(b: Bucket): string {
  return `Score ${b.score}${b.orMore ? ' or more' : ''}: ${findingsCount(
    b.count,
  )}`;
}

/**
 * How many findings have each score, a bar per score in its classification's
 * colour; each bar leads to the findings with that score (suppressed ones
 * left out of both, as of the summary's cards). Screen readers get
 * the numbers as a table and each bar as a link.
 */
export function ScoreDistributionChart() {
  const api = useApi(mcpeekerApiRef);
  const findingsUrl = useRouteRef(findingsRouteRef);
  const colours = useChartColours();
  const classes = useChartStyles();
  const { value, loading, error } = useAsync(
    () => api.getScoreDistribution(),
    [api],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const buckets = value?.buckets ?? [];
  if (!buckets.some(b => b.count > 0))
    return <Typography>No findings to count yet.</Typography>;

  // Exactly the bar's findings: the list leaves suppressed ones out, as the distribution does.
  const hrefOf = (b: Bucket) =>
    findingsHref(findingsUrl?.() ?? '', {}, scoreFindingsQuery(b));
  const summary = `Findings by score: ${buckets
    .filter(b => b.count > 0)
    .map(b => `${b.count} at ${scoreLabel(b)}`)
    .join(', ')}`;
  const data = everyScore(buckets);

  const shape = (props: BarShapeProps) => {
    const bucket = props.payload as Bucket;
    if (!bucket.count) return <g />;
    // The whole column is the link: a bar of one among hundreds is a sliver.
    const column = props.background;
    return (
      <SvgLink href={hrefOf(bucket)} label={describeBucket(bucket)}>
        <rect
          x={props.x}
          y={props.y}
          width={props.width}
          height={props.height}
          fill={colours.classification[bucket.classification]}
        />
        {column && (
          <rect
            x={column.x ?? props.x}
            y={column.y ?? props.y}
            width={column.width}
            height={Math.max(0, props.y - (column.y ?? props.y))}
            fill="transparent"
          />
        )}
      </SvgLink>
    );
  };

  return (
    <figure
      aria-label={summary}
      className={classes.chart}
      style={{ margin: 0 }}
      data-testid="score-distribution"
    >
      <BarChart
        responsive
        style={{ width: '100%', height: 260 }}
        data={data}
        accessibilityLayer={false}
        margin={{ top: 8, right: 8, bottom: 8, left: 0 }}
      >
        <CartesianGrid stroke={colours.grid} vertical={false} />
        <XAxis
          dataKey="label"
          stroke={colours.axis}
          tick={tickStyle(colours.axis)}
          label={{
            value: 'Score',
            position: 'insideBottom',
            offset: -4,
            fill: colours.axis,
            fontSize: 12,
          }}
        />
        <YAxis
          allowDecimals={false}
          stroke={colours.axis}
          tick={tickStyle(colours.axis)}
          width={40}
        />
        <Tooltip
          {...colours.tooltip}
          cursor={{ fill: colours.cursor }}
          formatter={(count: unknown) => [String(count), 'Findings']}
          labelFormatter={(label: unknown) => `Score ${label}`}
        />
        <Bar
          dataKey="count"
          name="Findings"
          isAnimationActive={false}
          maxBarSize={56}
          background={{ fill: 'transparent' }}
          shape={shape}
        />
      </BarChart>
      <table style={visuallyHidden}>
        <caption>Findings by score</caption>
        <thead>
          <tr>
            <th scope="col">Score</th>
            <th scope="col">Findings</th>
            <th scope="col">Classification</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map(b => (
            <tr key={b.score}>
              <th scope="row">{scoreLabel(b)}</th>
              <td>{b.count}</td>
              <td>{b.classification}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
