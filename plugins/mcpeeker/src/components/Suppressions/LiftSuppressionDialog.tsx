import { ConfirmActions, DialogProblem } from '../DialogParts';
import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import {
  MAX_SUPPRESSION_REASON_LENGTH,
  Suppression,
  suppressionRevokeSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import { mcpeekerApiRef } from '../../api';
import { suppressionMatchesInWords } from '../Findings/triageWords';
import { errorMessage } from '../Registry/RegisterForm';

/**
 * An admin lifts a suppression, after saying what that brings back into view
 * and, optionally, why. The backend decides again (`mcpeeker.suppression.delete`).
 */
export function LiftSuppressionDialog({
  suppression,
  onClose,
  onLifted,
}: {
  suppression: Pick<Suppression, 'id' | 'scope' | 'label'>;
  onClose: () => void;
  onLifted: (lifted: Suppression) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const [reason, setReason] = useState('');
  const [reasonProblem, setReasonProblem] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function lift() {
    const parsed = suppressionRevokeSchema.safeParse({
      reason: reason.trim() || undefined,
    });
    if (!parsed.success) {
      setReasonProblem(`Reason ${parsed.error.issues[0].message}`);
      return;
    }
    setReasonProblem(undefined);
    setProblem(undefined);
    setBusy(true);
    try {
      onLifted(await api.revokeSuppression(suppression.id, parsed.data.reason));
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const titleId = `lift-suppression-${suppression.id}`;
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>Lift the suppression?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {suppressionMatchesInWords(suppression)}.{' '}
          {suppression.scope === 'finding'
            ? 'The finding'
            : 'Every finding it matches'}{' '}
          comes back into the Findings list, its export and the owners&apos;
          alerts. The suppression stays listed, lifted, with your name.
        </DialogContentText>
        <TextField
          fullWidth
          multiline
          id={`${titleId}-reason`}
          label="Reason (optional)"
          value={reason}
          onChange={e => setReason(e.target.value)}
          error={!!reasonProblem}
          helperText={
            reasonProblem ??
            `At most ${MAX_SUPPRESSION_REASON_LENGTH} characters`
          }
          FormHelperTextProps={reasonProblem ? { role: 'alert' } : {}}
        />
        <DialogProblem problem={problem} />
      </DialogContent>
      <ConfirmActions
        label="Lift suppression"
        busy={busy}
        danger
        onCancel={onClose}
        onConfirm={lift}
      />
    </Dialog>
  );
}
