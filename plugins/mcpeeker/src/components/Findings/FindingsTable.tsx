import { ReactNode, useCallback, useMemo, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { Link, Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import VisibilityOffIcon from '@material-ui/icons/VisibilityOff';
import {
  FINDING_SEARCH_MAX_LENGTH,
  judgedNotMcp,
  noLongerReportedWords,
  triageUpdateSchema,
  type Finding,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { findingRouteRef } from '../../routes';
import { FilterSelect } from '../FilterSelect';
import {
  countOf,
  CutText,
  EmptyRows,
  oneLine,
  tableOptions,
} from '../TableParts';
import { HostName } from '../HostName';
import { LocalDateOverTime, localTime } from '../LocalTime';
import { ClassificationChip } from './ClassificationChip';
import { ExportMenu } from './ExportMenu';
import {
  describeScoreRange,
  describeSeenRange,
  FindingFilters,
  FindingLinkState,
  filtersFromParams,
  findingsQuery,
  ignoredFilters,
  isFiltered,
  withFilters,
  withoutFilters,
  withViewer,
} from './findingFilters';
import { JudgeUnavailableChip } from './JudgePanel';
import { NotMcpChip } from './NotMcpBanner';
import { RiskSeverityChip } from './RiskSeverityChip';
import { ScoreHelp } from './ScoreHelp';
import { ToolsChangedChip } from './ToolsPanel';
import { userRefOf, useUserRef } from './TriageCard';
import {
  suppressionMatchesInWords,
  TRIAGE_STATUS_WORDS,
  VERDICT_WORDS,
} from './triageWords';

const PAGE = 25;

const useNoticeStyles = makeStyles(theme => ({
  notice: {
    borderStyle: 'solid',
    borderWidth: '1px 1px 1px 6px',
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
  },
  warning: { borderColor: theme.palette.warning?.main ?? '#ff9800' },
  error: { borderColor: theme.palette.error.main },
}));

/** A line above the list: what it could not do, and what to do about it. */
function Notice({
  severity,
  children,
  action,
}: {
  severity: 'warning' | 'error';
  children: ReactNode;
  action?: ReactNode;
}) {
  const classes = useNoticeStyles();
  return (
    <Box
      role="alert"
      className={`${classes.notice} ${classes[severity]}`}
      display="flex"
      alignItems="center"
      gridGap={8}
    >
      <Typography variant="body2" style={{ flex: 1, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
      {action}
    </Box>
  );
}

/**
 * What the backend said was wrong, in its words: its JSON error's message.
 * A body that was not JSON (a proxy's HTML page) is not shown, only the status.
 */
function listErrorMessage(error: Error): string {
  const said = (error as { body?: { error?: { message?: unknown } } }).body
    ?.error?.message;
  return typeof said === 'string' &&
    said &&
    !said.startsWith('Request failed with status ')
    ? said
    : error.message;
}

/** A value of the URL as the page repeats it: at most a line. */
function shortened(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

type FindingRow = Finding & { id: string };

const NO_FINDINGS = (
  <EmptyRows title="No findings yet">
    Agents report what they find with <code>mcpeeker-agent run</code>.
  </EmptyRows>
);

/** A finding's most severe risk that counts, or that all it has are accepted. */
function RiskOfFinding({ finding }: { finding: Finding }) {
  const level = finding.breakdown.riskLevel;
  const found = finding.signals.risks?.length ?? 0;
  if (level)
    return (
      <RiskSeverityChip
        severity={level}
        title={`Most severe risk that counts: ${level} (${countOf(
          found,
          'risk',
          'risks',
        )} found)`}
      />
    );
  if (found > 0)
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        title="Every risk found is accepted on its registry entry"
      >
        accepted
      </Typography>
    );
  return <>—</>;
}

/**
 * The columns, fixed in width so that the table fits the page from 1280 px
 * up (its content is 1008 px wide there): the server takes what is left,
 * with its owner under its name; a long value stays on one line, cut with an
 * ellipsis and whole in its title, instead of pushing the table wider.
 * At 1280 px: Score 170, Risk 90, Server 238, Host 130, Layers 110,
 * Triage 150, Last seen 120.
 */
function findingColumns(
  findingUrl: ((params: { id: string }) => string) | undefined,
  linkState: () => FindingLinkState,
): TableColumn<FindingRow>[] {
  return [
    {
      title: (
        <Box display="flex" alignItems="center" gridGap={4}>
          Score <ScoreHelp />
        </Box>
      ),
      field: 'score',
      width: '170px',
      render: f => (
        // Chips side by side, the next line when the column is full.
        <Box display="flex" flexWrap="wrap" alignItems="center" gridGap={4}>
          {judgedNotMcp(f) ? (
            <NotMcpChip />
          ) : (
            <ClassificationChip
              score={f.score}
              classification={f.classification}
            />
          )}
          {f.judgeUnavailable && <JudgeUnavailableChip compact />}
          {f.registryStatus === 'tools-changed' && <ToolsChangedChip compact />}
          {f.triage.suppression && (
            <Chip
              size="small"
              variant="outlined"
              icon={<VisibilityOffIcon />}
              label="Suppressed"
              title={`${suppressionMatchesInWords(f.triage.suppression)}: ${
                f.triage.suppression.reason
              }`}
            />
          )}
        </Box>
      ),
    },
    {
      title: 'Risk',
      width: '90px',
      cellStyle: oneLine,
      render: f => <RiskOfFinding finding={f} />,
    },
    {
      title: 'Server / owner',
      field: 'serverName',
      render: f => {
        const name = f.serverName ?? f.compositeId;
        return (
          <>
            <CutText title={name}>
              {findingUrl ? (
                <Link
                  to={findingUrl({ id: f.compositeId })}
                  state={linkState()}
                >
                  {name}
                </Link>
              ) : (
                name
              )}
            </CutText>
            <CutText secondary title={f.owner ?? '—'} />
            {f.breakdown.noLongerReported && (
              <Chip
                size="small"
                variant="outlined"
                label="No longer reported"
                title={noLongerReportedWords(
                  f.breakdown.noLongerReported,
                  localTime,
                )}
              />
            )}
          </>
        );
      },
    },
    {
      title: 'Host',
      field: 'hostIdHash',
      width: '130px',
      render: f =>
        f.hostIdHash ? <HostName host={{ hostIdHash: f.hostIdHash }} /> : '—',
    },
    {
      title: 'Layers',
      field: 'layers',
      width: '110px',
      render: f => (
        <Box display="flex" flexWrap="wrap" gridGap={4}>
          {f.layers.map(l => (
            <Chip key={l} size="small" variant="outlined" label={l} />
          ))}
        </Box>
      ),
    },
    {
      title: 'Triage',
      width: '150px',
      render: f => (
        <>
          <CutText
            title={`${TRIAGE_STATUS_WORDS[f.triage.status]}${
              f.triage.verdict ? ` · ${VERDICT_WORDS[f.triage.verdict]}` : ''
            }`}
          />
          <CutText secondary title={f.triage.assignee ?? 'unassigned'} />
        </>
      ),
    },
    {
      title: 'Last seen',
      field: 'lastSeen',
      width: '120px',
      render: f => <LocalDateOverTime iso={f.lastSeen} />,
    },
  ];
}

/** A filter's select options; a value that came by URL and is none of them (a list of several) is one more. */
function optionsWith(
  options: Array<readonly [string, string]>,
  selected: string,
  words: (value: string) => string = v => v,
): Array<readonly [string, string]> {
  return options.some(([value]) => value === selected)
    ? options
    : [...options, [selected, selected.split(',').map(words).join(' or ')]];
}

/** Select options of the classification filter. */
function classificationOptions(
  selected: string,
): Array<readonly [string, string]> {
  return optionsWith(
    [
      ['', 'Any'],
      ['unauthorized', 'Unauthorized'],
      ['suspect', 'Suspect'],
      ['authorized', 'Authorized'],
    ],
    selected,
  );
}

const VERDICT_FILTER_WORDS: Record<string, string> = {
  ...VERDICT_WORDS,
  none: 'No feedback',
};

/**
 * The assignee filter: anyone, me, nobody, or someone named by ref (typed
 * here, checked by the schema the backend checks a triage change with).
 */
function AssigneeFilter({
  assignee,
  onChange,
}: {
  assignee: string | undefined;
  onChange: (assignee: string | undefined) => void;
}) {
  const [typing, setTyping] = useState(false);
  const [someone, setSomeone] = useState('');
  const [problem, setProblem] = useState<string>();
  const named = assignee && assignee !== 'me' && assignee !== 'none';
  const focusOnce = useCallback(
    (input: HTMLInputElement | null) => input?.focus(),
    [],
  );
  const choose = () => {
    const ref = userRefOf(someone);
    const parsed = triageUpdateSchema.safeParse({ assignee: ref });
    if (!parsed.success) {
      setProblem(`Assignee ${parsed.error.issues[0].message}`);
      return;
    }
    setProblem(undefined);
    setTyping(false);
    setSomeone('');
    onChange(ref);
  };
  return (
    <>
      <FilterSelect
        label="Assignee"
        value={typing ? 'someone' : assignee ?? ''}
        options={[
          ['', 'Anyone'],
          ['me', 'Me'],
          ['none', 'Unassigned'],
          ...(named && !typing ? [[assignee, assignee] as const] : []),
          ['someone', 'Someone else…'],
        ]}
        onChange={v => {
          setTyping(v === 'someone');
          if (v !== 'someone') onChange(v || undefined);
        }}
      />
      {typing && (
        <Grid item>
          <TextField
            // Chosen just now: typing goes there.
            inputRef={focusOnce}
            id="findings-assignee-ref"
            label="Assigned to"
            placeholder="user:default/sam"
            value={someone}
            onChange={e => setSomeone(e.target.value)}
            onKeyDown={e => {
              if (e.key === 'Enter') choose();
            }}
            onBlur={() => someone.trim() && choose()}
            error={!!problem}
            helperText={problem ?? 'A user ref or name; Enter to filter'}
            FormHelperTextProps={problem ? { role: 'alert' } : {}}
          />
        </Grid>
      )}
    </>
  );
}

/**
 * The analysts' list: filter, sort, page through findings. Filters and sort
 * are the page's query (see findingFilters.ts), so a filtered list is a link.
 */
export function FindingsTable() {
  const api = useApi(mcpeekerApiRef);
  const findingUrl = useRouteRef(findingRouteRef);
  const { search } = useLocation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  // What the URL asks for that the page cannot read: said, not dropped silently.
  const ignored = useMemo(() => ignoredFilters(params), [params]);
  const me = useUserRef();
  // What the backend is asked: "me" is the viewer (undefined until known).
  const query = useMemo(() => withViewer(filters, me), [filters, me]);
  const filterKey = query ? findingsQuery(query) : undefined;
  const sort = filters.sort ?? 'score';
  const filtered = isFiltered(filters);
  // A choice is a step back can undo; typing replaces the step it is in.
  const change = (patch: Partial<FindingFilters>, replace = false) =>
    setParams(withFilters(params, patch), { replace });
  const clearFilters = () => setParams(withoutFilters(params));

  // Cursors of the pages before the current one, for "Previous"; other
  // filters start again at the first page.
  const [paging, setPaging] = useState({
    key: filterKey,
    cursors: [undefined] as Array<string | undefined>,
  });
  const cursors =
    paging.key === filterKey
      ? paging.cursors
      : [undefined as string | undefined];
  const cursor = cursors[cursors.length - 1];
  const setCursors = (next: Array<string | undefined>) =>
    setPaging({ key: filterKey, cursors: next });

  // Columns made once, for new ones make material-table warn; the links
  // read the list's query as it is now.
  const linkState = useRef<FindingLinkState>({ findingsSearch: search });
  linkState.current = { findingsSearch: search };
  const columns = useMemo(
    () => findingColumns(findingUrl, () => linkState.current),
    [findingUrl],
  );
  const { value, loading, error } = useAsync(
    async () =>
      query
        ? api.listFindings({ ...query, sort, limit: PAGE, cursor })
        : undefined,
    // filterKey stands for the filters: the same filters, the same key.
    [api, filterKey, cursor],
  );
  // Rows carry an id: the table keeps each row's state by it.
  const rows = useMemo(
    () => (value?.items ?? []).map(f => ({ ...f, id: f.compositeId })),
    [value],
  );

  // Filters that have no control of their own: shown so, each can be removed.
  const urlOnly: Array<{
    label?: string;
    clear: Partial<FindingFilters>;
  }> = [
    {
      label: describeScoreRange(filters.minScore, filters.maxScore),
      clear: { minScore: undefined, maxScore: undefined },
    },
    {
      label: describeSeenRange(filters.since, filters.until),
      clear: { since: undefined, until: undefined },
    },
    {
      label: describeSeenRange(
        filters.firstSeenFrom,
        filters.firstSeenTo,
        'First seen',
      ),
      clear: { firstSeenFrom: undefined, firstSeenTo: undefined },
    },
    {
      label: describeSeenRange(
        filters.detectedFrom,
        filters.detectedTo,
        'Detected',
      ),
      clear: { detectedFrom: undefined, detectedTo: undefined },
    },
    {
      label:
        filters.highRisk &&
        'Unregistered high-risk: not approved, and unauthorized or with a high risk',
      clear: { highRisk: undefined },
    },
    {
      label: filters.serverName && `Server named ${filters.serverName}`,
      clear: { serverName: undefined },
    },
    {
      label: filters.gone === 'only' ? 'No longer reported only' : undefined,
      clear: { gone: undefined },
    },
    {
      label:
        filters.notMcp === 'only'
          ? 'Judged not MCP only: gateway requests the Judge says are no MCP server'
          : undefined,
      clear: { notMcp: undefined },
    },
    {
      label: filters.suppressed === 'only' ? 'Suppressed only' : undefined,
      clear: { suppressed: undefined, suppression: undefined },
    },
    {
      // Its words as the findings it hides show them (it has no page of its own).
      label:
        filters.suppression &&
        `Hidden by ${
          value?.items
            .map(f => f.triage.suppression)
            .find(s => s?.id === filters.suppression)?.label ??
          'one suppression'
        }`,
      clear: { suppression: undefined },
    },
  ].filter(chip => chip.label);

  // The same element while the filters are: Backstage's Table rebuilds its
  // rows whenever emptyContent changes, closing what a row holds open.
  const noMatch = useMemo(
    () =>
      filtered ? (
        <EmptyRows title="No findings match these filters">
          <Button
            size="small"
            color="primary"
            onClick={() => setParams(withoutFilters(params))}
          >
            Clear filters
          </Button>
        </EmptyRows>
      ) : (
        NO_FINDINGS
      ),
    [filtered, params, setParams],
  );

  return (
    <>
      <Grid
        container
        spacing={2}
        alignItems="center"
        style={{ marginBottom: 16 }}
      >
        <FilterSelect
          label="Classification"
          value={filters.classification?.join(',') ?? ''}
          options={classificationOptions(
            filters.classification?.join(',') ?? '',
          )}
          onChange={v =>
            change({
              classification: v
                ? (v.split(',') as FindingFilters['classification'])
                : undefined,
            })
          }
        />
        <FilterSelect
          label="Risk"
          value={filters.minRisk ?? ''}
          options={[
            ['', 'Any'],
            ['low', 'Low or worse'],
            ['medium', 'Medium or worse'],
            ['high', 'High'],
          ]}
          onChange={v => change({ minRisk: v || undefined })}
        />
        <FilterSelect
          label="Layer"
          value={filters.layer ?? ''}
          options={[
            ['', 'Any'],
            ['endpoint', 'Endpoint'],
            ['network', 'Network'],
            ['gateway', 'Gateway'],
          ]}
          onChange={v => change({ layer: v || undefined })}
        />
        <FilterSelect
          label="Judge"
          value={filters.notMcp === 'only' ? 'not-mcp' : filters.judge ?? ''}
          options={[
            ['', 'Any'],
            ['unavailable', 'Unavailable: scored without it'],
            ['judged', 'Judged, or not needed'],
            // Not MCP servers: left out of the list unless asked for.
            ['not-mcp', 'Judged not MCP'],
          ]}
          onChange={v =>
            change(
              v === 'not-mcp'
                ? { judge: undefined, notMcp: 'only' }
                : {
                    judge: (v || undefined) as FindingFilters['judge'],
                    notMcp:
                      filters.notMcp === 'only' ? undefined : filters.notMcp,
                  },
            )
          }
        />
        <FilterSelect
          label="Registry"
          value={filters.registry ?? ''}
          options={[
            ['', 'Any'],
            ['unregistered', 'Unregistered'],
            ['approved', 'Approved'],
            ['tools-changed', 'Approved, tools changed since'],
          ]}
          onChange={v => change({ registry: v || undefined })}
        />
        <FilterSelect
          label="Status"
          value={filters.status?.join(',') ?? ''}
          options={optionsWith(
            [
              ['', 'Any'],
              ['open', 'Open'],
              ['investigating', 'Investigating'],
              ['resolved', 'Resolved'],
              ['open,investigating', 'Not resolved'],
            ],
            filters.status?.join(',') ?? '',
            v => TRIAGE_STATUS_WORDS[v as keyof typeof TRIAGE_STATUS_WORDS],
          )}
          onChange={v =>
            change({
              status: v
                ? (v.split(',') as FindingFilters['status'])
                : undefined,
            })
          }
        />
        <AssigneeFilter
          assignee={filters.assignee}
          onChange={assignee => change({ assignee })}
        />
        <FilterSelect
          label="Verdict"
          value={filters.verdict?.join(',') ?? ''}
          options={optionsWith(
            [
              ['', 'Any'],
              ['none', 'No feedback'],
              ['true-positive', 'True positive'],
              ['false-positive', 'False positive'],
              ['inconclusive', 'Inconclusive'],
            ],
            filters.verdict?.join(',') ?? '',
            v => VERDICT_FILTER_WORDS[v],
          )}
          onChange={v =>
            change({
              verdict: v
                ? (v.split(',') as FindingFilters['verdict'])
                : undefined,
            })
          }
        />
        <FilterSelect
          label="Sort by"
          value={sort}
          options={[
            ['score', 'Score'],
            ['lastSeen', 'Last seen'],
          ]}
          // Score is the default: it needs no parameter.
          onChange={v => change({ sort: v === 'score' ? undefined : v })}
        />
        <Grid item>
          <TextField
            id="findings-search"
            label="Search server or owner"
            value={filters.q ?? ''}
            inputProps={{ maxLength: FINDING_SEARCH_MAX_LENGTH }}
            onChange={e => change({ q: e.target.value || undefined }, true)}
          />
        </Grid>
        {urlOnly.map(chip => (
          <Grid item key={chip.label}>
            <Chip
              label={chip.label}
              aria-label={`${chip.label}: remove this filter`}
              onClick={() => change(chip.clear)}
              onDelete={() => change(chip.clear)}
            />
          </Grid>
        ))}
        <Grid item>
          <FormControlLabel
            control={
              <Checkbox
                checked={!!filters.suppressed}
                onChange={e =>
                  change(
                    e.target.checked
                      ? { suppressed: 'include' }
                      : { suppressed: undefined, suppression: undefined },
                  )
                }
              />
            }
            label="Show suppressed"
          />
        </Grid>
        <Grid item>
          <FormControlLabel
            control={
              <Checkbox
                checked={!!filters.gone}
                onChange={e =>
                  change({ gone: e.target.checked ? 'include' : undefined })
                }
              />
            }
            label="Show no longer reported"
          />
        </Grid>
        <Grid item>
          <FormControlLabel
            control={
              <Checkbox
                checked={!!filters.notMcp}
                onChange={e =>
                  change({ notMcp: e.target.checked ? 'include' : undefined })
                }
              />
            }
            label="Show judged not MCP"
          />
        </Grid>
        {filtered && (
          <Grid item>
            <Button onClick={clearFilters}>Clear filters</Button>
          </Grid>
        )}
        <Grid item style={{ marginLeft: 'auto' }}>
          <ExportMenu query={query} />
        </Grid>
      </Grid>
      {ignored.map(({ param, value: bad, reason }) => (
        <Notice
          key={param}
          severity="warning"
          action={
            <Button
              size="small"
              color="primary"
              aria-label={`Clear the filter ${param}`}
              // Keeps what the page reads (of a list, its known values);
              // a parameter it has no filter for goes.
              onClick={() =>
                change({
                  [param]: (filters as Record<string, unknown>)[param],
                } as Partial<FindingFilters>)
              }
            >
              Clear it
            </Button>
          }
        >
          Ignored the filter {param}={shortened(bad)}: {reason}. The list is not
          filtered by it.
        </Notice>
      ))}
      {error ? (
        <Notice severity="error">
          The findings could not be loaded: {listErrorMessage(error)}
        </Notice>
      ) : (
        <>
          {/* Reloading keeps the rows in view; the first load is the table's own. */}
          {loading && value && <Progress />}
          <Table<FindingRow>
            title="Findings"
            subtitle={
              value &&
              (value.totalCountCapped
                ? `${value.totalCount.toLocaleString('en-US')}+ findings`
                : countOf(value.totalCount, 'finding', 'findings'))
            }
            columns={columns}
            data={rows}
            isLoading={loading && !value}
            emptyContent={noMatch}
            // The backend filters, sorts and pages: a page is shown as it comes.
            options={{
              ...tableOptions,
              paging: false,
              sorting: false,
              tableLayout: 'fixed',
            }}
          />
          <Box display="flex" justifyContent="flex-end" padding={1}>
            <Button
              disabled={cursors.length <= 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Previous
            </Button>
            <Button
              disabled={!value?.nextCursor}
              onClick={() => setCursors([...cursors, value?.nextCursor])}
            >
              Next
            </Button>
          </Box>
        </>
      )}
    </>
  );
}
