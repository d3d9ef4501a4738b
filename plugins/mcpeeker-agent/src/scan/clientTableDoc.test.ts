import fs from 'node:fs';
import path from 'node:path';
import { CLIENTS } from './clientTable';
import {
  clientTableMarkdown,
  DOC_END,
  DOC_START,
  normalizeMarkdown,
  pathText,
} from './clientTableDoc';

const DOC = path.resolve(__dirname, '../../../../docs/agent.md');

describe('the client table in docs/agent.md', () => {
  it('is the one clientTable.ts holds (MCPEEKER_WRITE_DOCS=1 rewrites it)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const start = doc.indexOf(DOC_START);
    const end = doc.indexOf(DOC_END);
    expect({ start: start >= 0, end: end > start }).toEqual({
      start: true,
      end: true,
    });
    const generated = clientTableMarkdown();
    if (process.env.MCPEEKER_WRITE_DOCS === '1') {
      fs.writeFileSync(
        DOC,
        doc.slice(0, start) + generated + doc.slice(end + DOC_END.length),
      );
      return;
    }
    expect(normalizeMarkdown(doc.slice(start, end + DOC_END.length))).toEqual(
      normalizeMarkdown(generated),
    );
  });

  it('does not care how a formatter pads the table, but sees a changed path', () => {
    const generated = clientTableMarkdown();
    const padded = generated
      .replace(/ \| /g, '   |   ')
      .replace(/---/g, '-----');
    expect(normalizeMarkdown(padded)).toEqual(normalizeMarkdown(generated));
    const changed = generated.replace(
      '.kiro/settings/mcp.json',
      '.kiro/mcp.json',
    );
    expect(normalizeMarkdown(changed)).not.toEqual(
      normalizeMarkdown(generated),
    );
  });

  it('lists each client once, every location on at least one OS, each with a source', () => {
    const ids = CLIENTS.map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const client of CLIENTS) {
      expect({ id: client.id, source: client.source.length > 0 }).toEqual({
        id: client.id,
        source: true,
      });
      for (const location of client.locations) {
        const paths = (['linux', 'darwin', 'win32'] as const).map(os =>
          pathText(location, os),
        );
        expect({
          id: client.id,
          path: location.path.join('/'),
          paths,
        }).not.toEqual({
          id: client.id,
          path: location.path.join('/'),
          paths: ['—', '—', '—'],
        });
      }
    }
  });

  it('names, for every file shared with another client, a location of that client that reads it', () => {
    for (const client of CLIENTS) {
      for (const shared of client.locations.filter(l => l.sharedWith)) {
        const owner = CLIENTS.find(c => c.id === shared.sharedWith);
        const reads = owner?.locations.some(
          l =>
            !l.sharedWith &&
            l.base === shared.base &&
            l.extract === shared.extract &&
            l.path.join('/') === shared.path.join('/') &&
            (!l.platforms ||
              (shared.platforms ?? ['linux', 'darwin', 'win32']).every(os =>
                l.platforms!.includes(os),
              )),
        );
        expect({
          client: client.id,
          path: shared.path.join('/'),
          reads,
        }).toEqual({
          client: client.id,
          path: shared.path.join('/'),
          reads: true,
        });
      }
    }
  });
});
