import { parseDockerRun } from './dockerRun';
import { PackageRef, packageRef } from './packageRef';
import { EntryContext, FoundFact, riskFact } from './riskFact';

function pinnedExample(ref: PackageRef): string {
  // A range names the release it starts from: the one to pin, if it was reviewed.
  const version = /\d+\.\d+\.\d+/.exec(ref.version ?? '')?.[0] ?? 'X.Y.Z';
  if (ref.ecosystem === 'npm') return `${ref.name}@${version}`;
  if (ref.ecosystem === 'pypi') return `${ref.name}==${version}`;
  return `${ref.name}@sha256:<digest> (or an exact version tag)`;
}

/**
 * `unpinned-package`: the entry fetches a package or image without naming
 * one exact release. A range (`@^1.2.0`, `>=1.0`, `~=1.2`), `latest`, or no
 * version at all is unpinned; an exact version (also written as a range
 * that names only it: `=1.2.3`, `>=1.2.3 <=1.2.3`), a tag other than
 * `latest` or a digest is pinned.
 */
export function unpinnedRisks({ server }: EntryContext): FoundFact[] {
  const run = parseDockerRun(server.command, server.args);
  const ref = packageRef(server.command, server.args, run?.imageIndex);
  if (!ref || ref.pinned) return [];
  let how: string;
  if (ref.version === undefined)
    how =
      ref.ecosystem === 'oci' ? 'without a tag (latest)' : 'without a version';
  else if (ref.version === 'latest') how = 'at latest';
  else how = `with the range ${ref.version}`;
  const what = ref.ecosystem === 'oci' ? 'image' : `${ref.ecosystem} package`;
  return [
    riskFact(
      'unpinned-package',
      `${server.command} runs the ${what} ${ref.name} ${how}: whatever is newest when the client starts`,
      {
        fix: `Pin the exact release you reviewed: ${pinnedExample(
          ref,
        )}; update it deliberately.`,
        at: server.paths.args[ref.argIndex],
      },
    ),
  ];
}
