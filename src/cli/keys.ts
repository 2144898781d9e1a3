// `triage keys create|list|revoke`: gateway keys in the decision log's database. The secret is
// printed once, at creation; only its hash is stored. A running gateway on the same database sees
// a new or revoked key within a second.

import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { parseKeyBudget, type GatewayKey } from '../store/keys.ts';
import { logPath, openLogFile } from './log-file.ts';
import { parseTagsHeader } from '../server/parse.ts';

export const help = `Usage: triage keys create --name NAME [--tags k=v,k2=v2] [--budget 50/month] [--models triage,triage/fast] [--admin] [--db FILE]
       triage keys list [--json] [--db FILE]
       triage keys revoke KEY_ID [--db FILE]

Gateway keys, stored hashed in the decision log's database (default: TRIAGE_DB, else triage.db).
  create    prints the new secret once (keep it: it cannot be shown again) and the key's id
  --tags    added to every decision row made with the key (they win over the caller's own tags)
  --budget  spend limit per UTC day, week or month; past it requests get 429 (insufficient_quota)
  --models  the model names (as clients send them) the key may use; default: any
  --admin   the key may also call admin endpoints
  list      every key with its limits and whether it is revoked (never a secret)
  revoke    the key stops working within a second on running gateways
`;

function describe(key: GatewayKey): string {
  const budget = key.budget ? `$${key.budget.usd}/${key.budget.period}` : 'no limit';
  const models = key.models ? key.models.join(',') : 'any model';
  const tags = Object.entries(key.tags).map(([k, v]) => `${k}=${v}`).join(',') || '-';
  const state = key.revokedAt === null ? 'active' : `revoked ${new Date(key.revokedAt).toISOString()}`;
  return [key.id, key.name, budget, models, `tags ${tags}`, key.admin ? 'admin' : '', state].filter(Boolean).join('  ');
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      name: { type: 'string' },
      tags: { type: 'string' },
      budget: { type: 'string' },
      models: { type: 'string' },
      admin: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, id] = positionals;
  const path = logPath(values.db, processEnv());
  if (action !== 'create' && action !== 'list' && action !== 'revoke') throw new Error(`say create, list or revoke\n\n${help}`);
  const store = await openLogFile(path);
  try {
    if (action === 'create') {
      if (!values.name) throw new Error('create needs --name');
      const models = values.models?.split(',').map((m) => m.trim()).filter(Boolean);
      const { key, secret } = await store.createKey({
        name: values.name,
        tags: parseTagsHeader(values.tags),
        budget: values.budget ? parseKeyBudget(values.budget) : null,
        models: models && models.length > 0 ? models : null,
        admin: values.admin === true,
      });
      process.stdout.write(values.json ? `${JSON.stringify({ ...key, secret })}\n` : `${secret}\n${describe(key)}\n`);
      return 0;
    }
    if (action === 'list') {
      const keys = await store.listKeys();
      process.stdout.write(values.json ? `${JSON.stringify(keys, null, 2)}\n` : `${keys.map(describe).join('\n') || 'no keys'}\n`);
      return 0;
    }
    if (!id) throw new Error('revoke needs a key id (see triage keys list)');
    if (!(await store.revokeKey(id))) throw new Error(`no key with id ${id}`);
    process.stdout.write(`revoked ${id}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
