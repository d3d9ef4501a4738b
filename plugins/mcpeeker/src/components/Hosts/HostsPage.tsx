import { useSearchParams } from 'react-router-dom';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  hostName,
  type ClientEnforcement,
  type EnforcementMode,
  type HostEnforcementState,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { FilterSelect } from '../FilterSelect';
import { HostName } from '../HostName';
import { localTime, SinceNow } from '../LocalTime';
import { withParams } from '../pageQuery';
import { EmptyRows, listOptions, oneLine, wholeWords } from '../TableParts';

const CLIENT_NAMES: Record<string, string> = {
  'claude-code': 'Claude Code',
  vscode: 'VS Code',
  'gemini-cli': 'Gemini CLI',
  'qwen-code': 'Qwen Code',
};

/** Each managed-policy mode in the words of `mcpeeker-agent policy`'s options (docs/agent.md). */
const MODE_WORDS: Record<EnforcementMode, string> = {
  allowlist: 'allowlist',
  'managed-only': 'allowlist, deny others',
  fixed: 'fixed servers only',
  registry: 'registry',
  'registry-only': 'registry only',
};

const OS_NAMES: Record<HostEnforcementState['os'], string> = {
  linux: 'Linux',
  darwin: 'macOS',
  win32: 'Windows',
};

const clientName = (c: ClientEnforcement) => CLIENT_NAMES[c.client] ?? c.client;

/** "Claude Code: allowlist, deny others; VS Code: registry only". */
export function enforcementSummary(clients: ClientEnforcement[]): string {
  return clients
    .map(c => `${clientName(c)}: ${MODE_WORDS[c.mode] ?? c.mode}`)
    .join('; ');
}

/** One client's policy in full, for the badge's title. */
function clientDetail(c: ClientEnforcement): string {
  const parts = [
    ...(c.allowed !== undefined
      ? [`${c.allowed} server${c.allowed === 1 ? '' : 's'} allowed`]
      : []),
    c.byMcpeeker
      ? `written by mcpeeker-agent policy${
          c.appliedAt ? ` ${localTime(c.appliedAt)}` : ''
        }`
      : 'not written by MCPeeker (an administrator or another tool)',
  ];
  return `${clientName(c)}: ${MODE_WORDS[c.mode] ?? c.mode} (${parts.join(
    ', ',
  )})`;
}

/** "Enforces" with what each client enforces, or "Reports only". */
function EnforcementBadge({ clients }: { clients: ClientEnforcement[] }) {
  if (clients.length === 0)
    return (
      <span title="No MCP client on this host is under a managed policy: its agent reports what runs, nothing stops an unapproved server">
        <Chip size="small" label="Reports only" variant="outlined" />
      </span>
    );
  return (
    <span title={clients.map(clientDetail).join('\n')}>
      <Chip
        size="small"
        label="Enforces"
        style={{ backgroundColor: '#2e7d32', color: '#fff', marginRight: 8 }}
      />
      <Typography variant="body2" component="span">
        {enforcementSummary(clients)}
      </Typography>
    </span>
  );
}

const columns: TableColumn<HostEnforcementState>[] = [
  {
    title: 'Host',
    field: 'hostIdHash',
    cellStyle: { maxWidth: 260 },
    render: h => <HostName host={h} />,
    customSort: (a, b) => hostName(a).localeCompare(hostName(b)),
  },
  {
    title: 'Owner',
    field: 'owner',
    cellStyle: wholeWords,
    render: h => h.owner ?? '—',
  },
  {
    title: 'OS',
    field: 'os',
    cellStyle: oneLine,
    render: h => OS_NAMES[h.os] ?? h.os,
  },
  {
    title: 'Enforcement',
    sorting: false,
    cellStyle: wholeWords,
    render: h => <EnforcementBadge clients={h.clients} />,
  },
  {
    title: 'Last reported',
    field: 'reportedAt',
    cellStyle: oneLine,
    render: h => <SinceNow iso={h.reportedAt} />,
  },
];

/**
 * "1 of 2 host reports say the approved servers are enforced": the rows the
 * list shows (a host per owner whose agent reports it), as the backend counts
 * them, so a shared host where one person's agent enforces and another's
 * only reports reads 1 of 2, as its two rows do.
 */
function enforcingCount(list: { enforcing: number; total: number }) {
  return `${list.enforcing} of ${list.total} host report${
    list.total === 1 ? '' : 's'
  } ${list.enforcing === 1 ? 'says' : 'say'} the approved servers are enforced`;
}

type Shown = 'all' | 'enforcing' | 'reporting';

/**
 * The filter lives in the page's query, in the backend's words
 * (`?enforcing=true`, `?enforcing=false`), as the Findings list keeps its
 * own: a filtered list can be shared and reloaded. Anything else is all.
 */
const SHOWN_BY_PARAM = new Map<string | null, Shown>([
  ['true', 'enforcing'],
  ['false', 'reporting'],
]);
const PARAM_OF: Record<Shown, string | undefined> = {
  all: undefined,
  enforcing: 'true',
  reporting: 'false',
};

const EMPTY: Record<Shown, string> = {
  all: 'No host has reported yet: a host appears here once its agent runs (mcpeeker-agent run).',
  enforcing:
    'No host enforces yet: mcpeeker-agent policy writes each MCP client’s managed policy from the approved servers (docs/agent.md).',
  reporting: 'Every host report says the approved servers are enforced.',
};
// The same element while the text is the same: Backstage's Table rebuilds
// its rows whenever emptyContent changes, closing what a row holds open.
const EMPTY_ROWS: Record<Shown, JSX.Element> = {
  all: <EmptyRows>{EMPTY.all}</EmptyRows>,
  enforcing: <EmptyRows>{EMPTY.enforcing}</EmptyRows>,
  reporting: <EmptyRows>{EMPTY.reporting}</EmptyRows>,
};

/**
 * Which hosts hold their MCP clients to the approved servers (a managed
 * policy, written by `mcpeeker-agent policy` or an administrator) and which
 * only report, as each host's agent last said. Developers see their own
 * hosts; the backend decides.
 */
export function HostsPage() {
  const api = useApi(mcpeekerApiRef);
  const [params, setParams] = useSearchParams();
  const shown = SHOWN_BY_PARAM.get(params.get('enforcing')) ?? 'all';
  // A choice is a step back can undo.
  const setShown = (next: Shown) =>
    setParams(withParams(params, { enforcing: PARAM_OF[next] }));
  const hosts = useAsync(
    () =>
      api.listHosts({
        limit: 500,
        ...(shown === 'all' ? {} : { enforcing: shown === 'enforcing' }),
      }),
    [api, shown],
  );
  const items = hosts.value?.items ?? [];
  return (
    <Grid container spacing={3} direction="column">
      <Grid item container spacing={3} alignItems="flex-end">
        <FilterSelect<Shown>
          label="Show"
          value={shown}
          options={[
            ['all', 'All hosts'],
            ['enforcing', 'Enforcing'],
            ['reporting', 'Reporting only'],
          ]}
          onChange={setShown}
        />
        {hosts.value && (
          <Grid item>
            <Typography>{enforcingCount(hosts.value)}</Typography>
          </Grid>
        )}
      </Grid>
      <Grid item>
        {hosts.error ? (
          <ResponseErrorPanel error={hosts.error} />
        ) : (
          <Table<HostEnforcementState>
            title="Hosts"
            subtitle="A row per host and owner (each person's agent reports its host on its own): what the host's MCP clients are held to, as that agent last reported."
            columns={columns}
            data={items}
            isLoading={hosts.loading}
            emptyContent={EMPTY_ROWS[shown]}
            options={listOptions(items.length)}
          />
        )}
      </Grid>
    </Grid>
  );
}
