import { parseDockerRun } from './dockerRun';
import { PackageRef, packageRef } from './packageRef';
import { EntryContext, FoundFact, riskFact } from './riskFact';

function pinnedExample(ref: PackageRef): string {
  if (ref.ecosystem === 'npm')
    return `${ref.name}@1.2.3 (the exact version you reviewed)`;
  if (ref.ecosystem === 'pypi')
    return `${ref.name}==1.2.3 (the exact version you reviewed)`;
  return `${ref.name}@sha256:<digest> (or at least an exact version tag)`;
}

/**
 * `unpinned-package`: the entry fetches a package or image without naming
 * one exact release. A range (`@^1.2.0`, `>=1.0`), `latest`, or no version
 * at all is unpinned; an exact version, a tag other than `latest` or a
 * digest is pinned.
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
        fix: `Pin it: ${pinnedExample(ref)}, and update it deliberately.`,
        at: server.paths.args[ref.argIndex],
      },
    ),
  ];
}
