import { FormEvent, useCallback, useMemo, useRef, useState } from 'react';
import {
  CopyTextButton,
  InfoCard,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  MAX_ENROLMENT_DAYS,
  MAX_ENROLMENT_USES,
} from '@mcpeeker/plugin-mcpeeker-common';
import type {
  AgentEnrolment,
  AgentEnrolmentCreate,
  CreatedAgentEnrolment,
  EnrolledAgent,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';
import { errorMessage } from '../Registry/RegisterForm';
import { HostsPage } from '../Hosts/HostsPage';
import { HOST_ID_SHOWN } from '../HostName';
import { LocalTime, localTime, SinceNow } from '../LocalTime';
import {
  countOf,
  EmptyRows,
  listOptions,
  oneLine,
  wholeWords,
} from '../TableParts';

/** Where an enrolment or an agent stands. */
type AgentStatus = 'active' | 'expired' | 'used up' | 'revoked';

const STATUS_COLORS: Record<AgentStatus, string> = {
  active: '#2e7d32',
  expired: '#616161',
  'used up': '#455a64',
  revoked: '#6d4c41',
};

function AgentStatusChip({ status }: { status: AgentStatus }) {
  return (
    <Chip
      size="small"
      label={status}
      style={{ backgroundColor: STATUS_COLORS[status], color: '#fff' }}
    />
  );
}

/** Whether an enrolment secret still enrols agents, and if not why. */
function enrolmentStatus(
  enrolment: AgentEnrolment,
  now = Date.now(),
): AgentStatus {
  if (enrolment.revokedAt) return 'revoked';
  if (Date.parse(enrolment.expiresAt) <= now) return 'expired';
  if (enrolment.uses >= enrolment.maxUses) return 'used up';
  return 'active';
}

/** A local calendar day so many days from today, as a date input wants it. */
function localDay(offsetDays: number, now = Date.now()): string {
  const d = new Date(now);
  d.setDate(d.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The end of a chosen day where the admin is: what the Expires field promises. */
function expiryOf(day: string): string {
  return new Date(`${day}T23:59:59`).toISOString();
}

/**
 * The last day whose end is at most 30 days away (the backend's limit): the
 * day before the one 30 days ahead, unless it is the last minute of today.
 */
function lastEnrolmentDay(now = Date.now()): string {
  const latest = now + MAX_ENROLMENT_DAYS * 86_400_000;
  for (let offset = MAX_ENROLMENT_DAYS; offset > 0; offset--) {
    const day = localDay(offset, now);
    if (Date.parse(expiryOf(day)) <= latest) return day;
  }
  return localDay(0, now);
}

type Field = 'owner' | 'label' | 'maxUses' | 'expiresAt';

/** The form's words for the API's fields: what an admin reads beside each. */
const FIELD_LABELS: Record<Field, string> = {
  owner: 'Owner',
  label: 'Label',
  maxUses: 'Number of uses',
  expiresAt: 'Expires',
};

/**
 * A backend refusal in the form's words, each reason beside the field it is
 * about ("Invalid enrolment: maxUses must be …" → "Number of uses must be …"
 * under Number of uses), the rest (`form`) above the button.
 */
function problemsOf(reason: string): Partial<Record<Field | 'form', string>> {
  const detail = /^Invalid enrolment: (.*)$/s.exec(reason)?.[1];
  if (!detail) return { form: reason };
  const out: Partial<Record<Field | 'form', string>> = {};
  for (const part of detail.split('; ')) {
    const [word, ...rest] = part.split(' ');
    const field = (Object.keys(FIELD_LABELS) as Field[]).find(f => f === word);
    if (field && rest.length > 0)
      out[field] ??= `${FIELD_LABELS[field]} ${rest.join(' ')}`;
    else
      out.form = out.form
        ? `${out.form}; ${part}`
        : `Invalid enrolment: ${part}`;
  }
  return out;
}

/** The commands an endpoint runs to enrol with a secret, then report with its credential. */
function enrolCommand(secret: string, backendBaseUrl: string): string {
  return [
    `MCPEEKER_ENROLMENT_SECRET=${secret} node plugins/mcpeeker-agent/bin/mcpeeker-agent enrol --url ${backendBaseUrl}`,
    'node plugins/mcpeeker-agent/bin/mcpeeker-agent run',
  ].join('\n');
}

/** The secret, once: what it is for and the commands to run with it. */
function SecretBox({
  created,
  command,
  onDone,
}: {
  created: CreatedAgentEnrolment;
  command: string;
  onDone: () => void;
}) {
  return (
    <Box
      data-testid="enrolment-secret"
      role="region"
      aria-label="New enrolment secret"
      border={2}
      borderColor="warning.main"
      borderRadius={4}
      padding={2}
      marginTop={2}
    >
      <Typography variant="h6" gutterBottom>
        Copy this now: it is not shown again
      </Typography>
      <Typography variant="body2" paragraph>
        The secret is stored only as a hash. Until{' '}
        <LocalTime iso={created.expiresAt} />, it enrols up to{' '}
        {countOf(created.maxUses, 'machine', 'machines')} for{' '}
        <strong>{created.owner}</strong>. Treat it like a password; revoke it
        below if it leaks.
      </Typography>
      <Typography variant="subtitle2">Secret</Typography>
      <Box
        component="pre"
        data-testid="enrolment-secret-value"
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }}
      >
        {created.secret}
      </Box>
      <Box display="flex" alignItems="center" marginTop={2}>
        <Typography variant="subtitle2" style={{ marginRight: 8 }}>
          On the endpoint, from the MCPeeker checkout, run
        </Typography>
        <CopyTextButton
          text={command}
          aria-label="Copy the commands"
          tooltipText="Commands copied"
        />
      </Box>
      <Box
        component="pre"
        data-testid="enrol-command"
        padding={1}
        bgcolor="background.default"
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }}
      >
        {command}
      </Box>
      <Typography variant="body2" paragraph style={{ marginTop: 8 }}>
        With the same <code>MCPEEKER_HOST_ID_SALT</code> as the backend&apos;s{' '}
        <code>mcpeeker.hostIdSalt</code> when one is set. The agent saves its
        own credential (mode 0600) and reports with it from then on.
      </Typography>
      <Button variant="outlined" onClick={onDone}>
        I have copied it
      </Button>
    </Box>
  );
}

const emptyForm = () => ({
  owner: '',
  label: '',
  maxUses: '1',
  expiresOn: localDay(1),
});

/** Issues an enrolment secret and shows it, once. */
function EnrolForm({ onCreated }: { onCreated: () => void }) {
  const api = useApi(mcpeekerApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const [form, setForm] = useState(emptyForm);
  const [problems, setProblems] = useState<
    Partial<Record<Field | 'form', string>>
  >({});
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<{
    enrolment: CreatedAgentEnrolment;
    command: string;
  }>();

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm(f => ({ ...f, [key]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(undefined);
    // A day past the limit is refused, never quietly shortened.
    const lastDay = lastEnrolmentDay();
    if (form.expiresOn > lastDay) {
      setProblems({
        expiresAt: `Expires must be at most ${MAX_ENROLMENT_DAYS} days ahead: ${lastDay} at the latest`,
      });
      return;
    }
    setSaving(true);
    setProblems({});
    const input: AgentEnrolmentCreate = {
      owner: form.owner.trim(),
      ...(form.label.trim() ? { label: form.label.trim() } : {}),
      ...(form.maxUses.trim() ? { maxUses: Number(form.maxUses) } : {}),
      ...(form.expiresOn ? { expiresAt: expiryOf(form.expiresOn) } : {}),
    };
    try {
      const enrolment = await api.createEnrolment(input);
      const base = await discoveryApi.getBaseUrl('mcpeeker');
      setCreated({ enrolment, command: enrolCommand(enrolment.secret, base) });
      setForm(emptyForm());
      onCreated();
    } catch (error) {
      setProblems(problemsOf(errorMessage(error)));
    } finally {
      setSaving(false);
    }
  }

  /** A field's helper text, or the backend's reason when it is about it. */
  const helper = (field: Field, text: string) =>
    problems[field]
      ? {
          error: true,
          helperText: problems[field],
          FormHelperTextProps: { role: 'alert' },
        }
      : { helperText: text };

  return (
    <InfoCard
      title="Enrol agents"
      subheader="An enrolment secret lets an agent get its own credential, reporting for the owner you choose."
    >
      <form onSubmit={submit} noValidate aria-label="Enrol agents">
        <Grid container spacing={2}>
          <Grid item xs={12} md={6}>
            <TextField
              fullWidth
              required
              id="enrol-owner"
              label="Owner"
              value={form.owner}
              onChange={set('owner')}
              {...helper(
                'owner',
                'A user or group in the catalog, e.g. user:default/dana or group:default/mcp-developers',
              )}
            />
          </Grid>
          <Grid item xs={12} md={6}>
            <TextField
              fullWidth
              id="enrol-label"
              label="Label"
              value={form.label}
              onChange={set('label')}
              {...helper(
                'label',
                'What it is for, e.g. “Dana’s laptop” or “team-a laptops (MDM)”',
              )}
            />
          </Grid>
          <Grid item xs={12} sm={6} md={3}>
            <TextField
              fullWidth
              type="number"
              id="enrol-uses"
              label="Number of uses"
              inputProps={{ min: 1, max: MAX_ENROLMENT_USES, step: 1 }}
              value={form.maxUses}
              onChange={set('maxUses')}
              {...helper(
                'maxUses',
                `Machines that may enrol with it (1–${MAX_ENROLMENT_USES.toLocaleString(
                  'en-US',
                )})`,
              )}
            />
          </Grid>
          <Grid item xs={12} sm={6} md={3}>
            <TextField
              fullWidth
              type="date"
              id="enrol-expires"
              label="Expires"
              InputLabelProps={{ shrink: true }}
              inputProps={{
                min: localDay(0),
                max: lastEnrolmentDay(),
              }}
              value={form.expiresOn}
              onChange={set('expiresOn')}
              {...helper(
                'expiresAt',
                `End of that day, at most ${MAX_ENROLMENT_DAYS} days ahead`,
              )}
            />
          </Grid>
          {problems.form && (
            <Grid item xs={12}>
              <Typography color="error" role="alert">
                {problems.form}
              </Typography>
            </Grid>
          )}
          <Grid item xs={12}>
            <Button
              type="submit"
              variant="contained"
              color="primary"
              disabled={saving}
            >
              Create enrolment secret
            </Button>
          </Grid>
        </Grid>
      </form>
      {created && (
        <SecretBox
          created={created.enrolment}
          command={created.command}
          onDone={() => setCreated(undefined)}
        />
      )}
    </InfoCard>
  );
}

/** Asks before revoking, and says what revoking does. */
function RevokeButton({
  what,
  consequence,
  onConfirm,
}: {
  what: string;
  consequence: string;
  onConfirm: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        aria-label={`Revoke ${what}`}
        onClick={() => setOpen(true)}
      >
        Revoke
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        aria-labelledby="revoke-title"
      >
        <DialogTitle id="revoke-title">Revoke {what}?</DialogTitle>
        <DialogContent>
          <DialogContentText>{consequence}</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            color="secondary"
            variant="contained"
            disabled={busy}
            onClick={confirm}
          >
            Revoke
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** Who revoked it and when, for a status cell's tooltip. */
function revokedTitle(item: { revokedBy?: string; revokedAt?: string }) {
  return item.revokedBy
    ? `revoked by ${item.revokedBy}${
        item.revokedAt ? ` ${localTime(item.revokedAt)}` : ''
      }`
    : undefined;
}

/** Revoking, with what it says once done and the list it reloads. */
type Revoke = (
  action: () => Promise<unknown>,
  done: string,
  reload: () => void,
) => () => Promise<void>;

const NO_ENROLMENT = (
  <EmptyRows>
    No enrolment yet: create one above, then run the command it shows on the
    endpoint.
  </EmptyRows>
);

const NO_AGENT = (
  <EmptyRows>
    No agent enrolled yet: create an enrolment above and run the command on the
    endpoint.
  </EmptyRows>
);

function enrolmentColumns(
  revoke: Revoke,
  revokeEnrolment: (id: string) => Promise<unknown>,
  reload: () => void,
): TableColumn<AgentEnrolment>[] {
  return [
    {
      title: 'Label',
      field: 'label',
      cellStyle: wholeWords,
      render: e => e.label ?? '—',
    },
    { title: 'Owner', field: 'owner', cellStyle: wholeWords },
    {
      title: 'Created',
      field: 'createdAt',
      cellStyle: oneLine,
      render: e => (
        <span title={`by ${e.createdBy}`}>
          <LocalTime iso={e.createdAt} />
        </span>
      ),
    },
    {
      title: 'Expires',
      field: 'expiresAt',
      cellStyle: oneLine,
      render: e => <LocalTime iso={e.expiresAt} />,
    },
    {
      title: 'Uses',
      field: 'uses',
      cellStyle: oneLine,
      render: e => `${e.uses} / ${e.maxUses}`,
    },
    {
      title: 'Status',
      sorting: false,
      cellStyle: oneLine,
      render: e => (
        <span title={revokedTitle(e)}>
          <AgentStatusChip status={enrolmentStatus(e)} />
        </span>
      ),
    },
    {
      title: 'Action',
      sorting: false,
      render: e => {
        if (enrolmentStatus(e) !== 'active') return null;
        const name = e.label ? `“${e.label}”` : `for ${e.owner}`;
        return (
          <RevokeButton
            what={`enrolment ${name}`}
            consequence="No more agents can enrol with this secret. Agents already enrolled with it keep reporting: revoke them one by one below."
            onConfirm={revoke(
              () => revokeEnrolment(e.id),
              `Enrolment ${name} revoked`,
              reload,
            )}
          />
        );
      },
    },
  ];
}

function agentColumns(
  revoke: Revoke,
  revokeAgent: (id: string) => Promise<unknown>,
  reload: () => void,
): TableColumn<EnrolledAgent>[] {
  return [
    {
      title: 'Host',
      field: 'hostIdHash',
      cellStyle: oneLine,
      render: a => (
        <code title={a.hostIdHash}>
          {a.hostIdHash.slice(0, HOST_ID_SHOWN)}…
        </code>
      ),
    },
    { title: 'Owner', field: 'owner', cellStyle: wholeWords },
    {
      title: 'Enrolled',
      field: 'enrolledAt',
      cellStyle: oneLine,
      render: a => <LocalTime iso={a.enrolledAt} />,
    },
    {
      title: 'Last seen',
      field: 'lastSeenAt',
      cellStyle: oneLine,
      render: a => <SinceNow iso={a.lastSeenAt} />,
    },
    {
      title: 'Status',
      sorting: false,
      cellStyle: oneLine,
      render: a => (
        <span title={revokedTitle(a)}>
          <AgentStatusChip status={a.revokedAt ? 'revoked' : 'active'} />
        </span>
      ),
    },
    {
      title: 'Action',
      sorting: false,
      render: a => {
        if (a.revokedAt) return null;
        const host = a.hostIdHash.slice(0, HOST_ID_SHOWN);
        return (
          <RevokeButton
            what={`agent on host ${host}`}
            consequence={`Its credential is refused from now on; the agent keeps its events in its spool until it is enrolled again. It reports for ${a.owner}.`}
            onConfirm={revoke(
              () => revokeAgent(a.id),
              `Agent on host ${host} revoked`,
              reload,
            )}
          />
        );
      },
    },
  ];
}

/**
 * Agent identity, for admins: issue enrolment secrets (shown once, with the
 * command an endpoint runs), see and revoke them, see and revoke the agents
 * enrolled with them, and which hosts enforce the approved servers (what
 * others see in the Hosts tab). The backend enforces who may.
 */
export function AgentsPage() {
  const api = useApi(mcpeekerApiRef);
  const [message, setMessage] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const enrolments = useAsyncRetry(
    () => api.listEnrolments({ limit: 200 }),
    [api],
  );
  const agents = useAsyncRetry(() => api.listAgents({ limit: 200 }), [api]);

  const revoke = useCallback<Revoke>(
    (action, done, reload) => async () => {
      setMessage(undefined);
      setProblem(undefined);
      try {
        await action();
        setMessage(done);
        reload();
      } catch (error) {
        setProblem(errorMessage(error));
      }
    },
    [],
  );
  // Columns made once (new ones reset a table's sort and page, and make
  // material-table warn); the reloads they call are the latest, for a
  // retry is a new function after each load.
  const reloads = useRef({
    enrolments: enrolments.retry,
    agents: agents.retry,
  });
  reloads.current = { enrolments: enrolments.retry, agents: agents.retry };
  const enrolmentCols = useMemo(
    () =>
      enrolmentColumns(
        revoke,
        id => api.revokeEnrolment(id),
        () => reloads.current.enrolments(),
      ),
    [revoke, api],
  );
  const agentCols = useMemo(
    () =>
      agentColumns(
        revoke,
        id => api.revokeAgent(id),
        () => reloads.current.agents(),
      ),
    [revoke, api],
  );

  return (
    <Grid container spacing={3} direction="column">
      <Grid item>
        <EnrolForm onCreated={enrolments.retry} />
      </Grid>
      {(message || problem) && (
        <Grid item>
          {message && <Typography role="status">{message}</Typography>}
          {problem && (
            <Typography color="error" role="alert">
              {problem}
            </Typography>
          )}
        </Grid>
      )}
      <Grid item>
        {enrolments.error ? (
          <ResponseErrorPanel error={enrolments.error} />
        ) : (
          <Table<AgentEnrolment>
            title="Enrolments"
            subtitle="Secrets issued, newest first. The secret itself is never shown again."
            columns={enrolmentCols}
            data={enrolments.value?.items ?? []}
            isLoading={enrolments.loading && !enrolments.value}
            emptyContent={NO_ENROLMENT}
            options={listOptions(enrolments.value?.items.length ?? 0)}
          />
        )}
      </Grid>
      <Grid item>
        {agents.error ? (
          <ResponseErrorPanel error={agents.error} />
        ) : (
          <Table<EnrolledAgent>
            title="Agents"
            subtitle="Machines enrolled, each reporting with its own credential for its owner."
            columns={agentCols}
            data={agents.value?.items ?? []}
            isLoading={agents.loading && !agents.value}
            emptyContent={NO_AGENT}
            options={listOptions(agents.value?.items.length ?? 0)}
          />
        )}
      </Grid>
      <Grid item>
        <HostsPage />
      </Grid>
    </Grid>
  );
}
