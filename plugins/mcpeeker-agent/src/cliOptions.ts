import fs from 'node:fs';

/**
 * A mistake in how the command was called, exit code 2: said on one line,
 * then (`pointToHelp`, for a bad option or argument) where the command's
 * options are listed; not for what the options named (a config that cannot
 * be used, a file that cannot be read).
 */
export class UsageError extends Error {
  constructor(message: string, readonly pointToHelp = true) {
    super(message);
  }
}

/**
 * Walks a command's options: `--name value` and `--name=value`. `value()`
 * takes the option's value, or stops with a usage error naming the option.
 */
export function forEachOption(
  args: string[],
  on: (arg: string, name: string, value: () => string) => void,
): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline =
      arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    on(arg, name, () => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`option '${name}' needs a value`);
      i++;
      return next;
    });
  }
}

/** The usage error of an argument a command does not take. */
export function unknownArgument(arg: string, command: string): UsageError {
  return new UsageError(
    arg.startsWith('-')
      ? `unknown option '${arg}' for ${command}`
      : `unexpected argument '${arg}'`,
  );
}

/** A sensor's name from an option (`--gateway`, `--sensor`): 1 to 200 characters. */
export function sensorName(value: string, option: string): string {
  if (value === '' || value.length > 200)
    throw new UsageError(`${option} takes a name of 1 to 200 characters`);
  return value;
}

/** An option's folder: it must exist and be a folder, or a usage error names it. */
export function existingDirectory(dir: string, option: string): string {
  let stat;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`${option} ${dir}: no such directory`);
  }
  if (!stat.isDirectory())
    throw new UsageError(`${option} ${dir}: not a directory`);
  return dir;
}

/**
 * `--system-root DIR`, one option of scan, run and policy: the machine's own
 * folders (the managed policy files, the machine-wide configs) under DIR.
 */
export const SYSTEM_ROOT_OPTION = {
  name: '--system-root',
  usage: `  --system-root DIR             Read the machine's own folders under DIR (a
                                mounted disk, a test): etc, Library/Application
                                Support, ProgramData, Program Files, app
`,
  parse: (value: string) => existingDirectory(value, '--system-root'),
};
