import fs from 'node:fs';
import path from 'node:path';
import { MCP_SIGNATURES } from './catalogue';

const SIGNATURES_DIR = path.resolve(__dirname, '../../../signatures');

interface SuricataRule {
  action: string;
  header: string[];
  options: { keyword: string; value?: string }[];
}

/**
 * Splits a Suricata rule the way its parser does, structurally: action,
 * the six-part header, then `keyword[:value];` options inside the
 * parentheses, where a value may be quoted and `\` escapes the next character.
 */
function parseSuricataRule(line: string): SuricataRule {
  const open = line.indexOf('(');
  if (open < 0 || !line.endsWith(')'))
    throw new Error(`no (options) in: ${line}`);
  const [action, ...header] = line.slice(0, open).trim().split(/\s+/);
  const options: SuricataRule['options'] = [];
  const body = line.slice(open + 1, -1);
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ') i++;
    if (i >= body.length) break;
    let keyword = '';
    while (i < body.length && !':;'.includes(body[i])) keyword += body[i++];
    let value: string | undefined;
    if (body[i] === ':') {
      i++;
      value = '';
      let quoted = false;
      while (i < body.length && (quoted || body[i] !== ';')) {
        if (body[i] === '\\') {
          value += body[i++];
        } else if (body[i] === '"') {
          quoted = !quoted;
        }
        value += body[i++];
      }
      if (quoted) throw new Error(`unbalanced quotes in ${keyword}: ${line}`);
    }
    if (body[i] !== ';')
      throw new Error(`option ${keyword} is not closed by ';': ${line}`);
    i++;
    options.push({ keyword: keyword.trim(), value: value?.trim() });
  }
  return { action, header, options };
}

function readRules(): SuricataRule[] {
  return fs
    .readFileSync(path.join(SIGNATURES_DIR, 'mcp.rules'), 'utf8')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'))
    .map(parseSuricataRule);
}

const option = (rule: SuricataRule, keyword: string) =>
  rule.options.find(o => o.keyword === keyword)?.value;

describe('the signature catalogue', () => {
  it('has unique ids and sids in MCPeeker block of the local-use range', () => {
    expect(new Set(MCP_SIGNATURES.map(s => s.id)).size).toBe(
      MCP_SIGNATURES.length,
    );
    expect(new Set(MCP_SIGNATURES.map(s => s.sid)).size).toBe(
      MCP_SIGNATURES.length,
    );
    for (const s of MCP_SIGNATURES) {
      expect(s.id).toMatch(/^MCP-\d{3}$/);
      expect(s.sid).toBeGreaterThanOrEqual(1910001);
      expect(s.sid).toBeLessThanOrEqual(1910999);
    }
  });
});

describe('mcp.rules', () => {
  const rules = readRules();

  it('parses as Suricata rules: action, header, options with msg, sid and rev', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.action).toBe('alert');
      expect(rule.header).toHaveLength(6);
      expect(rule.header[0]).toBe('http');
      expect(rule.header[3]).toBe('->');
      expect(option(rule, 'msg')).toMatch(/^".+"$/);
      expect(option(rule, 'sid')).toMatch(/^\d+$/);
      expect(option(rule, 'rev')).toMatch(/^\d+$/);
      expect(option(rule, 'flow')).toMatch(/^established,to_(server|client)$/);
      for (const { keyword } of rule.options)
        expect(keyword).toMatch(/^[a-z_.]+$/);
      const patterns = rule.options.filter(o =>
        ['content', 'pcre'].includes(o.keyword),
      );
      expect(patterns.length).toBeGreaterThan(0);
      for (const { value } of patterns) expect(value).toMatch(/^!?".*"$/);
    }
  });

  it('names exactly the catalogue: sid, rev, msg, severity and false-positive risk', () => {
    const fromRules = rules.map(rule => {
      const metadata = Object.fromEntries(
        option(rule, 'metadata')!
          .split(',')
          .map(pair => pair.trim().split(/\s+/)),
      );
      return {
        id: metadata.mcpeeker_id,
        sid: Number(option(rule, 'sid')),
        rev: Number(option(rule, 'rev')),
        msg: option(rule, 'msg'),
        severity: metadata.severity,
        falsePositiveLevel: metadata.false_positive_risk,
        describesMatch: Boolean(metadata.mcp_match),
      };
    });
    expect(fromRules).toEqual(
      MCP_SIGNATURES.map(s => ({
        id: s.id,
        sid: s.sid,
        rev: s.rev,
        msg: `"MCPeeker ${s.id} ${s.name}"`,
        severity: s.severity,
        falsePositiveLevel: s.falsePositiveLevel,
        describesMatch: true,
      })),
    );
  });
});

describe('mcp.zeek', () => {
  const script = fs.readFileSync(path.join(SIGNATURES_DIR, 'mcp.zeek'), 'utf8');

  it('has the catalogue as its signatures table, and fires every id in it', () => {
    const table = [
      ...script.matchAll(
        /\["(MCP-\d{3})"\] = \[\$name="([^"]*)", \$severity="(\w+)"\]/g,
      ),
    ].map(([, id, name, severity]) => ({ id, name, severity }));
    expect(table).toEqual(
      MCP_SIGNATURES.map(({ id, name, severity }) => ({ id, name, severity })),
    );
    const fired = [...script.matchAll(/fire\(c, x, "(MCP-\d{3})"\)/g)].map(
      ([, id]) => id,
    );
    expect(new Set(fired)).toEqual(new Set(MCP_SIGNATURES.map(s => s.id)));
    const named = new Set(script.match(/MCP-\d{3}/g));
    expect(named).toEqual(new Set(MCP_SIGNATURES.map(s => s.id)));
  });

  it('writes mcp.log with the columns the network adapter reads', () => {
    const info = /type Info: record \{([\s\S]*?)\};/.exec(script)![1];
    const columns = [...info.matchAll(/^\s*(\w+):\s+(\w+)\s+&log/gm)].flatMap(
      ([, name, type]) =>
        type === 'conn_id'
          ? ['orig_h', 'orig_p', 'resp_h', 'resp_p'].map(f => `${name}.${f}`)
          : [name],
    );
    expect(columns).toEqual([
      'ts',
      'uid',
      'id.orig_h',
      'id.orig_p',
      'id.resp_h',
      'id.resp_p',
      'method',
      'sig_id',
      'sig_name',
      'severity',
      'server_name',
      'user_agent',
      'session_id',
    ]);
    expect(script).toMatch(/\$path="mcp"/);
  });

  it('balances its braces, brackets and parentheses outside strings and patterns', () => {
    const code = script
      .split('\n')
      .map(line => line.replace(/^\s*#.*$/, ''))
      .join('\n')
      .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
      .replace(/\/(?:[^/\\\n]|\\.)+\//g, '//');
    const pairs: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
    const stack: string[] = [];
    const mismatched: string[] = [];
    for (const ch of code) {
      if ('{[('.includes(ch)) stack.push(ch);
      else if (ch in pairs && stack.pop() !== pairs[ch]) mismatched.push(ch);
    }
    expect({ mismatched, unclosed: stack }).toEqual({
      mismatched: [],
      unclosed: [],
    });
  });
});
