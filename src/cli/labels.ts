// `triage labels export`: the team's own labels (feedback, shadow verdicts, exploration outcomes)
// from the decision log as normalised labelled JSONL, to standard output or --out FILE.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { loadConfig } from '../config/load.ts';
import { formatRecords, writeRecords } from '../training/data/jsonl.ts';
import { openLog } from './log-file.ts';
import { describeExport, parseConfidence, parseSince, readOwnLabels } from './own-labels.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage: triage labels export [--db FILE] [--since 7d] [--min-confidence 0.5] [--out FILE] [--config FILE]

Writes the labels the decision log holds — feedback (POST /v1/feedback), shadow judges' verdicts
and exploration outcomes — as labelled JSONL records (source "own-traffic", split train/test by
prompt hash), one per decision, scored for the router's strong and weak model ids from the config.
Without --out the records go to standard output and the summary to standard error.

Prompts are not logged by default: a record then has prompt "" and carries the decision's stored
feature vector ("features": {"layout", "vector"}), which \`triage train\` and \`triage retrain\` use as
the record's input. Check the file with \`triage data check FILE\`.

  --db FILE              decision log (default $TRIAGE_DB, else triage.db)
  --since WHEN           labels recorded since: 24h, 7d, an ISO date or epoch ms (default: all)
  --min-confidence X     drop labels below this confidence: explicit labels and consistent
                         verdicts 1, order-inconsistent verdicts 0.5, a rating r |2r - 1| (default 0)
  --out FILE             write here instead of standard output
  --config FILE          config whose routers name the pairs (default ./triage.config.yaml, else built-in)
`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') {
    process.stderr.write(`triage labels: expected "export"\n\n${help}`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { db: { type: 'string' }, since: { type: 'string' }, 'min-confidence': { type: 'string' }, out: { type: 'string' }, config: { type: 'string' } },
    strict: true,
  });
  const env = processEnv();
  const since = parseSince(values.since);
  const minConfidence = parseConfidence(values['min-confidence']);
  if (values.out === '') throw new UsageError('--out needs a file name');
  const { config } = loadConfig({ ...(values.config ? { file: values.config } : {}), env });
  const store = await openLog(values.db, env);
  try {
    const { records, stats } = await readOwnLabels(store, config, { ...(since !== undefined ? { since } : {}), ...(minConfidence !== undefined ? { minConfidence } : {}) });
    if (values.out) {
      await writeRecords(values.out, records);
      process.stdout.write(`${describeExport(stats)}\nwrote ${values.out}\n`);
    } else {
      process.stdout.write(formatRecords(records));
      process.stderr.write(`${describeExport(stats)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
