import { useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useApiHolder,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  expiryProblem,
  FindingDetail,
  isAllowedServerUrl,
  MAX_REGISTRY_DAYS,
  mcpeekerRegistryApprovePermission,
  packageOfCommand,
  RegistryEntryCreate,
  RunningPackage,
  registryEntryCreateSchema,
} from '@mcpeeker/plugin-mcpeeker-common';
import { useNavigate, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { registryRouteRef } from '../../routes';
import { day, endOfDay, REGISTRY_CHANGED_EVENT } from './EntryActions';
import { fieldProblems, problemsFromServer } from './registrationProblems';

/**
 * What the Registry page says when it is shown after a change made
 * elsewhere: a registration (the new entry, to link to), or an entry taken
 * away on its page (withdrawn, deleted), in words.
 */
export interface RegisteredState {
  registered?: { id: string; name: string };
  removed?: string;
}

/**
 * The package a finding's server is started from, by the command of its
 * config entry or process (`packageOfCommand`, as the registry names a
 * server when its owner updates it): the package, the version the command
 * pins and the arguments it gives the package, secrets redacted.
 */
export function packageOfFinding(
  finding: FindingDetail,
): RunningPackage | undefined {
  for (const event of finding.evidence.endpoint) {
    if (event.layer !== 'endpoint') continue;
    const d = event.detection;
    if ((d.source === 'config' || d.source === 'process') && d.command) {
      const pkg = packageOfCommand(d.command, d.args ?? []);
      if (pkg) return pkg;
    }
  }
  return undefined;
}

/**
 * How a finding's server is reached, by its evidence: the transport and
 * URL its client config declares or its port answered on, else a URL a
 * gateway named for it. A URL the registry would refuse (plain http across
 * the network) is left for the person to give.
 */
export function remoteOfFinding(
  finding: FindingDetail,
): { transport: 'http' | 'sse'; url?: string } | undefined {
  const allowed = (url?: string) =>
    url && isAllowedServerUrl(url) ? { url } : {};
  let transport: 'http' | 'sse' | undefined;
  for (const event of finding.evidence.endpoint) {
    if (event.layer !== 'endpoint') continue;
    const d = event.detection;
    if (d.source === 'config' && d.transport !== 'stdio')
      return { transport: d.transport, ...allowed(d.url) };
    if (d.source === 'port')
      return { transport: d.transport, ...allowed(d.url) };
    if (d.source === 'process' && d.transport && d.transport !== 'stdio')
      transport ??= d.transport;
  }
  for (const event of finding.evidence.network) {
    if (event.layer !== 'network') continue;
    const t = event.flow.transport;
    if (t === 'http' || t === 'sse') transport ??= t;
  }
  for (const event of finding.evidence.gateway) {
    if (event.layer !== 'gateway') continue;
    const named = event.request.mcpServers.find(
      m => m.url && (!finding.serverName || m.name === finding.serverName),
    );
    if (named?.url)
      return { transport: transport ?? 'http', ...allowed(named.url) };
  }
  return transport ? { transport } : undefined;
}

/** What the backend said was wrong, in its words. */
export function errorMessage(error: unknown): string {
  const e = error as {
    body?: { error?: { message?: string } };
    message?: string;
  };
  return e.body?.error?.message ?? e.message ?? String(error);
}

/**
 * Registering an MCP server: from a finding (`?finding=<id>`, its name and
 * identity filled in) or from scratch. The backend checks everything again
 * and its reasons are shown as they come.
 */
export function RegisterForm() {
  const api = useApi(mcpeekerApiRef);
  const identityApi = useApi(identityApiRef);
  const navigate = useNavigate();
  const registryUrl = useRouteRef(registryRouteRef);
  // Back to the registry, where the new entry is listed (the form is only
  // ever shown inside the MCPeeker page, so the registry is mounted).
  const backToRegistry = (state?: RegisteredState) =>
    navigate(registryUrl!(), { state });
  const [params] = useSearchParams();
  const findingId = params.get('finding') ?? undefined;
  // Admins register for others: they name the owner (themselves unless changed).
  const { allowed: forOthers } = usePermission({
    permission: mcpeekerRegistryApprovePermission,
  });
  const [form, setForm] = useState({
    name: '',
    owner: '',
    team: '',
    purpose: '',
    transport: 'stdio',
    expiresAt: day(90),
    packageId: '',
    packageVersion: '',
    remoteUrl: '',
  });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  // The signed-in person and their groups: whose team the Team field starts with.
  const [me, setMe] = useState({ user: '', groups: [] as string[] });
  // The owner whose groups were looked up (once the Owner field is left).
  const [lookedUp, setLookedUp] = useState('');
  const catalogApi = useApiHolder().get(catalogApiRef);

  const prefill = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    const groups = identity.ownershipEntityRefs.filter(r =>
      r.startsWith('group:'),
    );
    setMe({ user: identity.userEntityRef, groups });
    const team = groups[0] ?? '';
    const finding = findingId ? await api.getFinding(findingId) : undefined;
    const pkg = finding && packageOfFinding(finding);
    const remote = finding && remoteOfFinding(finding);
    setForm(f => ({
      ...f,
      owner: f.owner || identity.userEntityRef,
      team: f.team || team,
      name: f.name || (finding?.serverName ?? ''),
      transport: remote?.transport ?? f.transport,
      remoteUrl: f.remoteUrl || (remote?.url ?? ''),
      ...(f.packageId || !pkg
        ? {}
        : {
            packageId: pkg.packageId,
            packageVersion: pkg.packageVersion ?? '',
          }),
    }));
    return finding;
  }, [api, identityApi, findingId]);

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm(f => ({ ...f, [key]: e.target.value }));

  const someoneElse = forOthers && form.owner.trim() !== me.user;
  /**
   * An admin registering for someone else: the team is the owner's, not the
   * admin's. Naming another owner empties a Team that still holds one of the
   * admin's groups (naming themselves again brings their own back).
   */
  const changeOwner = (e: { target: { value: string } }) => {
    const owner = e.target.value;
    setForm(f => {
      if (owner.trim() === me.user)
        return { ...f, owner, team: f.team || (me.groups[0] ?? '') };
      return { ...f, owner, team: me.groups.includes(f.team) ? '' : f.team };
    });
  };

  // The owner's groups from the catalog, when the app has one: one fills the
  // Team field, several are offered.
  const ownerTeams = useAsync(async () => {
    if (!catalogApi || !lookedUp || lookedUp === me.user) return [];
    try {
      const { items } = await catalogApi.getEntitiesByRefs({
        entityRefs: [lookedUp],
        fields: ['kind', 'relations'],
      });
      const teams = [
        ...new Set(
          (items[0]?.relations ?? [])
            .filter(
              r => r.type === 'memberOf' && r.targetRef.startsWith('group:'),
            )
            .map(r => r.targetRef),
        ),
      ].sort();
      if (teams.length === 1)
        setForm(f =>
          f.owner.trim() === lookedUp && !f.team ? { ...f, team: teams[0] } : f,
        );
      return teams;
    } catch {
      return []; // Not a reference the catalog takes: the person names the team.
    }
  }, [catalogApi, lookedUp, me.user]);
  const offered =
    someoneElse && lookedUp === form.owner.trim() ? ownerTeams.value ?? [] : [];

  async function submit() {
    const finding = prefill.value;
    // The arguments the finding ran its package with, while the form still names that package.
    const ran = finding && packageOfFinding(finding);
    const packageArguments =
      ran?.packageArguments && ran.packageId === form.packageId.trim()
        ? ran.packageArguments
        : undefined;
    const entry: RegistryEntryCreate = {
      name: form.name,
      ...(forOthers && form.owner.trim() ? { owner: form.owner.trim() } : {}),
      team: form.team,
      purpose: form.purpose,
      transport: form.transport as RegistryEntryCreate['transport'],
      expiresAt: endOfDay(form.expiresAt),
      identity: {
        ...(finding
          ? {
              compositeId: finding.compositeId,
              ...(finding.hostIdHash ? { hostIdHash: finding.hostIdHash } : {}),
            }
          : {}),
        ...(form.packageId.trim() ? { packageId: form.packageId.trim() } : {}),
        ...(form.packageId.trim() && form.packageVersion.trim()
          ? { packageVersion: form.packageVersion.trim() }
          : {}),
        ...(packageArguments ? { packageArguments } : {}),
        ...(form.remoteUrl ? { remoteUrl: form.remoteUrl } : {}),
      },
      ...(finding ? { fromFinding: finding.compositeId } : {}),
    };
    // Checked here first, as the backend will: each problem beside its field.
    const found = fieldProblems(registryEntryCreateSchema, entry);
    const late = form.expiresAt
      ? expiryProblem(entry.expiresAt)
      : 'must be a date';
    if (late) found.expiresAt = `Expiry ${late}`;
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const saved = await api.register(entry);
      window.dispatchEvent(new Event(REGISTRY_CHANGED_EVENT));
      backToRegistry({ registered: { id: saved.id, name: saved.name } });
    } catch (error) {
      setProblems(problemsFromServer(errorMessage(error)));
      setSaving(false);
    }
  }

  /** A field's problem as its helper text, else its help. */
  const help = (field: string, text?: string) => ({
    error: !!problems[field],
    helperText: problems[field] ?? text,
  });

  if (prefill.loading) return <Progress />;
  return (
    <InfoCard
      title={
        prefill.value
          ? `Register ${prefill.value.serverName ?? prefill.value.compositeId}`
          : 'Register an MCP server'
      }
      subheader="An admin approves it; from then on its detections are recognised."
    >
      <Grid container spacing={2} direction="column" style={{ maxWidth: 720 }}>
        {prefill.value && (
          <Grid item>
            <Typography variant="body2">
              From finding {prefill.value.compositeId} (score{' '}
              {prefill.value.score}, {prefill.value.classification})
            </Typography>
          </Grid>
        )}
        <Grid item>
          <TextField
            fullWidth
            required
            id="register-name"
            label="Name"
            {...help('name')}
            value={form.name}
            onChange={set('name')}
          />
        </Grid>
        {forOthers && (
          <Grid item>
            <TextField
              fullWidth
              required
              id="register-owner"
              label="Owner"
              {...help(
                'owner',
                'Who it is registered for, e.g. user:default/dana: they may edit, renew and withdraw it. You, unless you change it.',
              )}
              value={form.owner}
              onChange={changeOwner}
              onBlur={() => setLookedUp(form.owner.trim())}
            />
          </Grid>
        )}
        <Grid item>
          <TextField
            fullWidth
            required
            id="register-team"
            label="Team"
            {...help(
              'team',
              someoneElse && form.owner.trim()
                ? `The group of ${form.owner.trim()} that answers for it, e.g. group:default/team-a: not yours, since you register it for them`
                : 'The group that answers for it, e.g. group:default/team-a',
            )}
            value={form.team}
            onChange={set('team')}
          />
          {offered.length > 1 && (
            <Box mt={1} display="flex" flexWrap="wrap" alignItems="center">
              <Typography variant="body2" component="span">
                {form.owner.trim()} belongs to:
              </Typography>
              {offered.map(team => (
                <Button
                  key={team}
                  size="small"
                  variant={form.team === team ? 'contained' : 'outlined'}
                  style={{ marginLeft: 8, textTransform: 'none' }}
                  onClick={() => setForm(f => ({ ...f, team }))}
                >
                  {team}
                </Button>
              ))}
            </Box>
          )}
        </Grid>
        <Grid item>
          <TextField
            fullWidth
            required
            multiline
            minRows={3}
            id="register-purpose"
            label="Purpose"
            {...help(
              'purpose',
              `What it is for (10–1024 characters; ${
                form.purpose.trim().length
              } now)`,
            )}
            value={form.purpose}
            onChange={set('purpose')}
          />
        </Grid>
        <Grid item>
          <TextField
            select
            id="register-transport"
            label="Transport"
            {...help('transport')}
            value={form.transport}
            onChange={set('transport')}
            style={{ minWidth: 200 }}
          >
            <MenuItem value="stdio">stdio</MenuItem>
            <MenuItem value="http">Streamable HTTP</MenuItem>
            <MenuItem value="sse">SSE</MenuItem>
          </TextField>
        </Grid>
        <Grid item>
          <TextField
            type="date"
            id="register-expires"
            label="Expires"
            InputLabelProps={{ shrink: true }}
            inputProps={{
              min: day(1),
              max: day(MAX_REGISTRY_DAYS),
              'aria-label': 'Expires',
            }}
            {...help('expiresAt', `At most ${MAX_REGISTRY_DAYS} days ahead`)}
            value={form.expiresAt}
            onChange={set('expiresAt')}
          />
        </Grid>
        <Grid item>
          <Box display="flex" flexWrap="wrap" style={{ gap: 16 }}>
            <TextField
              id="register-package"
              label="Package"
              {...help(
                'packageId',
                'npm / PyPI / OCI identifier, e.g. @modelcontextprotocol/server-github',
              )}
              value={form.packageId}
              onChange={set('packageId')}
              style={{ flex: '3 1 320px' }}
            />
            <TextField
              id="register-package-version"
              label="Version"
              {...help('packageVersion', 'The version it runs, e.g. 1.2.3')}
              value={form.packageVersion}
              onChange={set('packageVersion')}
              style={{ flex: '1 1 160px' }}
            />
          </Box>
        </Grid>
        <Grid item>
          <TextField
            fullWidth
            id="register-remote-url"
            label="Remote URL"
            {...help('remoteUrl', 'For a remote server, its https URL')}
            value={form.remoteUrl}
            onChange={set('remoteUrl')}
          />
        </Grid>
        {(problems.form || problems.identity) && (
          <Grid item>
            <Typography color="error" role="alert">
              {[problems.form, problems.identity].filter(Boolean).join(' ')}
            </Typography>
          </Grid>
        )}
        {Object.keys(problems).length > 0 && (
          // Said once, for screen readers, beside the fields that say what.
          <Typography variant="srOnly" role="status">
            {Object.keys(problems).length === 1
              ? 'One field needs a change.'
              : `${Object.keys(problems).length} fields need a change.`}
          </Typography>
        )}
        <Grid item>
          <Button
            variant="contained"
            color="primary"
            disabled={saving}
            onClick={submit}
          >
            Register
          </Button>{' '}
          <Button onClick={() => backToRegistry()}>Cancel</Button>
        </Grid>
      </Grid>
    </InfoCard>
  );
}
