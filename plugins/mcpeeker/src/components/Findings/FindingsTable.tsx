import { useMemo, useState } from 'react';
import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import type {
  Classification,
  Finding,
  FindingRegistryStatus,
  Layer,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { findingRouteRef } from '../../routes';
import { FilterSelect } from '../FilterSelect';
import {
  countOf,
  EmptyRows,
  oneLine,
  tableOptions,
  wholeWords,
} from '../TableParts';
import { ClassificationChip } from './ClassificationChip';
import { JudgeUnavailableChip } from './JudgePanel';
import { ScoreHelp } from './ScoreHelp';
import { ToolsChangedChip } from './ToolsPanel';

const PAGE = 25;

type FindingRow = Finding & { id: string };

const NO_FINDINGS = (
  <EmptyRows>
    No findings match. Agents report with <code>mcpeeker-agent run</code>.
  </EmptyRows>
);

function findingColumns(
  findingUrl: ((params: { id: string }) => string) | undefined,
): TableColumn<FindingRow>[] {
  return [
    {
      title: (
        <Box display="flex" alignItems="center" gridGap={4}>
          Score <ScoreHelp />
        </Box>
      ),
      field: 'score',
      cellStyle: oneLine,
      render: f => (
        <Box display="flex" alignItems="center" gridGap={4}>
          <ClassificationChip
            score={f.score}
            classification={f.classification}
          />
          {f.judgeUnavailable && <JudgeUnavailableChip compact />}
          {f.registryStatus === 'tools-changed' && <ToolsChangedChip compact />}
        </Box>
      ),
    },
    {
      title: 'Server',
      field: 'serverName',
      cellStyle: wholeWords,
      render: f =>
        findingUrl ? (
          <Link to={findingUrl({ id: f.compositeId })}>
            {f.serverName ?? f.compositeId}
          </Link>
        ) : (
          f.serverName ?? f.compositeId
        ),
    },
    {
      title: 'Owner',
      field: 'owner',
      cellStyle: wholeWords,
      render: f => f.owner ?? '—',
    },
    {
      title: 'Host',
      field: 'hostIdHash',
      cellStyle: oneLine,
      render: f =>
        f.hostIdHash ? (
          <span title={f.hostIdHash}>{f.hostIdHash.slice(0, 10)}…</span>
        ) : (
          '—'
        ),
    },
    {
      title: 'Layers',
      field: 'layers',
      cellStyle: oneLine,
      render: f =>
        f.layers.map(l => (
          <Chip
            key={l}
            size="small"
            variant="outlined"
            label={l}
            style={{ marginRight: 4 }}
          />
        )),
    },
    {
      title: 'Last seen',
      field: 'lastSeen',
      cellStyle: oneLine,
      render: f => new Date(f.lastSeen).toLocaleString(),
    },
  ];
}

/** The analysts' list: filter, sort, page through findings. */
export function FindingsTable() {
  const api = useApi(mcpeekerApiRef);
  const findingUrl = useRouteRef(findingRouteRef);
  const [classification, setClassification] = useState<Classification | ''>('');
  const [layer, setLayer] = useState<Layer | ''>('');
  const [judge, setJudge] = useState<'unavailable' | 'judged' | ''>('');
  const [registry, setRegistry] = useState<FindingRegistryStatus | ''>('');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<'score' | 'lastSeen'>('score');
  // Cursors of the pages before the current one, for "Previous".
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];
  const resetPaging = () => setCursors([undefined]);

  const columns = useMemo(() => findingColumns(findingUrl), [findingUrl]);
  const { value, loading, error } = useAsync(
    () =>
      api.listFindings({
        classification: classification ? [classification] : undefined,
        layer: layer || undefined,
        judge: judge || undefined,
        registry: registry || undefined,
        q: text || undefined,
        sort,
        limit: PAGE,
        cursor,
      }),
    [api, classification, layer, judge, registry, text, sort, cursor],
  );
  // Rows carry an id: the table keeps each row's state by it.
  const rows = useMemo(
    () => (value?.items ?? []).map(f => ({ ...f, id: f.compositeId })),
    [value],
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
          value={classification}
          options={[
            ['', 'Any'],
            ['unauthorized', 'Unauthorized'],
            ['suspect', 'Suspect'],
            ['authorized', 'Authorized'],
          ]}
          onChange={v => {
            setClassification(v);
            resetPaging();
          }}
        />
        <FilterSelect
          label="Layer"
          value={layer}
          options={[
            ['', 'Any'],
            ['endpoint', 'Endpoint'],
            ['network', 'Network'],
            ['gateway', 'Gateway'],
          ]}
          onChange={v => {
            setLayer(v);
            resetPaging();
          }}
        />
        <FilterSelect
          label="Judge"
          value={judge}
          options={[
            ['', 'Any'],
            ['unavailable', 'Unavailable: scored without it'],
            ['judged', 'Judged, or not needed'],
          ]}
          onChange={v => {
            setJudge(v);
            resetPaging();
          }}
        />
        <FilterSelect
          label="Registry"
          value={registry}
          options={[
            ['', 'Any'],
            ['unregistered', 'Unregistered'],
            ['approved', 'Approved'],
            ['tools-changed', 'Approved, tools changed since'],
          ]}
          onChange={v => {
            setRegistry(v);
            resetPaging();
          }}
        />
        <FilterSelect
          label="Sort by"
          value={sort}
          options={[
            ['score', 'Score'],
            ['lastSeen', 'Last seen'],
          ]}
          onChange={v => {
            setSort(v);
            resetPaging();
          }}
        />
        <Grid item>
          <TextField
            label="Search server or owner"
            value={text}
            onChange={e => {
              setText(e.target.value);
              resetPaging();
            }}
          />
        </Grid>
      </Grid>
      {error ? (
        <ResponseErrorPanel error={error} />
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
            emptyContent={NO_FINDINGS}
            // The backend filters, sorts and pages: a page is shown as it comes.
            options={{ ...tableOptions, paging: false, sorting: false }}
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
