import os from 'node:os';
import {
  RISK_SEVERITIES,
  RiskFact,
  serverNameFromCommand,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { ScanReport } from './scanEndpoint';
import { plural } from '../plural';

function shorten(text: string, width: number): string {
  return text.length <= width
    ? text.padEnd(width)
    : `${text.slice(0, width - 1)}…`;
}

function tildify(p: string): string {
  const home = os.homedir();
  return home && p.startsWith(home) ? `~${p.slice(home.length)}` : p;
}

/** A fact under its detection: severity, title and evidence, where, then the fix. */
function riskLines(facts: RiskFact[]): string[] {
  const indent = ' '.repeat(8);
  return facts.flatMap(fact => {
    const at = fact.location?.line
      ? ` (${tildify(fact.location.file)}:${fact.location.line}${
          fact.location.column ? `:${fact.location.column}` : ''
        })`
      : '';
    return [
      `${indent}${fact.severity.toUpperCase().padEnd(6)} ${fact.title}: ${
        fact.evidence
      }${at}`,
      `${indent}       fix: ${fact.fix}`,
    ];
  });
}

/**
 * The scan as a person reads it: one line per detection, the detections of
 * one server (one composite id) adjacent under one number, then what went
 * wrong.
 */
export function formatScanTable(report: ScanReport): string {
  const lines: string[] = [];
  const { errors } = report;
  const group = new Map<string, number>();
  for (const d of report.detections) {
    if (!group.has(d.compositeId)) group.set(d.compositeId, group.size + 1);
  }
  // Stable: within a server, detections keep the scan's order.
  const detections = [...report.detections].sort(
    (a, b) => group.get(a.compositeId)! - group.get(b.compositeId)!,
  );
  const servers = group.size;
  lines.push(
    `${plural(servers, 'MCP server')} found${
      detections.length === servers
        ? ''
        : ` in ${plural(detections.length, 'detection')}`
    }` +
      ` (${plural(report.stats.filesRead, 'file')} read, ${plural(
        report.stats.directoriesWalked,
        'folder',
      )} walked, ${report.stats.durationMs} ms)`,
  );
  if (detections.length > 0) {
    lines.push('');
    lines.push(
      `${'#'.padStart(3)} ${'CLIENT'.padEnd(16)} ${'SERVER'.padEnd(
        24,
      )} ${'SCOPE'.padEnd(8)} ${'TRANSPORT'.padEnd(9)} ${'RUNS / URL'.padEnd(
        48,
      )} WHERE`,
    );
    let previous: number | undefined;
    for (const d of detections) {
      const number = group.get(d.compositeId)!;
      // The number on a server's first line only: its other detections follow.
      const prefix =
        number === previous ? '    ' : `${String(number).padStart(3)} `;
      previous = number;
      if (d.source === 'config') {
        const target =
          d.command !== undefined
            ? [d.command, ...(d.args ?? [])].join(' ')
            : d.url ?? '';
        lines.push(
          `${shorten(d.client, 16)} ${shorten(d.serverName, 24)} ${shorten(
            d.scope,
            8,
          )} ${shorten(d.transport, 9)} ${shorten(target, 48)} ${tildify(
            d.configPath,
          )}${d.disabled ? ' (disabled)' : ''}`,
        );
      } else if (d.source === 'port') {
        lines.push(
          `${shorten('(listening)', 16)} ${shorten(
            d.serverInfo.name,
            24,
          )} ${shorten('host', 8)} ${shorten(d.transport, 9)} ${shorten(
            d.url,
            48,
          )} port ${d.port}, ${plural(d.tools.length, 'tool')}${
            d.pid ? `, pid ${d.pid}` : ''
          }`,
        );
      } else if (d.source === 'process') {
        lines.push(
          `${shorten(d.parentClient ?? '(process)', 16)} ${shorten(
            d.configRef?.serverName ??
              serverNameFromCommand(d.command, d.args) ??
              `pid ${d.pid}`,
            24,
          )} ${shorten('running', 8)} ${shorten(
            d.transport ?? 'stdio?',
            9,
          )} ${shorten([d.command, ...d.args].join(' '), 48)} pid ${d.pid}, ${
            d.reason
          } (confidence ${d.confidence})${
            d.configRef
              ? `, from ${d.configRef.client} '${d.configRef.serverName}'`
              : ''
          }`,
        );
      } else {
        lines.push(
          `${shorten('(being built)', 16)} ${shorten(
            d.serverName,
            24,
          )} ${shorten('project', 8)} ${shorten('-', 9)} ${shorten(
            `${d.manifestKind}${d.version ? ` ${d.version}` : ''}`,
            48,
          )} ${tildify(d.manifestPath)}`,
        );
      }
      lines[lines.length - 1] = prefix + lines[lines.length - 1];
      if ((d.source === 'config' || d.source === 'port') && d.risks)
        lines.push(...riskLines(d.risks));
    }
  }
  const facts = report.detections.flatMap(d =>
    d.source === 'config' || d.source === 'port' ? d.risks ?? [] : [],
  );
  if (facts.length > 0) {
    const counts = [...RISK_SEVERITIES]
      .reverse()
      .map(s => `${facts.filter(f => f.severity === s).length} ${s}`);
    lines.push('', `Risks: ${counts.join(', ')}.`);
  }
  if (report.registrySnapshot)
    lines.push(
      '',
      `Publishers checked against the MCP registry snapshot of ${
        report.registrySnapshot.date
      } (${plural(report.registrySnapshot.servers, 'server')}).`,
    );
  if (errors.length > 0) {
    lines.push('', `${plural(errors.length, 'file')} could not be used:`);
    for (const e of errors) lines.push(`  ${tildify(e.path)}: ${e.message}`);
  }
  for (const s of report.skipped)
    lines.push('', `Not scanned: ${s.layer} (${s.reason})`);
  return `${lines.join('\n')}\n`;
}
