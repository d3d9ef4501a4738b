import { useMemo, useState } from 'react';
import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  mcpeekerSuppressionDeletePermission,
  Suppression,
} from '@mcpeeker/plugin-mcpeeker-common';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { McpeekerApi, mcpeekerApiRef } from '../../api';
import { findingsRouteRef } from '../../routes';
import { FilterSelect } from '../FilterSelect';
import { findingsHref } from '../Findings/findingFilters';
import {
  SCOPE_WORDS,
  suppressionMatchesInWords,
} from '../Findings/triageWords';
import { LocalDateOverTime, localTime } from '../LocalTime';
import {
  countOf,
  EmptyRows,
  listOptions,
  wholeWords,
  WrapText,
} from '../TableParts';
import { LiftSuppressionDialog } from './LiftSuppressionDialog';

/** Which suppressions the page lists, as its `?show=` says. */
type Show = 'active' | 'lifted' | 'expired' | 'all';
const SHOWS: Array<readonly [Show, string]> = [
  ['active', 'Active'],
  ['lifted', 'Lifted'],
  ['expired', 'Expired'],
  ['all', 'All'],
];

/** How many suppressions are counted at once (one request each). */
const COUNTING_AT_ONCE = 6;

/** Where a suppression stands, in words: active, lifted (by whom, when, why) or expired. */
function standing(s: Suppression): string {
  if (s.active) return 'Active';
  if (s.revokedAt)
    return `Lifted by ${s.revokedBy ?? 'someone'} on ${localTime(s.revokedAt)}${
      s.revokeReason ? `: ${s.revokeReason}` : ''
    }`;
  return `Expired on ${
    s.expiresAt ? localTime(s.expiresAt) : 'an unknown date'
  }`;
}

/** A suppression as the table lists it: with how many findings it hides now, when that was counted. */
type SuppressionRow = Suppression & { hides?: string };

/** The findings one suppression hides, as the list selects them: its count and its link ask the same. */
const hiddenBy = (s: Suppression) =>
  ({ suppressed: 'only', suppression: s.id } as const);

/**
 * Each active suppression's exact count of the findings it hides: those
 * showing it (a finding two suppressions match shows the most specific),
 * as far as the viewer may see them; the backend's count, so none are
 * missed however many there are.
 */
async function withHiddenCounts(
  api: McpeekerApi,
  items: Suppression[],
): Promise<SuppressionRow[]> {
  const counts = new Map<string, string>();
  const active = items.filter(s => s.active);
  for (let i = 0; i < active.length; i += COUNTING_AT_ONCE)
    await Promise.all(
      active.slice(i, i + COUNTING_AT_ONCE).map(async s => {
        const page = await api.listFindings({ ...hiddenBy(s), limit: 1 });
        counts.set(
          s.id,
          `${countOf(page.totalCount, 'finding', 'findings')}${
            page.totalCountCapped ? ' or more' : ''
          }`,
        );
      }),
    );
  return items.map(s => (s.active ? { ...s, hides: counts.get(s.id) } : s));
}

/** Where the findings a suppression hides are listed: exactly those. */
function useHiddenFindingsHref() {
  const findingsUrl = useRouteRef(findingsRouteRef);
  return useMemo(
    () =>
      (s: Suppression): string | undefined =>
        findingsUrl && findingsHref(findingsUrl(), hiddenBy(s)),
    [findingsUrl],
  );
}

/**
 * The columns, fixed in width so that the table fits the page from 1280 px
 * up (its content is 1008 px wide there), Lift and the count of hidden
 * findings in view: what it matches takes what is left; who made it, why
 * and where it stands are shown whole, over more lines where narrow; a date
 * has its time under it. Measured in Chromium at 1280 px with Lift: What
 * it matches 238, Reason 170, Made 150, Expires 110, Status 130, Hides 110,
 * Lift 100.
 */
function suppressionColumns(options: {
  hiddenHref: (s: Suppression) => string | undefined;
  mayLift: boolean;
  onLift: (s: Suppression) => void;
}): TableColumn<SuppressionRow>[] {
  const { hiddenHref, mayLift, onLift } = options;
  return [
    {
      title: 'What it matches',
      field: 'label',
      render: s => (
        <>
          <Chip size="small" variant="outlined" label={SCOPE_WORDS[s.scope]} />
          <WrapText text={suppressionMatchesInWords(s)} />
        </>
      ),
    },
    {
      title: 'Reason',
      field: 'reason',
      width: '170px',
      render: s => <WrapText text={s.reason} />,
    },
    {
      title: 'Made',
      field: 'createdAt',
      width: '150px',
      render: s => (
        <>
          <WrapText text={s.createdBy} />
          <LocalDateOverTime iso={s.createdAt} />
        </>
      ),
    },
    {
      title: 'Expires',
      field: 'expiresAt',
      width: '110px',
      render: s =>
        s.expiresAt ? (
          <LocalDateOverTime iso={s.expiresAt} />
        ) : (
          <WrapText text="never: until lifted" />
        ),
    },
    {
      title: 'Status',
      sorting: false,
      width: '130px',
      render: s => <WrapText text={standing(s)} />,
    },
    {
      title: 'Hides',
      sorting: false,
      width: '110px',
      cellStyle: wholeWords,
      render: s => {
        if (!s.active) return 'nothing now';
        const href = hiddenHref(s);
        const text = s.hides ?? 'its findings';
        return href ? <Link to={href}>{text}</Link> : text;
      },
    },
    ...(mayLift
      ? [
          {
            title: '',
            sorting: false,
            width: '100px',
            render: (s: SuppressionRow) =>
              s.active && (
                <Button
                  size="small"
                  variant="outlined"
                  aria-label={`Lift the suppression of ${s.label}`}
                  onClick={() => onLift(s)}
                >
                  Lift
                </Button>
              ),
          },
        ]
      : []),
  ];
}

/**
 * Every suppression (analysts and admins): what it matches in words, why,
 * who made it and when, its expiry, and how many findings it hides now.
 * Admins lift one, with a reason, after a confirmation.
 */
export function SuppressionsPage() {
  const api = useApi(mcpeekerApiRef);
  const [params, setParams] = useSearchParams();
  const show: Show =
    SHOWS.find(([value]) => value === params.get('show'))?.[0] ?? 'active';
  const { allowed: mayLift } = usePermission({
    permission: mcpeekerSuppressionDeletePermission,
  });
  const [lifting, setLifting] = useState<Suppression>();
  const [message, setMessage] = useState<string>();
  const list = useAsyncRetry(async () => {
    const { items } = await api.listSuppressions(
      show === 'all' ? {} : { active: show === 'active' },
    );
    if (show === 'lifted') return items.filter(s => s.revokedAt);
    if (show === 'expired') return items.filter(s => !s.revokedAt);
    // Counted with the list: the rows come once, whole.
    return withHiddenCounts(api, items);
  }, [api, show]);
  const hiddenHref = useHiddenFindingsHref();
  // The same element while `show` is the same: Backstage's Table rebuilds
  // its rows whenever emptyContent changes, closing what a row holds open.
  const emptyRows = useMemo(
    () => (
      <EmptyRows title={`No ${show === 'all' ? '' : `${show} `}suppressions`}>
        A false positive&apos;s feedback on a finding page may suppress its
        pattern.
      </EmptyRows>
    ),
    [show],
  );
  // Columns made anew only when who may lift is known (the table would
  // reset its state on new ones).
  const columns = useMemo(
    () => suppressionColumns({ hiddenHref, mayLift, onLift: setLifting }),
    [hiddenHref, mayLift],
  );
  const items = list.value ?? [];
  return (
    <>
      <Grid
        container
        spacing={2}
        alignItems="center"
        style={{ marginBottom: 16 }}
      >
        <FilterSelect
          label="Show"
          value={show}
          options={SHOWS}
          onChange={v => {
            setMessage(undefined);
            setParams(v === 'active' ? {} : { show: v });
          }}
        />
      </Grid>
      {message && (
        <Typography role="status" paragraph>
          {message}
        </Typography>
      )}
      {list.error && <ResponseErrorPanel error={list.error} />}
      {/* The table once its rows are there: rows that come later make
          material-table warn, in development, of columns it thinks unstable. */}
      {!list.error && !list.value && <Progress />}
      {!list.error && list.value && (
        <Table<SuppressionRow>
          title="Suppressions"
          subtitle={countOf(items.length, 'suppression', 'suppressions')}
          columns={columns}
          data={items}
          emptyContent={emptyRows}
          options={{ ...listOptions(items.length), tableLayout: 'fixed' }}
        />
      )}
      {lifting && (
        <LiftSuppressionDialog
          suppression={lifting}
          onClose={() => setLifting(undefined)}
          onLifted={lifted => {
            setLifting(undefined);
            setMessage(`Lifted: ${lifted.label}`);
            list.retry();
          }}
        />
      )}
    </>
  );
}
