import { ConfirmActions, DialogProblem } from '../DialogParts';
import { useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import {
  EXPIRY_WARNING_DAYS,
  expiryProblem,
  hasLapsed,
  isRenewable,
  MAX_REGISTRY_DAYS,
  mcpeekerRegistryApprovePermission,
  mcpeekerRegistryDeletePermission,
  RegistryEntry,
  RegistryEntryUpdate,
  registryEntryUpdateSchema,
  RegistryRenewal,
  registryRenewalSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { calendarDate } from '../LocalTime';
import { errorMessage } from './RegisterForm';
import { fieldProblems } from './registrationProblems';

/** A date `offsetDays` from today, as a date input holds it. */
export const day = (offsetDays: number, from = Date.now()) =>
  new Date(from + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** The end of a chosen day, in UTC: what an expiry is sent as. */
export const endOfDay = (date: string) => `${date}T23:59:59Z`;

/** Registry changes announce themselves, so counts elsewhere on the page (the Approvals tab) follow. */
export const REGISTRY_CHANGED_EVENT = 'mcpeeker-registry-changed';

function announceChange() {
  window.dispatchEvent(new Event(REGISTRY_CHANGED_EVENT));
}

type ActionKind =
  | 'approve'
  | 'deny'
  | 'revoke'
  | 'edit'
  | 'renew'
  | 'withdraw'
  | 'delete';

/** What each action says before it is done. */
const ACTIONS: Record<
  ActionKind,
  {
    label: string;
    title: (name: string) => string;
    text: string;
    reason?: 'optional' | 'required';
    danger?: boolean;
  }
> = {
  approve: {
    label: 'Approve',
    title: n => `Approve ${n}?`,
    text: 'Its detections are recognised from now on (the registry discount), and the tools it reports now are pinned.',
    reason: 'optional',
  },
  deny: {
    label: 'Deny',
    title: n => `Deny ${n}?`,
    text: 'The owner hears of it, with your reason; its detections stay flagged.',
    reason: 'required',
    danger: true,
  },
  revoke: {
    label: 'Revoke',
    title: n => `Revoke ${n}?`,
    text: 'Its detections are flagged again, and MCP clients no longer see it as approved. The owner hears of it.',
    reason: 'optional',
    danger: true,
  },
  edit: {
    label: 'Edit',
    title: n => `Edit ${n}`,
    text: 'Purpose, team and expiry; what identifies the server stays as registered (when the server changed, this page offers to update the registration to it).',
  },
  renew: {
    label: 'Renew',
    title: n => `Renew ${n}`,
    text: `It expires within ${EXPIRY_WARNING_DAYS} days. Renewing moves its expiry to the date you choose (at most ${MAX_REGISTRY_DAYS} days from today); its status stays as it is.`,
  },
  withdraw: {
    label: 'Withdraw',
    title: n => `Withdraw ${n}?`,
    text: 'Your registration is taken back before an admin decides on it; you may register the server again later.',
    danger: true,
  },
  delete: {
    label: 'Delete',
    title: n => `Delete ${n}?`,
    text: 'The entry is gone from the registry and the catalog; its audit history stays.',
    danger: true,
  },
};

/**
 * What renewing an entry that ran out does, as the dialog says it: an
 * admin's renewal approves it again, its owner's goes back to the admins.
 */
const RENEW_LAPSED = {
  admin:
    'It expired. Renewing approves it again until the date you choose: its detections are recognised again, with the tools pinned at its approval.',
  owner:
    'It expired. Renewing sends it back to the admins for approval with the date you choose; until one approves it, its detections stay flagged.',
};

/**
 * What withdrawing an approved entry does, as the dialog says it: its owner
 * no longer uses the server, and its approval goes with the entry.
 */
const WITHDRAW_APPROVED = {
  text: 'It is approved. Withdraw it when you no longer use this server: its detections are scored as unregistered again, and it is removed from the enforcement allowlist, so MCP clients under enforcement block it. To use it again, register it again for an admin to approve.',
  done: (name: string) =>
    `Withdrew ${name}: its detections are scored as unregistered again, and it is no longer on the enforcement allowlist.`,
};

/**
 * Which actions the viewer may take on an entry in its status. Past its
 * date it is renewed, not edited back to life (the backend says the same);
 * within its warning window it may be renewed as well as edited; before
 * that, its date is changed by editing it.
 */
export function actionsFor(
  entry: Pick<RegistryEntry, 'status' | 'expiresAt'>,
  viewer: { admin: boolean; mayDelete: boolean; owns: boolean },
): ActionKind[] {
  const { status } = entry;
  const lapsed = hasLapsed(entry);
  const live = (status === 'pending' || status === 'approved') && !lapsed;
  const mayChange = viewer.admin || viewer.owns;
  const out: ActionKind[] = [];
  if (viewer.admin && (status === 'pending' || status === 'denied') && !lapsed)
    out.push('approve');
  if (viewer.admin && status === 'pending') out.push('deny');
  if (viewer.admin && status === 'approved') out.push('revoke');
  if (live && mayChange) out.push('edit');
  if (isRenewable(entry) && mayChange) out.push('renew');
  // Its owner takes back a request, or an approval they no longer need.
  if (
    viewer.owns &&
    (status === 'pending' || (status === 'approved' && !lapsed))
  )
    out.push('withdraw');
  if (viewer.mayDelete) out.push('delete');
  return out;
}

/** Whether the signed-in person owns an entry (it is theirs or their group's). */
export function useOwns(entry: Pick<RegistryEntry, 'owner'> | undefined) {
  const identityApi = useApi(identityApiRef);
  const { value } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).ownershipEntityRefs,
    [identityApi],
  );
  return !!entry && !!value?.includes(entry.owner);
}

/** What happened, in words, for the page to say. */
export type ActionDone = {
  message: string;
  /** The entry is gone (withdrawn, deleted). */
  removed?: boolean;
};

function ActionDialog({
  kind,
  entry,
  admin,
  onClose,
  onDone,
}: {
  kind: ActionKind;
  entry: RegistryEntry;
  /** The viewer may decide on entries: their renewal of an expired one approves it. */
  admin: boolean;
  onClose: () => void;
  onDone: (done: ActionDone) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  // Renewing an entry that ran out is a request to the admins, or an admin's approval.
  const renewLapsed = kind === 'renew' && hasLapsed(entry);
  const withdrawApproved = kind === 'withdraw' && entry.status === 'approved';
  let action = ACTIONS[kind];
  if (renewLapsed)
    action = {
      ...ACTIONS.renew,
      text: admin ? RENEW_LAPSED.admin : RENEW_LAPSED.owner,
      reason: 'optional' as const,
    };
  else if (withdrawApproved)
    action = { ...ACTIONS.withdraw, text: WITHDRAW_APPROVED.text };
  const [reason, setReason] = useState('');
  const [purpose, setPurpose] = useState(entry.purpose);
  const [team, setTeam] = useState(entry.team);
  const [expires, setExpires] = useState(
    kind === 'renew' ? day(90) : entry.expiresAt.slice(0, 10),
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  /** The change an edit or renewal sends: only what differs. */
  function change(): RegistryEntryUpdate | undefined {
    if (renewLapsed) return renewal();
    const update: Record<string, string> = {};
    if (kind === 'edit' && purpose.trim() !== entry.purpose)
      update.purpose = purpose;
    if (kind === 'edit' && team.trim() !== entry.team)
      update.team = team.trim();
    if (expires !== entry.expiresAt.slice(0, 10))
      update.expiresAt = endOfDay(expires);
    const found = fieldProblems(registryEntryUpdateSchema, update);
    const late = update.expiresAt && expiryProblem(update.expiresAt);
    if (late) found.expiresAt = `Expiry ${late}`;
    if (Object.keys(update).length === 0) found.form = 'Nothing changed yet.';
    setProblems(found);
    return Object.keys(found).length === 0 ? update : undefined;
  }

  /** The renewal of an entry that ran out: any valid date, its old one is gone. */
  function renewal(): RegistryRenewal | undefined {
    const asked: RegistryRenewal = {
      expiresAt: endOfDay(expires),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    const found = fieldProblems(registryRenewalSchema, asked);
    const late = expiryProblem(asked.expiresAt);
    if (late) found.expiresAt = `Expiry ${late}`;
    setProblems(found);
    return Object.keys(found).length === 0 ? asked : undefined;
  }

  /** Renews an entry that ran out; what became of it, in words. */
  async function renewLapsedEntry(asked: RegistryRenewal): Promise<ActionDone> {
    const renewed = await api.renewEntry(entry.id, asked);
    const until = calendarDate(renewed.expiresAt);
    const n = renewed.rescoredFindings;
    return {
      message:
        renewed.status === 'approved'
          ? `${entry.name} renewed and approved until ${until}; ${n} ${
              n === 1 ? 'finding' : 'findings'
            } rescored`
          : `${entry.name} sent to the admins for approval, until ${until}`,
    };
  }

  async function confirm() {
    setProblem(undefined);
    if (action.reason === 'required' && !reason.trim()) {
      setProblems({ reason: 'Give a reason: the owner reads it.' });
      return;
    }
    const update =
      kind === 'edit' || kind === 'renew' ? change() : ({} as const);
    if (!update) return;
    setBusy(true);
    try {
      let done: ActionDone;
      switch (kind) {
        case 'approve':
        case 'deny':
        case 'revoke': {
          const result = await api.decide(
            entry.id,
            kind,
            reason.trim() || undefined,
          );
          const verb = {
            approve: 'approved',
            deny: 'denied',
            revoke: 'revoked',
          }[kind];
          const n = result.rescoredFindings;
          done = {
            message: `${entry.name} ${verb}; ${n} ${
              n === 1 ? 'finding' : 'findings'
            } rescored`,
          };
          break;
        }
        case 'withdraw':
          await api.withdrawEntry(entry.id);
          done = {
            message: withdrawApproved
              ? WITHDRAW_APPROVED.done(entry.name)
              : `Withdrew ${entry.name}: your registration is taken back before an admin decided on it; you may register the server again.`,
            removed: true,
          };
          break;
        case 'delete':
          await api.deleteEntry(entry.id);
          done = {
            message: `Deleted ${entry.name} from the registry and the catalog; its audit history stays.`,
            removed: true,
          };
          break;
        default: {
          if (renewLapsed) {
            done = await renewLapsedEntry(update as RegistryRenewal);
            break;
          }
          const saved = await api.updateEntry(entry.id, update);
          done = {
            message:
              kind === 'renew'
                ? `${entry.name} renewed until ${calendarDate(saved.expiresAt)}`
                : `${entry.name} saved`,
          };
        }
      }
      announceChange();
      onDone(done);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const titleId = `entry-action-${kind}-${entry.id}`;
  let reasonLabel = 'Reason (optional)';
  if (action.reason === 'required') reasonLabel = 'Reason';
  else if (renewLapsed && !admin)
    reasonLabel = 'Why it is still needed (optional)';
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth>
      <DialogTitle id={titleId}>{action.title(entry.name)}</DialogTitle>
      <DialogContent>
        <DialogContentText>{action.text}</DialogContentText>
        {action.reason && (
          <TextField
            fullWidth
            multiline
            id={`${titleId}-reason`}
            label={reasonLabel}
            required={action.reason === 'required'}
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={!!problems.reason}
            helperText={problems.reason}
          />
        )}
        {kind === 'edit' && (
          <>
            <TextField
              fullWidth
              multiline
              minRows={3}
              margin="normal"
              id={`${titleId}-purpose`}
              label="Purpose"
              value={purpose}
              onChange={e => setPurpose(e.target.value)}
              error={!!problems.purpose}
              helperText={
                problems.purpose ?? 'What it is for (10–1024 characters)'
              }
            />
            <TextField
              fullWidth
              margin="normal"
              id={`${titleId}-team`}
              label="Team"
              value={team}
              onChange={e => setTeam(e.target.value)}
              error={!!problems.team}
              helperText={
                problems.team ??
                'The group that answers for it, e.g. group:default/team-a'
              }
            />
          </>
        )}
        {(kind === 'edit' || kind === 'renew') && (
          <TextField
            type="date"
            margin="normal"
            id={`${titleId}-expires`}
            label="Expires"
            InputLabelProps={{ shrink: true }}
            inputProps={{ min: day(1), max: day(MAX_REGISTRY_DAYS) }}
            value={expires}
            onChange={e => setExpires(e.target.value)}
            error={!!problems.expiresAt}
            helperText={
              problems.expiresAt ?? `At most ${MAX_REGISTRY_DAYS} days ahead`
            }
          />
        )}
        <DialogProblem problem={problems.form ?? problem} />
      </DialogContent>
      <ConfirmActions
        label={kind === 'edit' ? 'Save' : action.label}
        busy={busy}
        danger={action.danger}
        onCancel={onClose}
        onConfirm={confirm}
      />
    </Dialog>
  );
}

/**
 * What the viewer may do with an entry, each behind a confirmation: admins
 * approve, deny (with a reason), revoke and delete; owners edit, renew and
 * withdraw a pending or approved registration. The backend decides again.
 */
export function EntryActions({
  entry,
  only,
  onDone,
}: {
  entry: RegistryEntry;
  /** Offer only these (the Approvals page: approve and deny). */
  only?: ActionKind[];
  onDone: (done: ActionDone) => void;
}) {
  const { allowed: admin } = usePermission({
    permission: mcpeekerRegistryApprovePermission,
  });
  const { allowed: mayDelete } = usePermission({
    permission: mcpeekerRegistryDeletePermission,
  });
  const owns = useOwns(entry);
  const [open, setOpen] = useState<ActionKind>();
  const kinds = actionsFor(entry, { admin, mayDelete, owns }).filter(
    k => !only || only.includes(k),
  );
  if (kinds.length === 0) return null;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
      {kinds.map(kind => (
        <Button
          key={kind}
          size="small"
          variant={kind === 'approve' ? 'contained' : 'outlined'}
          color={kind === 'approve' ? 'primary' : 'default'}
          aria-label={`${ACTIONS[kind].label} ${entry.name}`}
          onClick={() => setOpen(kind)}
        >
          {ACTIONS[kind].label}
        </Button>
      ))}
      {open && (
        <ActionDialog
          kind={open}
          entry={entry}
          admin={admin}
          onClose={() => setOpen(undefined)}
          onDone={done => {
            setOpen(undefined);
            onDone(done);
          }}
        />
      )}
    </Box>
  );
}
