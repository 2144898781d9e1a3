// bench:gateway helper: the fake OpenAI-compatible upstream the tests use, alone in its own process,
// so it does not share an event loop with the gateway or the load generator. Prints one
// `{"event":"listening","url":...}` line (the base URL, ending in /v1) and runs until SIGTERM.

import { startFakeUpstream } from '../../test/support/fake-upstream.ts';

const upstream = await startFakeUpstream({ text: 'ok', chunks: 1 });
process.stdout.write(`${JSON.stringify({ event: 'listening', url: upstream.url })}\n`);
process.once('SIGTERM', () => {
  void upstream.close().then(() => process.exit(0));
});
