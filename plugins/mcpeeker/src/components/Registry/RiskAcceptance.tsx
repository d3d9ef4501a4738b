import { ConfirmActions, DialogProblem } from '../DialogParts';
import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  acceptRiskSchema,
  approvalStands,
  AcceptedRisk,
  mcpeekerRegistryApprovePermission,
  RegistryEntry,
  RISK_KINDS,
  RiskKind,
  standingStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { LocalTime } from '../LocalTime';
import { mcpeekerApiRef } from '../../api';
import { errorMessage } from './RegisterForm';

/**
 * Whether the viewer may accept and withdraw risks: the permission the
 * accept-risk route checks (admins). The backend decides again.
 */
export function useMayAcceptRisks(): boolean {
  return usePermission({ permission: mcpeekerRegistryApprovePermission })
    .allowed;
}

/** "1 finding rescored", "2 findings rescored". */
const rescored = (n: number) =>
  `${n} ${n === 1 ? 'finding' : 'findings'} rescored`;

/** The reason's problem in the backend's refusal ("Invalid accept-risk: reason must be …"), if it names the reason. */
function reasonProblemOf(message: string): string | undefined {
  const match = message.match(/(?:^|: |; )reason (.+?)(?=; |$)/);
  return match ? `Reason ${match[1]}` : undefined;
}

/** Who accepted a risk, when and why, as one line. */
export function AcceptedRiskWords({ accepted }: { accepted: AcceptedRisk }) {
  return (
    <>
      Accepted by {accepted.by} on <LocalTime iso={accepted.at} />:{' '}
      {accepted.reason}
    </>
  );
}

/**
 * An admin accepts a kind of risk on an approved entry, saying why (checked
 * as the backend checks it): the entry's findings stop counting risks of
 * that kind while its approval holds. Audited by the backend.
 */
export function AcceptRiskDialog({
  entry,
  kind,
  onClose,
  onAccepted,
}: {
  entry: Pick<RegistryEntry, 'id' | 'name'>;
  kind: RiskKind;
  onClose: () => void;
  onAccepted: (message: string) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const [reason, setReason] = useState('');
  const [reasonProblem, setReasonProblem] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const title = RISK_KINDS[kind].title;

  async function accept() {
    const parsed = acceptRiskSchema.safeParse({ kind, reason });
    if (!parsed.success) {
      setReasonProblem(`Reason ${parsed.error.issues[0].message}`);
      return;
    }
    setReasonProblem(undefined);
    setProblem(undefined);
    setBusy(true);
    try {
      const result = await api.acceptRisk(entry.id, parsed.data);
      onAccepted(
        `“${title}” accepted on ${entry.name}; ${rescored(
          result.rescoredFindings,
        )}`,
      );
    } catch (error) {
      const message = errorMessage(error);
      const atReason = reasonProblemOf(message);
      if (atReason) setReasonProblem(atReason);
      else setProblem(message);
    } finally {
      setBusy(false);
    }
  }

  const titleId = `accept-risk-${entry.id}-${kind}`;
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>Accept this risk?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Findings that match the approved registry entry {entry.name} stop
          counting “{title}” in their score — every risk of this kind, not only
          this one — while the entry stays approved. Your name, the time and
          your reason are kept with the entry and in its audit history, and
          whoever reads the finding sees them.
        </DialogContentText>
        <TextField
          fullWidth
          multiline
          required
          id={`${titleId}-reason`}
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          error={!!reasonProblem}
          helperText={
            reasonProblem ??
            'Why the risk is acceptable here (10–1024 characters)'
          }
          FormHelperTextProps={reasonProblem ? { role: 'alert' } : {}}
        />
        <DialogProblem problem={problem} />
      </DialogContent>
      <ConfirmActions
        label="Accept risk"
        busy={busy}
        onCancel={onClose}
        onConfirm={accept}
      />
    </Dialog>
  );
}

/**
 * An admin withdraws an accepted risk after a confirmation: the entry's
 * findings count it again.
 */
export function WithdrawRiskDialog({
  entry,
  accepted,
  onClose,
  onWithdrawn,
}: {
  entry: Pick<RegistryEntry, 'id' | 'name'>;
  accepted: AcceptedRisk;
  onClose: () => void;
  onWithdrawn: (message: string) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const title = RISK_KINDS[accepted.kind].title;

  async function withdraw() {
    setProblem(undefined);
    setBusy(true);
    try {
      const result = await api.withdrawRisk(entry.id, accepted.kind);
      onWithdrawn(
        `“${title}” counts again on ${entry.name}; ${rescored(
          result.rescoredFindings,
        )}`,
      );
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const titleId = `withdraw-risk-${entry.id}-${accepted.kind}`;
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>Count this risk again?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Findings that match {entry.name} count “{title}” in their score again.{' '}
          <AcceptedRiskWords accepted={accepted} />
        </DialogContentText>
        <DialogProblem problem={problem} />
      </DialogContent>
      <ConfirmActions
        label="Withdraw acceptance"
        busy={busy}
        danger
        onCancel={onClose}
        onConfirm={withdraw}
      />
    </Dialog>
  );
}

/**
 * The risks accepted on an entry, each with who, when and why; admins
 * withdraw one after a confirmation. Nothing when none is.
 */
export function AcceptedRisksCard({
  entry,
  onChanged,
}: {
  entry: RegistryEntry;
  onChanged: (message: string) => void;
}) {
  const mayWithdraw = useMayAcceptRisks();
  const [withdrawing, setWithdrawing] = useState<AcceptedRisk>();
  const accepted = entry.acceptedRisks ?? [];
  if (accepted.length === 0) return null;
  return (
    <InfoCard
      title="Accepted risks"
      subheader={
        approvalStands(entry)
          ? 'Its findings do not count these in their score.'
          : `The entry is ${standingStatus(
              entry,
            )}: its findings count these again.`
      }
    >
      {accepted.map((a, i) => (
        <Box
          key={a.kind}
          component="section"
          aria-label={`Accepted: ${RISK_KINDS[a.kind].title}`}
          marginBottom={i < accepted.length - 1 ? 2 : 0}
        >
          <Typography variant="subtitle2" component="h3">
            {RISK_KINDS[a.kind].title}
          </Typography>
          <Typography variant="body2" style={{ overflowWrap: 'anywhere' }}>
            <AcceptedRiskWords accepted={a} />
          </Typography>
          {mayWithdraw && (
            <Button
              size="small"
              variant="outlined"
              style={{ marginTop: 4 }}
              onClick={() => setWithdrawing(a)}
            >
              Withdraw acceptance
            </Button>
          )}
        </Box>
      ))}
      {withdrawing && (
        <WithdrawRiskDialog
          entry={entry}
          accepted={withdrawing}
          onClose={() => setWithdrawing(undefined)}
          onWithdrawn={message => {
            setWithdrawing(undefined);
            onChanged(message);
          }}
        />
      )}
    </InfoCard>
  );
}
