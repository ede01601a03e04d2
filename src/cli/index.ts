import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One file per command in ./commands; each exports `command`. */
export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

export class UsageError extends Error {}

const COMMANDS_DIR = fileURLToPath(new URL('./commands/', import.meta.url));

function commandNames(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command | undefined> {
  if (!commandNames().includes(name)) return undefined;
  return ((await import(`./commands/${name}.ts`)) as { command: Command }).command;
}

async function help(): Promise<string> {
  const lines = ['Usage: early-help <command> [options]', '', 'Commands:'];
  for (const name of commandNames()) {
    const c = await load(name);
    if (c) lines.push(`  ${name.padEnd(14)} ${c.summary}`);
  }
  lines.push('', 'Run `early-help <command> --help` for a command’s options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name ? 0 : 1;
  }
  const command = await load(name);
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${await help()}`);
    return 1;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`Usage: early-help ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\nUsage: early-help ${command.usage}`);
      return 1;
    }
    // Loaded only when needed, so a command that needs no database (totp-code) starts quickly.
    const [{ ConfigError }, { DataDirLockedError }] = await Promise.all([
      import('../config.ts'),
      import('../db/connection.ts'),
    ]);
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      console.error(err.message);
      return 2;
    }
    console.error(`early-help ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** A small option parser: --name value, --flag, repeated options collected. */
export function parseOptions(args: string[], spec: { strings?: string[]; repeat?: string[]; flags?: string[] }) {
  const strings: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags?.includes(key)) {
      flags.add(key);
      continue;
    }
    if (!spec.strings?.includes(key) && !spec.repeat?.includes(key)) throw new UsageError(`Unknown option --${key}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value`);
    if (spec.repeat?.includes(key)) {
      repeated[key] = [...(repeated[key] ?? []), value];
    } else strings[key] = value;
  }
  return { strings, repeated, flags, positional };
}
