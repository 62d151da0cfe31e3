#!/usr/bin/env node
import { isAuthenticationError, isFilterValidationError, type FilterValidationError } from '../core/errors.js';
import { isUsageError } from './args.js';
import { DEMO_HELP, demo } from './demo.js';
import { EXPORT_HELP, planExport, runExport } from './export.js';
import { FOLLOW_HELP, follow } from './follow.js';
import { FIELDS } from './registry.js';
import { SIMULATE_HELP, simulate } from './simulate.js';

const HELP = `wafstream: WAF and bot-protection events from Gcore WAAP, TransactCDN and BotBye

Commands:
  demo       export all four sources from a built-in simulator (no account needed)
  export     read a time window of one or more sources to stdout or a file
  follow     collect new events continuously until Ctrl-C
  simulate   run the provider simulator on a port

wafstream <command> --help shows a command's options and examples.

Examples:
  wafstream demo | head
  wafstream export gcore --since 24h --format ecs --out gcore.ndjson`;

const HELPS: Record<string, string> = { demo: DEMO_HELP, export: EXPORT_HELP, follow: FOLLOW_HELP, simulate: SIMULATE_HELP };
/** The secret fields' environment variables, by flag, as the providers declare them. */
const SECRET_ENV = new Map(FIELDS.filter((field) => field.secret).map((field) => [field.flag, field.env]));
/** The client options the providers' flags set (`apiKey`, `baseUrl`, …): a bad one is a flag, not a filter. */
const CLIENT_OPTIONS = new Set(FIELDS.filter((field) => !field.query).map((field) => field.option));

/** Runs one command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  try {
    let result: 'help' | void;
    if (command === 'demo') result = await demo(rest);
    else if (command === 'simulate') result = await simulate(rest);
    else if (command === 'follow') result = await follow(rest);
    else if (command === 'export') {
      const plan = planExport(rest);
      result = plan === 'help' ? 'help' : await runExport(plan);
    } else {
      process.stderr.write(`wafstream: "${command}" is not a command (demo, export, follow, simulate); see wafstream --help\n`);
      return 2;
    }
    if (result === 'help') process.stdout.write(`${HELPS[command]}\n`);
    return 0;
  } catch (error) {
    return report(command, argv, error);
  }
}

function report(command: string, argv: string[], error: unknown): number {
  const line = (text: string) => process.stderr.write(`wafstream ${command}: ${text.split('\n')[0]}\n`);
  if (isUsageError(error)) {
    line(error.message);
    return 2;
  }
  if (isFilterValidationError(error)) {
    line(filterMessage(error));
    return 2;
  }
  if (isAuthenticationError(error)) {
    line(`${error.message} (check the credentials: flags or environment)`);
    return 3;
  }
  line(error instanceof Error ? error.message : String(error));
  const out = argv.some((a) => a === '--out' || a.startsWith('--out='));
  const again = resumeCommand(argv);
  process.stderr.write(command === 'export' && !out ? `rerun: ${again} (add --out FILE to make an export resumable)\n` : `resume: ${again}\n`);
  return 1;
}

/** Names the flag the field came from: `--filter decision`, `--since`, … */
function filterMessage(error: FilterValidationError): string {
  const issue = error.issues[0];
  if (!issue) return error.message;
  const path = issue.path.replace(/^filters\./, '');
  const flag = path === 'start' ? '--since' : path === 'end' ? '--until' : CLIENT_OPTIONS.has(path) ? `--… ${path}` : `--filter ${path}`;
  return `${flag}: ${issue.message}`;
}

/** The resume command names a secret given as a flag by its environment variable instead of repeating it. */
function resumeCommand(argv: string[]): string {
  const out: string[] = ['wafstream'];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(=.*)?$/.exec(argv[i]!);
    const env = m ? SECRET_ENV.get(m[1]!) : undefined;
    if (!m || env === undefined) out.push(quote(argv[i]!));
    else {
      out.push(`--${m[1]} "$${env}"`);
      if (m[2] === undefined) i++;
    }
  }
  return out.join(' ');
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

// `wafstream … | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
