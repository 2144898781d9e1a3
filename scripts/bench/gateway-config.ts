// The gateway config the gateway benchmarks serve: a strong and a weak model on the fake upstream,
// one router with the scorer the benchmark names, and the store when it is not the default SQLite
// file. Written as JSON into the benchmark's work folder.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeGatewayBenchConfig(dir: string, upstreamUrl: string, scorer: 'learned' | 'random', store?: { kind: 'postgres'; urlEnv: string }): string {
  const file = join(dir, store ? 'triage.postgres.config.json' : 'triage.config.json');
  const config = {
    providers: { fake: { baseUrl: upstreamUrl } },
    models: {
      strong: { provider: 'fake', id: 'fake-strong', pricePerMTok: { input: 2, output: 8 } },
      weak: { provider: 'fake', id: 'fake-weak', pricePerMTok: { input: 0.1, output: 0.2 } },
    },
    routers: { default: { strong: 'strong', weak: 'weak', scorer, threshold: 0.5 } },
    server: { host: '127.0.0.1' },
    ...(store ? { store } : {}),
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}
