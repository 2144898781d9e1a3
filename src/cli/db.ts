// `triage db migrate|status|copy|prune`: schema migrations on either backend, moving a log from
// one store to another (SQLite -> Postgres), and pruning rows past a retention window by hand.
// Stores are named as for --db: a SQLite file (optionally "sqlite:FILE") or a postgres:// URL;
// passwords in URLs are never printed.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { copyStore } from '../store/copy.ts';
import { migrateStore, migrationStatus } from '../store/migration-admin.ts';
import { pruneOnce } from '../store/retention.ts';
import { describeTarget, parseStoreTarget, type StoreTarget } from '../store/target.ts';
import { logPath, openLogFile } from './log-file.ts';
import { UsageError } from './usage-error.ts';

export const help = `Usage: triage db status [--db FILE|URL]
       triage db migrate [--db FILE|URL]
       triage db copy --from sqlite:triage.db --to postgres://user:password@host:5432/db [--batch 500]
       triage db prune --days N [--db FILE|URL]

The decision log's database: a SQLite file, or Postgres (a postgres:// URL). Default store: --db,
else TRIAGE_DB, else TRIAGE_DATABASE_URL, else triage.db.
  status    applied and pending schema migrations
  migrate   applies the pending migrations (gateways also do this when they start; safe to run
            while other instances start: Postgres migrations run under an advisory lock)
  copy      copies every table (decisions, outcomes, keys, calibrations, shadow labels, model
            versions, audit) in batches; rows already in the target are skipped, so a re-run
            copies only what is new. Prints the rows read and copied per table.
  prune     deletes decisions older than N days, and their outcomes, in small batches
`;

const when = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function status(target: StoreTarget): Promise<number> {
  const result = await migrationStatus(target);
  const lines = [`${describeTarget(target)} (${target.kind})`];
  for (const m of result.applied) lines.push(`  applied  ${String(m.version).padStart(3)}  ${when(m.appliedAt)}  ${m.name}`);
  for (const m of result.pending) lines.push(`  pending  ${String(m.version).padStart(3)}  ${''.padEnd(20)}  ${m.name}`);
  lines.push(`${result.applied.length} applied, ${result.pending.length} pending`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function migrate(target: StoreTarget): Promise<number> {
  const applied = await migrateStore(target);
  process.stdout.write(
    applied.length === 0
      ? `${describeTarget(target)}: schema up to date, nothing to apply\n`
      : `${describeTarget(target)}: applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}\n`,
  );
  return 0;
}

async function copy(from: string | undefined, to: string | undefined, batch: string | undefined): Promise<number> {
  if (!from || !to) throw new UsageError('copy needs --from and --to (e.g. --from sqlite:triage.db --to postgres://...)');
  if (batch !== undefined && !/^\d+$/.test(batch)) throw new UsageError(`--batch must be a whole number, got "${batch}"`);
  const source = parseStoreTarget(from);
  const target = parseStoreTarget(to);
  process.stdout.write(`copying ${describeTarget(source)} -> ${describeTarget(target)}\n`);
  let read = 0;
  let copied = 0;
  await copyStore(source, target, {
    ...(batch === undefined ? {} : { batchSize: Number(batch) }),
    onTable: (count) => {
      read += count.read;
      copied += count.copied;
      process.stdout.write(`  ${count.table.padEnd(15)} ${String(count.read).padStart(9)} read  ${String(count.copied).padStart(9)} copied  ${String(count.read - count.copied).padStart(9)} already there\n`);
    },
  });
  process.stdout.write(`done: ${read} rows read, ${copied} copied\n`);
  return 0;
}

async function prune(db: string | undefined, days: string | undefined): Promise<number> {
  if (days === undefined || !/^\d+(\.\d+)?$/.test(days) || Number(days) <= 0) throw new UsageError('prune needs --days N (a positive number)');
  const path = logPath(db, processEnv());
  const store = await openLogFile(path);
  try {
    let decisions = 0;
    let outcomes = 0;
    for (;;) {
      const result = await pruneOnce(store, { retentionDays: Number(days), pruneIntervalMs: 1, pruneBatchSize: 1_000 });
      decisions += result.decisions;
      outcomes += result.outcomes;
      if (result.done) break;
    }
    process.stdout.write(`${describeTarget(parseStoreTarget(path))}: pruned ${decisions} decisions and ${outcomes} outcomes older than ${days} days\n`);
  } finally {
    await store.close();
  }
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      batch: { type: 'string' },
      days: { type: 'string' },
    },
    strict: true,
  });
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\n\n${help}`);
  const target = (): StoreTarget => parseStoreTarget(logPath(values.db, processEnv()));
  switch (action) {
    case 'status':
      return status(target());
    case 'migrate':
      return migrate(target());
    case 'copy':
      return copy(values.from, values.to, values.batch);
    case 'prune':
      return prune(values.db, values.days);
    default:
      throw new UsageError(`say status, migrate, copy or prune\n\n${help}`);
  }
}
