import { InputError } from '@backstage/errors';
import { canonicalJson } from '@mcpeeker/plugin-mcpeeker-common';
import crypto from 'node:crypto';

/** No list pages further than this; a cursor beyond it was not made here. */
export const MAX_CURSOR_OFFSET = 1_000_000;

/**
 * The one codec of every paged route's `cursor`: opaque to callers, signed
 * (so an offset cannot be forged into the SQL), and tied to the list and
 * the filters it was issued for. The key comes from configuration, so every
 * replica reads the cursors of every other.
 *
 * Shape: `<offset base36>.<filters digest>.<signature>`.
 */
export class PageCursors {
  constructor(private readonly key: string) {}

  private mac(text: string, length: number) {
    return crypto
      .createHmac('sha256', this.key)
      .update(text)
      .digest('base64url')
      .slice(0, length);
  }

  /** Which list, filtered how: page size and cursor itself left out. */
  private digest(list: string, filters: object) {
    return this.mac(`filters\n${list}\n${canonicalJson(filters)}`, 11);
  }

  /** The cursor of the page starting at `offset` of `list` with `filters`; none past the last page one may reach. */
  encode(list: string, filters: object, offset: number): string | undefined {
    if (offset > MAX_CURSOR_OFFSET) return undefined;
    const head = `${offset.toString(36)}.${this.digest(list, filters)}`;
    return `${head}.${this.mac(`cursor\n${head}`, 22)}`;
  }

  /**
   * The offset a cursor stands for, 0 without one. An InputError for a cursor
   * this API did not issue, or issued for another list or other filters.
   */
  decode(list: string, filters: object, cursor: string | undefined): number {
    if (cursor === undefined) return 0;
    const [offset36, digest, signature, ...rest] = cursor.split('.');
    const expected = this.mac(`cursor\n${offset36}.${digest}`, 22);
    if (
      rest.length > 0 ||
      !/^[0-9a-z]{1,6}$/.test(offset36 ?? '') ||
      signature?.length !== expected.length ||
      !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    )
      throw new InputError(
        'Invalid query parameter cursor: not a cursor this API returned; start again without it',
      );
    if (digest !== this.digest(list, filters))
      throw new InputError(
        'Invalid query parameter cursor: the cursor belongs to another query (other filters or sort); start again without it',
      );
    const offset = parseInt(offset36, 36);
    if (!Number.isSafeInteger(offset) || offset > MAX_CURSOR_OFFSET)
      throw new InputError(
        `Invalid query parameter cursor: pages end at offset ${MAX_CURSOR_OFFSET}; narrow the filters`,
      );
    return offset;
  }

  /**
   * A cursor that names the last item served (`key`) rather than an offset,
   * tied to the list but not to its filters: the next page starts after that
   * item whatever the filters are then. For APIs whose clients change the
   * filters between pages (VS Code drops `search` after the first page of
   * an MCP registry). Shape: `<key base64url>.<signature>`.
   */
  encodeAfter(list: string, key: string): string {
    const head = Buffer.from(key, 'utf8').toString('base64url');
    return `${head}.${this.mac(`after\n${list}\n${head}`, 22)}`;
  }

  /** The key an `encodeAfter` cursor names; an InputError for any other. */
  decodeAfter(list: string, cursor: string): string {
    const [head, signature, ...rest] = cursor.split('.');
    const expected = this.mac(`after\n${list}\n${head}`, 22);
    if (
      rest.length > 0 ||
      !/^[A-Za-z0-9_-]{1,800}$/.test(head ?? '') ||
      signature?.length !== expected.length ||
      !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    )
      throw new InputError(
        'Invalid query parameter cursor: not a cursor this API returned; start again without it',
      );
    return Buffer.from(head, 'base64url').toString('utf8');
  }
}
