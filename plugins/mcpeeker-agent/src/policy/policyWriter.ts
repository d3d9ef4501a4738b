import fs from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '@mcpeeker/plugin-mcpeeker-common';
import type { PolicyFile } from './clientPolicies';
import { unifiedDiff } from './unifiedDiff';

/**
 * The record, in each folder `policy` writes to, of the files it wrote there
 * and their SHA-256. A marker beside the files rather than in them: Claude
 * Code skips a whole settings file that has a key it does not know.
 */
export const OWNERSHIP_FILE = '.mcpeeker-policy.json';
/** The previous content of a file `policy` replaced or removed, beside it. */
export const BACKUP_SUFFIX = '.mcpeeker-backup';

interface Ownership {
  files: Record<string, { sha256: string; writtenAt: string }>;
}

/** A policy file that cannot be used as it is; the message names the file (and the field). */
export class PolicyFileError extends Error {}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new PolicyFileError(`${file}: cannot be read (${code})`);
  }
}

/** The ownership record of a folder; empty when there is none. */
export function readOwnership(folder: string): Ownership {
  const file = path.join(folder, OWNERSHIP_FILE);
  const text = readText(file);
  if (text === null) return { files: {} };
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(
      `${file}: not JSON (${
        (error as Error).message
      }); remove it only if no file here is MCPeeker's`,
    );
  }
  if (!doc || typeof doc.files !== 'object' || Array.isArray(doc.files))
    throw new PolicyFileError(`${file}: files: expected an object`);
  for (const [name, entry] of Object.entries<any>(doc.files)) {
    if (
      typeof entry?.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(entry.sha256)
    )
      throw new PolicyFileError(
        `${file}: files.${name}.sha256: expected a hex SHA-256`,
      );
    if (typeof entry.writtenAt !== 'string')
      throw new PolicyFileError(
        `${file}: files.${name}.writtenAt: expected a date`,
      );
  }
  return { files: doc.files };
}

/** Whether `policy` wrote this content of this file, and when; `undefined` if it did not. */
export function writtenByPolicy(
  file: string,
  text: string,
): { writtenAt: string } | undefined {
  const entry = readOwnership(path.dirname(file)).files[path.basename(file)];
  return entry && entry.sha256 === sha256Hex(text)
    ? { writtenAt: entry.writtenAt }
    : undefined;
}

/** One file's change, before it is made. */
export interface PlannedChange {
  client: string;
  path: string;
  before: string | null;
  after: string | null;
  /** Why the file is left alone although it would change: it is not MCPeeker's. */
  refusal?: string;
}

const asText = (doc: Record<string, unknown> | null) =>
  doc === null ? null : `${JSON.stringify(doc, null, 2)}\n`;

function parseObject(file: string, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(
      `${file}: not JSON (${(error as Error).message}); fix it or move it away`,
    );
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new PolicyFileError(
      `${file}: expected a JSON object, found ${
        Array.isArray(doc) ? 'an array' : JSON.stringify(doc)
      }`,
    );
  return doc as Record<string, unknown>;
}

/**
 * What writing each file would change. A file that is there and that
 * `policy` did not write (no record of it, or changed since) is refused
 * unless `force`; with `force` its other keys are kept. A file `policy` is to
 * have no more is removed only if it wrote it.
 */
export function planPolicy(
  files: PolicyFile[],
  options: { force: boolean },
): PlannedChange[] {
  return files.flatMap(file => {
    const before = readText(file.path);
    const ownership =
      before === null ? undefined : readOwnership(path.dirname(file.path));
    const record = ownership?.files[path.basename(file.path)];
    const ours = before !== null && record?.sha256 === sha256Hex(before);
    if (before !== null && !ours) {
      const desired = file.next(parseObject(file.path, before));
      if (desired === null) return []; // Not ours to remove.
      const after = asText(desired);
      if (after === before) return [];
      if (!options.force)
        return [
          {
            client: file.client,
            path: file.path,
            before,
            after,
            refusal: record
              ? `changed since mcpeeker-agent wrote it (${record.writtenAt})`
              : `not written by mcpeeker-agent (no record of it in ${OWNERSHIP_FILE})`,
          },
        ];
      return [{ client: file.client, path: file.path, before, after }];
    }
    const after = asText(
      file.next(before === null ? undefined : parseObject(file.path, before)),
    );
    return after === before
      ? []
      : [{ client: file.client, path: file.path, before, after }];
  });
}

/** The unified diff of each planned change. */
export function planDiff(plan: PlannedChange[]): string {
  return plan.map(c => unifiedDiff(c.path, c.before, c.after)).join('');
}

function writeAtomically(file: string, text: string) {
  const temp = `${file}.mcpeeker-tmp-${process.pid}`;
  try {
    const fd = fs.openSync(temp, 'w', 0o644);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // Readable by every user's client, whatever the umask.
    fs.chmodSync(temp, 0o644);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

function failure(file: string, error: unknown): PolicyFileError {
  const code = (error as NodeJS.ErrnoException).code;
  return new PolicyFileError(
    `${file}: cannot be written (${code ?? (error as Error).message})${
      code === 'EACCES' || code === 'EPERM'
        ? ': run policy as root (Administrator on Windows)'
        : ''
    }`,
  );
}

/**
 * Makes the planned changes: each file replaced atomically (a temporary file
 * renamed over it) after its previous content is copied to `<file>.mcpeeker-backup`,
 * and its record updated. Returns the backups made.
 */
export function applyPolicy(
  plan: PlannedChange[],
  now: () => Date = () => new Date(),
): Array<{ path: string; backup?: string }> {
  const done: Array<{ path: string; backup?: string }> = [];
  for (const change of plan) {
    if (change.refusal) continue;
    const folder = path.dirname(change.path);
    const name = path.basename(change.path);
    const ownership = readOwnership(folder);
    let backup: string | undefined;
    try {
      fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
      if (change.before !== null) {
        backup = `${change.path}${BACKUP_SUFFIX}`;
        writeAtomically(backup, change.before);
      }
      if (change.after === null) {
        fs.rmSync(change.path, { force: true });
        delete ownership.files[name];
      } else {
        writeAtomically(change.path, change.after);
        ownership.files[name] = {
          sha256: sha256Hex(change.after),
          writtenAt: now().toISOString(),
        };
      }
      writeAtomically(
        path.join(folder, OWNERSHIP_FILE),
        `${JSON.stringify(
          {
            about:
              'Files mcpeeker-agent policy wrote in this folder. It changes them only while they are as it left them (--force to take over a file); each one replaced is kept as <file>.mcpeeker-backup.',
            files: ownership.files,
          },
          null,
          2,
        )}\n`,
      );
    } catch (error) {
      throw failure(change.path, error);
    }
    done.push({ path: change.path, ...(backup ? { backup } : {}) });
  }
  return done;
}
