import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { Classification } from '@mcpeeker/plugin-mcpeeker-common';

const useStyles = makeStyles(theme => ({
  authorized: {
    backgroundColor: theme.palette.success?.main ?? '#2e7d32',
    color: '#fff',
  },
  suspect: {
    backgroundColor: theme.palette.warning?.main ?? '#ed6c02',
    color: '#fff',
  },
  unauthorized: { backgroundColor: theme.palette.error.main, color: '#fff' },
}));

/** Score and classification, in the colour a person reads first. */
export function ClassificationChip({
  score,
  classification,
}: {
  score: number;
  classification: Classification;
}) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      className={classes[classification]}
      label={`${score} · ${classification}`}
    />
  );
}
