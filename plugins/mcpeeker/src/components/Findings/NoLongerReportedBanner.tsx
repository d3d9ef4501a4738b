import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useInfoBannerStyles } from './infoBannerStyles';
import HistoryIcon from '@material-ui/icons/History';
import {
  noLongerReportedWords,
  type Finding,
} from '@mcpeeker/plugin-mcpeeker-common';
import { localTime } from '../LocalTime';

/**
 * A finding no agent reports any more (removed from its config, or changed
 * so that it is another server now): since when (in the reader's time), and
 * that its risks no longer count. Nothing when it is still reported.
 */
export function NoLongerReportedBanner({ finding }: { finding: Finding }) {
  const classes = useInfoBannerStyles();
  const gone = finding.breakdown.noLongerReported;
  if (!gone) return null;
  return (
    <section
      className={classes.banner}
      aria-labelledby="no-longer-reported-heading"
    >
      <Box display="flex" alignItems="center" gridGap={8} marginBottom={1}>
        <HistoryIcon className={classes.icon} />
        <Typography variant="h6" component="h3" id="no-longer-reported-heading">
          No longer reported
        </Typography>
      </Box>
      <Typography variant="body2">
        {noLongerReportedWords(gone, localTime)}. Its risks no longer count, and
        the Findings list and Dashboard leave it out unless asked to show it.
      </Typography>
    </section>
  );
}
