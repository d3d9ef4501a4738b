import { useState } from 'react';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  CLASSIFICATIONS,
  trendFindingsQuery,
  type Classification,
  type TrendBucket,
  type Trendlines,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  CartesianGrid,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { findingsRouteRef } from '../../routes';
import { FilterSelect } from '../FilterSelect';
import { findingsHref } from '../Findings/findingFilters';
import { shortCalendarDate, shortLocalTime } from '../LocalTime';
import {
  findingsCount,
  SvgLink,
  tickStyle,
  useChartColours,
  useChartStyles,
  visuallyHidden,
} from './chartParts';

const HOUR = 3_600_000;

/** Each bucket's length, and how far back the chart looks with it. */
const BUCKETS: Record<
  TrendBucket,
  { ms: number; count: number; option: string }
> = {
  hour: { ms: HOUR, count: 24, option: 'Hour (last 24 hours)' },
  day: { ms: 24 * HOUR, count: 30, option: 'Day (last 30 days)' },
  week: { ms: 7 * 24 * HOUR, count: 12, option: 'Week (last 12 weeks)' },
};

/** The window the chart asks for: `count` buckets up to now. */
function windowOf(bucket: TrendBucket, now = Date.now()) {
  const { ms, count } = BUCKETS[bucket];
  return {
    bucket,
    since: new Date(now - ms * count).toISOString(),
    until: new Date(now).toISOString(),
  };
}

type Point = Trendlines['points'][number];

const capitalised = (word: string) => word[0].toUpperCase() + word.slice(1);

/**
 * A bucket's start as the axis and the table show it: an hour in the
 * reader's time, a day or a week by its first day, a calendar date (the
 * backend's days are UTC days).
 */
function startLabel(start: string, bucket: TrendBucket): string {
  return bucket === 'hour' ? shortLocalTime(start) : shortCalendarDate(start);
}

/** "the hour from Dec 3, 09:00", "the week from Dec 1". */
function bucketName(start: string, bucket: TrendBucket): string {
  return `the ${bucket} from ${startLabel(start, bucket)}`;
}

/**
 * Findings seen per hour, day or week, a line per classification; each point
 * leads to the findings it counts (of its classification, with a detection
 * in its bucket, suppressed ones left out of both), each line's legend entry to those of
 * the whole window. Screen readers get the
 * numbers as a table and each point as a link.
 */
export function TrendlinesChart() {
  const api = useApi(mcpeekerApiRef);
  const findingsUrl = useRouteRef(findingsRouteRef);
  const colours = useChartColours();
  const classes = useChartStyles();
  // The window is fixed when the bucket is chosen: a render must not move it.
  const [query, setQuery] = useState(() => windowOf('day'));
  const { value, loading, error } = useAsync(
    () => api.getTrendlines(query),
    [api, query],
  );

  const bucket = value?.bucket ?? query.bucket;
  // Exactly the point's findings: those of its classification with a
  // detection in its bucket (or, without a start, in the whole window).
  const hrefOf = (classification: Classification, start?: string) =>
    value
      ? findingsHref(
          findingsUrl?.() ?? '',
          {},
          trendFindingsQuery(value, classification, start),
        )
      : '';

  const dot =
    (classification: Classification) =>
    (props: { cx?: number; cy?: number; payload?: Point; index?: number }) => {
      const point = props.payload;
      const key = `${classification}-${props.index}`;
      if (
        !point ||
        !point[classification] ||
        props.cx === undefined ||
        props.cy === undefined
      )
        return <g key={key} />;
      return (
        <SvgLink
          key={key}
          href={hrefOf(classification, point.start)}
          label={`${capitalised(classification)}, ${bucketName(
            point.start,
            bucket,
          )}: ${findingsCount(point[classification])}`}
        >
          <circle
            cx={props.cx}
            cy={props.cy}
            r={4}
            fill={colours.classification[classification]}
          />
        </SvgLink>
      );
    };

  const points = value?.points ?? [];
  const peak = (c: Classification) =>
    points.reduce((max, p) => Math.max(max, p[c]), 0);
  const summary = value
    ? `Findings seen per ${bucket}, ${points.length} ${bucket}s to ${startLabel(
        value.until,
        bucket,
      )}; most in one ${bucket}: ${CLASSIFICATIONS.map(
        c => `${c} ${peak(c)}`,
      ).join(', ')}`
    : '';

  return (
    <>
      <Grid container spacing={2} alignItems="center">
        <FilterSelect
          label="Per"
          value={query.bucket}
          options={(Object.keys(BUCKETS) as TrendBucket[]).map(
            b => [b, BUCKETS[b].option] as const,
          )}
          onChange={b => setQuery(windowOf(b))}
        />
      </Grid>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && !loading && !error && points.length > 0 && (
        <figure
          aria-label={summary}
          className={classes.chart}
          style={{ margin: 0 }}
          data-testid="trendlines"
        >
          <LineChart
            responsive
            style={{ width: '100%', height: 260 }}
            data={points}
            accessibilityLayer={false}
            margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
          >
            <CartesianGrid stroke={colours.grid} vertical={false} />
            <XAxis
              dataKey="start"
              stroke={colours.axis}
              tick={tickStyle(colours.axis)}
              tickFormatter={(start: string) => startLabel(start, bucket)}
              minTickGap={16}
            />
            <YAxis
              allowDecimals={false}
              stroke={colours.axis}
              tick={tickStyle(colours.axis)}
              width={40}
            />
            <Tooltip
              {...colours.tooltip}
              labelFormatter={(start: unknown) =>
                startLabel(String(start), bucket)
              }
            />
            {CLASSIFICATIONS.map(c => (
              <Line
                key={c}
                type="monotone"
                dataKey={c}
                name={capitalised(c)}
                stroke={colours.classification[c]}
                strokeWidth={2}
                isAnimationActive={false}
                dot={dot(c)}
                activeDot={false}
              />
            ))}
          </LineChart>
          <Box
            component="ul"
            display="flex"
            justifyContent="center"
            gridGap={24}
            padding={0}
            margin={0}
            style={{ listStyle: 'none' }}
          >
            {CLASSIFICATIONS.map(c => (
              <li key={c}>
                <Box display="flex" alignItems="center" gridGap={6}>
                  <span
                    aria-hidden
                    style={{
                      display: 'inline-block',
                      width: 12,
                      height: 3,
                      backgroundColor: colours.classification[c],
                    }}
                  />
                  <Link to={hrefOf(c)}>{capitalised(c)}</Link>
                </Box>
              </li>
            ))}
          </Box>
          <table style={visuallyHidden}>
            <caption>Findings seen per {bucket}, by classification</caption>
            <thead>
              <tr>
                <th scope="col">{capitalised(bucket)}</th>
                {CLASSIFICATIONS.map(c => (
                  <th scope="col" key={c}>
                    {capitalised(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {points.map(p => (
                <tr key={p.start}>
                  <th scope="row">{startLabel(p.start, bucket)}</th>
                  {CLASSIFICATIONS.map(c => (
                    <td key={c}>{p[c]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </figure>
      )}
      {value && !loading && !error && points.length === 0 && (
        <Typography>Nothing seen in this window.</Typography>
      )}
    </>
  );
}
