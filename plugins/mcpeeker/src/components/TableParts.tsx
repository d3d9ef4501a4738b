import { Fragment, type CSSProperties, type ReactNode } from 'react';
import type { TableOptions } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** Rows per page of the lists the browser holds whole. */
export const PAGE_SIZE = 20;

/**
 * What every MCPeeker table shares: dense rows, no search box (the filters
 * are the backend's, above the table), columns that stay where they are.
 */
export const tableOptions: TableOptions = {
  padding: 'dense',
  search: false,
  draggable: false,
};

/**
 * A list the browser holds whole (the backend's first 200): paged in the
 * browser once it is longer than a page.
 */
export function listOptions(rowCount: number): TableOptions {
  return {
    ...tableOptions,
    paging: rowCount > PAGE_SIZE,
    pageSize: PAGE_SIZE,
    pageSizeOptions: [PAGE_SIZE, 50, 100],
    emptyRowsWhenPaging: false,
  };
}

/**
 * Names, refs and ids break between words only: the theme lets a table cell
 * break anywhere, and squeezed columns then read "githu/b".
 */
export const wholeWords: CSSProperties = {
  wordBreak: 'normal',
  overflowWrap: 'normal',
};

/** Dates, times and chips on one line. */
export const oneLine: CSSProperties = { whiteSpace: 'nowrap' };

/**
 * A value on one line of its column, cut with an ellipsis where the column
 * is too narrow, the whole of it in its title (shown on hover). For tables
 * laid out with fixed column widths, where nothing may push a column wider.
 */
export function CutText({
  title,
  children,
  secondary,
}: {
  /** The whole value, as its title. */
  title: string;
  /** What is shown, when not the title itself (a link). */
  children?: ReactNode;
  /** A caption under the main value. */
  secondary?: boolean;
}) {
  return (
    <Typography
      variant={secondary ? 'caption' : 'body2'}
      color={secondary ? 'textSecondary' : 'initial'}
      component="div"
      noWrap
      title={title}
    >
      {children ?? title}
    </Typography>
  );
}

/**
 * A value shown whole in a narrow column, over as many lines as it takes:
 * it breaks between words, after the ':' and '/' of an entity ref
 * ("user:default/" then "dana"), and inside a word only when the word alone
 * is wider than the column (a long id). For what the reader must see whole
 * to decide, where `CutText` would hide the end in a title.
 */
export function WrapText({
  text,
  secondary,
}: {
  text: string;
  /** A caption under the main value. */
  secondary?: boolean;
}) {
  const pieces = text.split(/(?<=[:/])/);
  return (
    <Typography
      variant={secondary ? 'caption' : 'body2'}
      color={secondary ? 'textSecondary' : 'initial'}
      component="div"
      style={{ wordBreak: 'normal', overflowWrap: 'break-word' }}
    >
      {pieces.map((piece, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {piece}
        </Fragment>
      ))}
    </Typography>
  );
}

/** A table inside a card: the card is its frame. */
export const inCard: CSSProperties = { boxShadow: 'none' };

/** What a table with no rows says instead, in its body. */
export function EmptyRows({
  title,
  children,
}: {
  title?: string;
  children?: ReactNode;
}) {
  return (
    <Box padding={2}>
      {title && (
        <Typography variant="subtitle1" gutterBottom={!!children}>
          {title}
        </Typography>
      )}
      {children && (
        <Typography variant="body2" color={title ? 'textSecondary' : 'initial'}>
          {children}
        </Typography>
      )}
    </Box>
  );
}

/** "1 entry", "2 entries": a count with its noun. */
export function countOf(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
