/** Process entry point: starts Boussole, prints its address, stops cleanly on SIGTERM/SIGINT. */
import { startBoussole } from './app/boussole';
import { ConfigError } from './config/config';
import { EmbeddedDbError } from './db/embedded-ferretdb';
import { warmUpNumberRecognizers } from './nlu/numbers';

async function main(): Promise<void> {
  // Before the first person, not during their turn (tests start the app without it: they need no
  // number words). Before the app starts: it blocks for seconds, which would stall the database
  // calls of a running server (and look like the database being down).
  warmUpNumberRecognizers();
  const app = await startBoussole();
  process.stdout.write(`\nBoussole is running: open ${app.url} in your browser.\n\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'boussole.stopping', signal })}\n`);
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof EmbeddedDbError) process.stderr.write(`\n${err.message}\n\n`);
  else process.stderr.write(`\nBoussole could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n\n`);
  process.exit(1);
});
