import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';

const useStyles = makeStyles(theme => ({
  // The default tooltip is sized for a word or two, and lets the page show
  // through; this one is read.
  tooltip: {
    maxWidth: 440,
    fontSize: theme.typography.body2.fontSize,
    padding: theme.spacing(1.5),
    backgroundColor: theme.palette.grey[800],
  },
  arrow: { color: theme.palette.grey[800] },
  list: { margin: theme.spacing(0.5, 0), paddingLeft: theme.spacing(2.5) },
}));

/**
 * How a score is made and what its classification means, in words
 * (docs/scoring.md): behind an info icon that a mouse or the keyboard opens.
 */
export function ScoreHelp() {
  const classes = useStyles();
  return (
    <Tooltip
      classes={{ tooltip: classes.tooltip, arrow: classes.arrow }}
      arrow
      interactive
      title={
        <>
          <Typography variant="inherit" component="p">
            A finding&apos;s score adds up what each layer saw:
          </Typography>
          <ul className={classes.list}>
            <li>
              <strong>0–4 authorized</strong>: expected, nothing to do (for
              example an approved registration).
            </li>
            <li>
              <strong>5–8 suspect</strong>: worth a look; one layer on its own
              lands here.
            </li>
            <li>
              <strong>9 or more unauthorized</strong>: act on it; at least two
              layers saw an MCP server nobody approved.
            </li>
          </ul>
          <Typography variant="inherit" component="p">
            What each layer adds (no layer more than 8):
          </Typography>
          <ul className={classes.list}>
            <li>
              Endpoint agent saw it: +6, and +1 for each further kind of
              evidence (config, process, port, manifest).
            </li>
            <li>
              MCP traffic on the network: +3, and +2 when a high-severity
              signature fired.
            </li>
            <li>
              The Judge, on a request through an LLM gateway: +5 × its
              confidence when it says the request uses an MCP server, +2 when it
              is not sure, nothing when it says no (5 and 2 unless an operator
              changed them). The Judge never takes points away.
            </li>
          </ul>
          <Typography variant="inherit" component="p">
            An MCP server that is not in the registry scores at least 5. An
            approved registration takes 6 off.
          </Typography>
        </>
      }
    >
      <IconButton size="small" aria-label="How the score is worked out">
        <InfoOutlinedIcon fontSize="small" />
      </IconButton>
    </Tooltip>
  );
}
