import type { RemoteHostList } from '../remoteHosts';
import {
  FieldError,
  jsonFailure,
  LineOutcome,
  looksBinary,
  surelyBinary,
} from './logRecord';
import {
  isZeekLog,
  ZeekLog,
  zeekLogOfFields,
  ZeekRecord,
  zeekSightings,
} from './zeekRecords';
import { plural } from '../../plural';

/** Zeek's TSV escapes: `\xHH` for the separator and anything not printable. */
function unescape(value: string): string {
  return value.includes('\\x')
    ? value.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex) =>
        String.fromCharCode(parseInt(hex, 16)),
      )
    : value;
}

/** What a TSV log's header says: how to cut its rows and what each column is. */
interface TsvHeader {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path?: string;
  /** Column of each field name, from `#fields`. */
  columns?: Map<string, number>;
  fieldCount: number;
}

const defaultHeader = (): TsvHeader => ({
  separator: '\t',
  setSeparator: ',',
  emptyField: '(empty)',
  unsetField: '-',
  fieldCount: 0,
});

/** A TSV row read through its header: by field name, never by position. */
class TsvRecord implements ZeekRecord {
  constructor(
    private readonly header: TsvHeader,
    private readonly cells: string[],
  ) {}

  private cell(field: string): string | undefined {
    const column = this.header.columns!.get(field);
    if (column === undefined) return undefined;
    const value = this.cells[column];
    return value === undefined || value === this.header.unsetField
      ? undefined
      : value;
  }

  text(field: string): string | undefined {
    const value = this.cell(field);
    if (value === undefined) return undefined;
    return value === this.header.emptyField ? '' : unescape(value);
  }

  list(field: string): string[] {
    const value = this.cell(field);
    if (value === undefined || value === this.header.emptyField) return [];
    return value.split(this.header.setSeparator).map(unescape);
  }

  raw(field: string): unknown {
    return this.text(field);
  }
}

class JsonRecord implements ZeekRecord {
  constructor(private readonly object: Record<string, unknown>) {}

  text(field: string): string | undefined {
    const value = this.object[field];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : String(value);
  }

  list(field: string): string[] {
    const value = this.object[field];
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value.map(String) : [String(value)];
  }

  raw(field: string): unknown {
    return this.object[field];
  }
}

/**
 * Reads one Zeek log, line by line, in whichever form it was written: ASCII
 * TSV with its `#separator`/`#fields`/`#types` header (columns found by name,
 * so a cluster's extra `_node_name` column or a site's added fields change
 * nothing), or JSON (`LogAscii::use_json`, with or without JSON-Streaming-
 * Logs' `_path`). Which log it is comes from `#path`, `_path`, the file's
 * name, or else the fields a JSON record has.
 */
export class ZeekLogReader {
  private header: TsvHeader = defaultHeader();
  /** The header lines of the TSV file being read, kept for a checkpoint. */
  private headerLines: string[] = [];

  constructor(
    private readonly hosts: RemoteHostList,
    /** The log its file's name says (`conn` for `conn.log`, `conn.16:00:00-17:00:00.log.gz`). */
    private readonly logOfName: string | undefined,
    private readonly location: string,
  ) {}

  /** The header read so far, to carry across a restart in the middle of a file. */
  get state(): string[] {
    return [...this.headerLines];
  }

  restore(headerLines: string[]) {
    this.header = defaultHeader();
    this.headerLines = [];
    for (const line of headerLines) this.read(line);
  }

  /** A new file begins (rotation, truncation): its header is read again. */
  reset() {
    this.header = defaultHeader();
    this.headerLines = [];
  }

  read(line: string): LineOutcome {
    if (line.startsWith('#')) return this.readHeader(line);
    if (line.startsWith('{')) return this.readJson(line);
    if (!this.header.columns) return { skipped: 'no #fields header' };
    const log = this.header.path ?? this.logOfName;
    if (!isZeekLog(log))
      return {
        skipped: 'log of another type',
        detail: `${log?.slice(0, 64) || 'unnamed'}.log`,
      };
    const cells = line.split(this.header.separator);
    // Zeek escapes what is not printable: garbage is a row that does not
    // split into the header's fields and holds control characters or bytes
    // that were not UTF-8 (looked for only then: it is a scan of the line).
    if (cells.length !== this.header.fieldCount && looksBinary(line))
      return { skipped: 'binary garbage' };
    if (cells.length < this.header.fieldCount)
      return {
        skipped: 'truncated line',
        detail: `${cells.length} of ${plural(this.header.fieldCount, 'field')}`,
      };
    if (cells.length > this.header.fieldCount)
      return {
        skipped: 'bad field',
        detail: `${plural(cells.length, 'field')} where #fields names ${
          this.header.fieldCount
        }`,
      };
    return this.sightings(log, new TsvRecord(this.header, cells));
  }

  private readHeader(line: string): LineOutcome {
    if (line.startsWith('#separator ')) {
      this.reset();
      this.header.separator = unescape(line.slice('#separator '.length));
      this.headerLines.push(line);
      return { header: true };
    }
    const separator = this.header.separator;
    const cut = line.indexOf(separator);
    const key = cut < 0 ? line : line.slice(0, cut);
    const value = cut < 0 ? '' : line.slice(cut + separator.length);
    switch (key) {
      case '#set_separator':
        this.header.setSeparator = unescape(value);
        break;
      case '#empty_field':
        this.header.emptyField = value;
        break;
      case '#unset_field':
        this.header.unsetField = value;
        break;
      case '#path':
        this.header.path = value;
        break;
      case '#fields': {
        const fields = value.split(separator);
        this.header.columns = new Map(fields.map((f, i) => [f, i]));
        this.header.fieldCount = fields.length;
        break;
      }
      case '#close':
        // The file is done; what follows (if anything) needs a new header.
        return { header: true };
      default:
        // #open, #types and comments: nothing to keep
        return { header: true };
    }
    this.headerLines.push(line);
    return { header: true };
  }

  private readJson(line: string): LineOutcome {
    let object: unknown;
    try {
      object = JSON.parse(line);
    } catch {
      return jsonFailure(line);
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object))
      return { skipped: 'not JSON', detail: 'not a JSON object' };
    if (surelyBinary(line)) return { skipped: 'binary garbage' };
    const record = object as Record<string, unknown>;
    if ('event_type' in record && 'timestamp' in record)
      return {
        skipped: 'log of another type',
        detail: 'Suricata EVE, not Zeek',
      };
    const log =
      (typeof record._path === 'string' ? record._path : undefined) ??
      this.logOfName ??
      zeekLogOfFields(record);
    if (!isZeekLog(log))
      return {
        skipped: 'log of another type',
        detail:
          log && log !== 'other'
            ? `${log.slice(0, 64)}.log`
            : 'not one Zeek log we read',
      };
    return this.sightings(log, new JsonRecord(record));
  }

  private sightings(log: ZeekLog, record: ZeekRecord): LineOutcome {
    try {
      return zeekSightings(log, record, this.hosts, this.location);
    } catch (error) {
      if (error instanceof FieldError)
        return { skipped: 'bad field', detail: error.message };
      throw error;
    }
  }
}

/** The log a Zeek file's name says: `http.log`, `ssl.json`, `conn.16:00:00-17:00:00.log.gz`. */
export function zeekLogOfFileName(name: string): string | undefined {
  const match = /^([a-z0-9_]+)[.-]/i.exec(name);
  return match?.[1].toLowerCase();
}
