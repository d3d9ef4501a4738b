import { commandSignature, compositeId } from '../identity/compositeId';
import { sha256Hex } from '../identity/hashing';
import { allowedCommands } from './allowedCommand';
import {
  entryStandsFor,
  packageOfCommand,
  serverChange,
  serverChangeWords,
} from './registryCoverage';

const PKG = '@modelcontextprotocol/server-filesystem';
const host = 'a'.repeat(64);
const idOf = (args: string[]) =>
  compositeId({
    hostIdHash: host,
    processSignature: commandSignature('npx', args),
  });
const hashOf = (args: string[]) => sha256Hex(commandSignature('npx', args));
const unpinned = ['-y', PKG, '/'];
const pinned = ['-y', `${PKG}@2025.8.21`, '/'];

describe('which servers a registry entry covers', () => {
  const fromFinding = {
    name: 'filesystem',
    identity: {
      compositeId: idOf(unpinned),
      hostIdHash: host,
      packageId: PKG,
      packageArguments: ['/'],
    },
  };

  it('covers the server it was registered from, and not that server pinned', () => {
    expect(
      entryStandsFor(fromFinding, {
        compositeId: idOf(unpinned),
        serverName: 'filesystem',
      }),
    ).toBe(true);
    // Same host, same name, the version pinned: another server.
    expect(
      entryStandsFor(fromFinding, {
        compositeId: idOf(pinned),
        serverName: 'filesystem',
        commandSignatureHash: hashOf(pinned),
      }),
    ).toBe(false);
  });

  it('covers, fleet-wide, only the exact command of the version it names', () => {
    const fleet = {
      name: 'filesystem',
      identity: {
        packageId: PKG,
        packageVersion: '1.0.0',
        packageArguments: ['/'],
      },
    };
    const at = (v: string) => ['-y', `${PKG}@${v}`, '/'];
    expect(
      entryStandsFor(fleet, {
        compositeId: idOf(at('1.0.0')),
        serverName: 'filesystem',
        commandSignatureHash: hashOf(at('1.0.0')),
      }),
    ).toBe(true);
    for (const other of [at('2.0.0'), unpinned])
      expect(
        entryStandsFor(fleet, {
          compositeId: idOf(other),
          serverName: 'filesystem',
          commandSignatureHash: hashOf(other),
        }),
      ).toBe(false);
    // Unpinned registration: the pinned command is not what enforcement allows either.
    const loose = {
      ...fleet,
      identity: { packageId: PKG, packageArguments: ['/'] },
    };
    expect(
      entryStandsFor(loose, {
        compositeId: idOf(pinned),
        serverName: 'filesystem',
        commandSignatureHash: hashOf(pinned),
      }),
    ).toBe(false);
    expect(allowedCommands(loose).commands).toEqual([['npx', ...unpinned]]);
    // A name with no command known (a network sensor's): matched by name.
    expect(
      entryStandsFor(fleet, {
        compositeId: idOf(['x']),
        serverName: 'filesystem',
      }),
    ).toBe(true);
  });

  it('tells how the running server differs from the registered one', () => {
    const running = packageOfCommand('npx', pinned)!;
    expect(running).toEqual({
      packageId: PKG,
      packageVersion: '2025.8.21',
      packageArguments: ['/'],
    });
    expect(serverChange(fromFinding.identity, running)).toBe('pinned');
    expect(serverChangeWords('pinned', fromFinding.identity, running)).toMatch(
      /pins .*@2025\.8\.21; the registration names .* unpinned/,
    );
    const v1 = {
      packageId: PKG,
      packageVersion: '1.0.0',
      packageArguments: ['/'],
    };
    expect(serverChange(v1, running)).toBe('version');
    expect(serverChange(v1, packageOfCommand('npx', unpinned)!)).toBe(
      'unpinned',
    );
    expect(serverChange(v1, { ...v1, packageArguments: ['/tmp'] })).toBe(
      'arguments',
    );
    expect(serverChange(v1, { packageId: 'other' })).toBe('package');
    expect(serverChange(v1, { ...v1 })).toBeUndefined();
    expect(
      serverChange(fromFinding.identity, packageOfCommand('npx', unpinned)!),
    ).toBeUndefined();
  });
});
