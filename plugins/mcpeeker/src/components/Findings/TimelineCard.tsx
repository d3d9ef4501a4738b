import { ReactElement, ReactNode, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import AssignmentIndIcon from '@material-ui/icons/AssignmentInd';
import BuildIcon from '@material-ui/icons/Build';
import FeedbackIcon from '@material-ui/icons/Feedback';
import FiberNewIcon from '@material-ui/icons/FiberNew';
import LibraryBooksIcon from '@material-ui/icons/LibraryBooks';
import SearchIcon from '@material-ui/icons/Search';
import TrendingUpIcon from '@material-ui/icons/TrendingUp';
import VisibilityOffIcon from '@material-ui/icons/VisibilityOff';
import {
  asSentence,
  type FindingTimeline,
  type TimelineEntry,
  type TimelineKind,
} from '@mcpeeker/plugin-mcpeeker-common';
import { LocalTime, withLocalTimes } from '../LocalTime';
import { errorMessage } from '../Registry/RegisterForm';
import { countOf } from '../TableParts';

/** Each kind of moment: its icon, and its name for whoever does not see the icon. */
const KINDS: Record<TimelineKind, { icon: ReactElement; words: string }> = {
  'first-seen': { icon: <FiberNewIcon />, words: 'First seen' },
  evidence: { icon: <SearchIcon />, words: 'Evidence' },
  score: { icon: <TrendingUpIcon />, words: 'Score' },
  registry: { icon: <LibraryBooksIcon />, words: 'Registry' },
  tools: { icon: <BuildIcon />, words: 'Tools' },
  feedback: { icon: <FeedbackIcon />, words: 'Feedback' },
  triage: { icon: <AssignmentIndIcon />, words: 'Triage' },
  suppression: { icon: <VisibilityOffIcon />, words: 'Suppression' },
};

/**
 * A moment's sentence, each instant it names (`times`, written there as
 * ISO 8601) shown in the reader's time, as the moment's own time is.
 */
export function summaryInWords(entry: TimelineEntry): ReactNode[] {
  return withLocalTimes(asSentence(entry.summary), entry.times);
}

/**
 * A finding's story from what is stored: evidence, score changes, registry
 * decisions, tools, feedback, triage and suppressions, each with its time
 * and who did it. Newest first (what changed last is what a returning
 * analyst looks for), or oldest first to read it as a story.
 */
export function TimelineCard({
  timeline,
  error,
}: {
  timeline?: FindingTimeline;
  error?: Error;
}) {
  const [newestFirst, setNewestFirst] = useState(true);
  // The API answers oldest first.
  const oldestFirst = timeline?.items ?? [];
  const items = newestFirst ? [...oldestFirst].reverse() : oldestFirst;
  return (
    <InfoCard
      title="Timeline"
      subheader={newestFirst ? 'Newest first' : 'Oldest first'}
      action={
        <Button size="small" onClick={() => setNewestFirst(!newestFirst)}>
          {newestFirst ? 'Show oldest first' : 'Show newest first'}
        </Button>
      }
    >
      {error && <Typography color="error">{errorMessage(error)}</Typography>}
      {!error && !timeline && <Progress />}
      {timeline && timeline.detectionsLeftOut > 0 && (
        <Typography variant="body2" color="textSecondary" paragraph>
          {countOf(
            timeline.detectionsLeftOut,
            'earlier detection',
            'earlier detections',
          )}{' '}
          left out: only the most recent detection windows are listed.
        </Typography>
      )}
      {timeline && (
        <ol aria-label="Timeline" style={{ paddingLeft: 0, margin: 0 }}>
          {items.map((entry, i) => (
            <Box
              component="li"
              key={`${entry.at}-${i}`}
              display="flex"
              alignItems="flex-start"
              gridGap={12}
              mb={1.5}
              style={{ listStyle: 'none' }}
            >
              <Box
                color="text.secondary"
                title={KINDS[entry.kind].words}
                aria-label={KINDS[entry.kind].words}
                role="img"
                display="flex"
              >
                {KINDS[entry.kind].icon}
              </Box>
              <div>
                <Typography variant="caption" color="textSecondary">
                  <LocalTime iso={entry.at} />
                  {entry.actor && ` · ${entry.actor}`}
                </Typography>
                <Typography
                  variant="body2"
                  style={{ overflowWrap: 'anywhere' }}
                >
                  {summaryInWords(entry)}
                </Typography>
              </div>
            </Box>
          ))}
        </ol>
      )}
    </InfoCard>
  );
}
