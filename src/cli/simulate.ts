import { startSimulator } from '../testing/simulator.js';
import { duration, parse } from './args.js';
import { count } from './demo.js';
import { simulatorValues } from './registry.js';

export const SIMULATE_HELP = `wafstream simulate [--port N] [--records N] [--seed N] [--arrival-every 1s]

Runs the provider simulator on 127.0.0.1 until Ctrl-C, and prints its base URL and credentials as environment
variables, so that wafstream (or your own code) can be pointed at it.

Examples:
  wafstream simulate --port 8787
  eval "$(wafstream simulate --port 8787 &)"; wafstream export gcore --since 24h`;

/** `wafstream simulate`: the simulator on a port, until SIGINT/SIGTERM. */
export async function simulate(argv: string[]): Promise<'help' | void> {
  const { values } = parse(argv, { port: { type: 'string' }, records: { type: 'string' }, seed: { type: 'string' }, 'arrival-every': { type: 'string' } });
  if (values.help) return 'help';
  const port = count('port', values.port, 0);
  const arrivalEveryMs = values['arrival-every'] === undefined ? 0 : duration('arrival-every', values['arrival-every']);
  const sim = await startSimulator({ port, seed: count('seed', values.seed, 42), records: count('records', values.records, 1000), arrivalEveryMs });
  const env = Object.fromEntries([...simulatorValues(sim)].map(([field, value]) => [field.env, value]));
  // The simulator's own keys, made up from the seed: printing them is the point of this command.
  process.stdout.write(Object.entries(env).map(([k, v]) => `export ${k}=${v}\n`).join(''));
  process.stderr.write(`simulator listening on ${sim.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
}
