import fs from 'node:fs/promises';
import {
  parse as parseJsonc,
  ParseError,
  printParseErrorCode,
} from 'jsonc-parser';
import JSON5 from 'json5';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { ConfigFormat } from './clientTable';
import { parseCrushrc } from './formats/crushrc';
import { parseProperties } from './formats/properties';
import { parseXml } from './formats/xml';

/** Config files larger than this are reported, not read: no client writes one. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

const FORMAT_NAMES: Record<ConfigFormat, string> = {
  json: 'JSON',
  json5: 'JSON5',
  toml: 'TOML',
  yaml: 'YAML',
  xml: 'XML',
  properties: 'a properties file',
  crushrc: 'a crushrc',
};

export type ReadResult =
  | { ok: true; doc: unknown; text: string }
  | { ok: false; missing: true }
  | { ok: false; missing: false; message: string };

function lineOf(text: string, offset: number) {
  return text.slice(0, offset).split('\n').length;
}

/**
 * Parses text in a client's format. JSON is read as JSONC (comments, trailing
 * commas); XML, properties and crushrc files become the documents their
 * extractors read (`formats/`).
 */
export function parseConfigText(text: string, format: ConfigFormat): unknown {
  if (format === 'json') {
    const errors: ParseError[] = [];
    const doc = parseJsonc(text, errors, {
      allowTrailingComma: true,
      disallowComments: false,
    });
    if (errors.length > 0) {
      const first = errors[0];
      throw new Error(
        `invalid JSON at line ${lineOf(
          text,
          first.offset,
        )}: ${printParseErrorCode(first.error)}`,
      );
    }
    return doc;
  }
  switch (format) {
    case 'json5':
      return JSON5.parse(text);
    case 'toml':
      return parseToml(text);
    case 'xml':
      return parseXml(text);
    case 'properties':
      return parseProperties(text);
    case 'crushrc':
      return parseCrushrc(text);
    default:
      // `logLevel: 'error'`: a warning (an unknown tag) would go to the
      // process's warnings, quoting the file's line, secrets and all.
      return parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
  }
}

/**
 * Reads and parses one config file. A missing file is normal; a file that
 * exists but can't be read or parsed is a reason, never an exception.
 */
export async function readConfigFile(
  path: string,
  format: ConfigFormat,
): Promise<ReadResult> {
  let text: string;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) {
      return { ok: false, missing: false, message: 'is not a regular file' };
    }
    if (stat.size > MAX_CONFIG_BYTES) {
      return {
        ok: false,
        missing: false,
        message: `is ${(stat.size / 1024 / 1024).toFixed(
          1,
        )} MB, larger than the ${
          MAX_CONFIG_BYTES / 1024 / 1024
        } MB a config file may be; not read`,
      };
    }
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { ok: false, missing: true };
    if (code === 'ELOOP')
      return { ok: false, missing: false, message: 'is a symbolic link loop' };
    if (code === 'EACCES' || code === 'EPERM')
      return {
        ok: false,
        missing: false,
        message: 'cannot be read: permission denied',
      };
    return {
      ok: false,
      missing: false,
      message: `cannot be read: ${(error as Error).message}`,
    };
  }
  try {
    return {
      ok: true,
      doc: parseConfigText(text.replace(/^\uFEFF/, ''), format),
      text,
    };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    return {
      ok: false,
      missing: false,
      message: `cannot be parsed as ${FORMAT_NAMES[format]}: ${message}`,
    };
  }
}
