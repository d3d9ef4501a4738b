import { useState } from 'react';
import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  Finding,
  mcpeekerTriageUpdatePermission,
  TimelineEntry,
  TRIAGE_STATUSES,
  TriageStatus,
  TriageUpdate,
  triageUpdateSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { LocalTime } from '../LocalTime';
import { errorMessage } from '../Registry/RegisterForm';
import { TRIAGE_STATUS_WORDS, VERDICT_WORDS } from './triageWords';

/** The signed-in person's user entity ref, once known. */
export function useUserRef(): string | undefined {
  const identityApi = useApi(identityApiRef);
  return useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  ).value;
}

/**
 * A person's ref as typed: a bare name is a user in the default namespace
 * (`sam` → `user:default/sam`); anything else is taken as it is, for the
 * common schema to judge.
 */
export function userRefOf(typed: string): string {
  const text = typed.trim();
  return /^[A-Za-z0-9._-]+$/.test(text) ? `user:default/${text}` : text;
}

/** The backend's refusal without its "Invalid triage: " preamble, capitalised. */
function refusalInWords(error: unknown): string {
  const message = errorMessage(error).replace(/^Invalid triage: /, '');
  return `${message[0].toUpperCase()}${message.slice(1)}`;
}

/**
 * The latest change to what the Triage card shows, from a finding's timeline
 * (oldest first): a status or assignee change, or feedback, which sets the
 * latest verdict. The backend counts both alike: feedback writes the
 * finding's triage state as its author's change.
 */
export function lastTriageChange(
  timeline: TimelineEntry[] | undefined,
): TimelineEntry | undefined {
  return timeline
    ?.filter(e => e.kind === 'triage' || e.kind === 'feedback')
    .at(-1);
}

/** What a triage or feedback moment changed, for "Last changed by": "status", "assignee", "status and assignee", "feedback". */
export function whatChanged(entry: TimelineEntry): string {
  if (entry.kind === 'feedback') return 'feedback';
  // A backend that does not say: a triage change all the same.
  return entry.changed?.length ? entry.changed.join(' and ') : 'triage';
}

/**
 * Where the analysts' work on a finding stands: its status and assignee,
 * the latest verdict, and who changed it last. Analysts and admins change
 * status and assignee (`mcpeeker.triage.update`); everyone else reads them.
 * `lastChange` is the timeline's latest triage or feedback entry
 * (`lastTriageChange`).
 */
export function TriageCard({
  finding,
  lastChange,
  onChanged,
}: {
  finding: Finding;
  lastChange?: TimelineEntry;
  onChanged: () => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const me = useUserRef();
  const { allowed: mayTriage } = usePermission({
    permission: mcpeekerTriageUpdatePermission,
  });
  const [someone, setSomeone] = useState('');
  const [problem, setProblem] = useState<{
    assignee?: boolean;
    message: string;
  }>();
  const [busy, setBusy] = useState(false);
  const { status, assignee, verdict } = finding.triage;

  async function change(update: TriageUpdate) {
    // The schema the backend checks with, here first: the reason beside its field.
    const parsed = triageUpdateSchema.safeParse(update);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setProblem({
        assignee: issue.path[0] === 'assignee',
        message: `${issue.path[0] === 'assignee' ? 'Assignee ' : ''}${
          issue.message
        }`,
      });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await api.updateTriage(finding.compositeId, parsed.data);
      setSomeone('');
      onChanged();
    } catch (error) {
      const message = refusalInWords(error);
      setProblem({ assignee: /^Assignee/i.test(message), message });
    } finally {
      setBusy(false);
    }
  }

  const lastChanged = lastChange ? (
    <>
      {lastChange.actor ?? 'someone'} on <LocalTime iso={lastChange.at} /> (
      {whatChanged(lastChange)})
    </>
  ) : (
    'nobody yet'
  );

  if (!mayTriage)
    return (
      <InfoCard title="Triage">
        <StructuredMetadataTable
          metadata={{
            Status: TRIAGE_STATUS_WORDS[status],
            Assignee: assignee ?? 'nobody',
            'Latest verdict': verdict ? VERDICT_WORDS[verdict] : 'no feedback',
            'Last changed by': lastChanged,
          }}
        />
      </InfoCard>
    );
  return (
    <InfoCard title="Triage">
      <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
        <TextField
          select
          id="triage-status"
          label="Status"
          value={status}
          disabled={busy}
          onChange={e => change({ status: e.target.value as TriageStatus })}
          style={{ maxWidth: 240 }}
        >
          {TRIAGE_STATUSES.map(s => (
            <MenuItem key={s} value={s}>
              {TRIAGE_STATUS_WORDS[s]}
            </MenuItem>
          ))}
        </TextField>
        <div>
          <Typography variant="body2" data-testid="triage-assignee">
            Assigned to <strong>{assignee ?? 'nobody'}</strong>
          </Typography>
          <Box
            display="flex"
            alignItems="flex-start"
            flexWrap="wrap"
            style={{ gap: 8, marginTop: 8 }}
          >
            {me && assignee !== me && (
              <Button
                size="small"
                variant="outlined"
                disabled={busy}
                onClick={() => change({ assignee: me })}
              >
                Assign to me
              </Button>
            )}
            {assignee && (
              <Button
                size="small"
                disabled={busy}
                onClick={() => change({ assignee: null })}
              >
                Unassign
              </Button>
            )}
          </Box>
          <Box
            component="form"
            display="flex"
            alignItems="flex-start"
            flexWrap="wrap"
            style={{ gap: 8, marginTop: 8 }}
            onSubmit={(e: React.FormEvent) => {
              e.preventDefault();
              change({ assignee: userRefOf(someone) });
            }}
          >
            <TextField
              size="small"
              id="triage-assignee-ref"
              label="Assign to"
              placeholder="user:default/sam"
              value={someone}
              onChange={e => setSomeone(e.target.value)}
              error={!!problem?.assignee}
              helperText={
                problem?.assignee
                  ? problem.message
                  : 'A user entity ref, or a name in the default namespace'
              }
              FormHelperTextProps={problem?.assignee ? { role: 'alert' } : {}}
            />
            <Button
              type="submit"
              size="small"
              variant="outlined"
              disabled={busy || !someone.trim()}
              style={{ marginTop: 4 }}
            >
              Assign
            </Button>
          </Box>
        </div>
        {problem && !problem.assignee && (
          <Typography color="error" role="alert" variant="body2">
            {problem.message}
          </Typography>
        )}
        <StructuredMetadataTable
          metadata={{
            'Latest verdict': verdict ? VERDICT_WORDS[verdict] : 'no feedback',
            'Last changed by': lastChanged,
          }}
        />
      </Box>
    </InfoCard>
  );
}
