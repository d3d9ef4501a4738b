import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import Typography from '@material-ui/core/Typography';

/** Why a dialog's change was refused, read out as it appears. */
export function DialogProblem({ problem }: { problem?: string }) {
  return problem ? (
    <Typography color="error" role="alert" variant="body2">
      {problem}
    </Typography>
  ) : null;
}

/**
 * A confirming dialog's buttons: Cancel, and the change itself (in the
 * secondary colour when it takes something away), disabled while it runs.
 */
export function ConfirmActions({
  label,
  busy,
  danger,
  onCancel,
  onConfirm,
}: {
  label: string;
  busy: boolean;
  danger?: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <DialogActions>
      <Button onClick={onCancel}>Cancel</Button>
      <Button
        color={danger ? 'secondary' : 'primary'}
        variant="contained"
        disabled={busy}
        onClick={onConfirm}
      >
        {label}
      </Button>
    </DialogActions>
  );
}
