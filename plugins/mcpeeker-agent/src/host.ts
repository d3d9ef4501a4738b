import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Platform } from './scan/clientTable';

/**
 * A stable id of this machine: Linux `/etc/machine-id`, macOS
 * `IOPlatformUUID`, Windows `MachineGuid`; the host name when none can be
 * read. Only ever leaves the machine hashed.
 */
export function readHostId(): string {
  try {
    if (process.platform === 'linux') {
      for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
        if (fs.existsSync(file)) {
          const id = fs.readFileSync(file, 'utf8').trim();
          if (id) return id;
        }
      }
    } else if (process.platform === 'darwin') {
      const out = execFileSync(
        'ioreg',
        ['-rd1', '-c', 'IOPlatformExpertDevice'],
        { encoding: 'utf8', timeout: 5000 },
      );
      const match = /"IOPlatformUUID" = "([^"]+)"/.exec(out);
      if (match) return match[1];
    } else if (process.platform === 'win32') {
      const out = execFileSync(
        'reg',
        [
          'query',
          'HKLM\\SOFTWARE\\Microsoft\\Cryptography',
          '/v',
          'MachineGuid',
        ],
        { encoding: 'utf8', timeout: 5000 },
      );
      const match = /MachineGuid\s+REG_SZ\s+(\S+)/.exec(out);
      if (match) return match[1];
    }
  } catch {
    // fall back to the host name
  }
  return os.hostname();
}

export function currentPlatform(): Platform {
  return process.platform === 'darwin' || process.platform === 'win32'
    ? process.platform
    : 'linux';
}
