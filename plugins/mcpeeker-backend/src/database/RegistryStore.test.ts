import {
  compositeId,
  normalizeServerUrl,
} from '@mcpeeker/plugin-mcpeeker-common';
import { entryTargets } from './RegistryStore';

describe('the findings a registry entry stands for', () => {
  it('takes a remote server on no particular host by its URL (as gateways and network sensors key it) and by its host name (all a TLS server name or DNS query shows)', () => {
    const url = 'https://mcp.notion.com/mcp';
    const targets = entryTargets({
      name: 'notion',
      identity: { remoteUrl: url },
    });
    expect(targets.compositeIds).toEqual([
      compositeId({ processSignature: normalizeServerUrl(url) }),
    ]);
    expect(targets.serverNames).toEqual(['notion', 'mcp.notion.com']);
  });

  it('takes a server on one host by that host only, never by name', () => {
    const host = 'a'.repeat(64);
    const targets = entryTargets({
      name: 'notion',
      identity: { hostIdHash: host, remoteUrl: 'https://mcp.notion.com/mcp' },
    });
    expect(targets.serverNames).toEqual([]);
    expect(targets.compositeIds).toEqual([
      compositeId({
        hostIdHash: host,
        processSignature: normalizeServerUrl('https://mcp.notion.com/mcp'),
      }),
    ]);
  });
});
