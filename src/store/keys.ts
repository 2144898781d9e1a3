// The gateway-key store: keys as first-class objects (name, tags, spend limit, allowed models,
// admin flag), kept hashed: the plaintext is returned once by createKey and never stored. A key's
// id is "key_" + the first 12 hex digits of the sha256 of its secret, the same id under which a key
// from TRIAGE_API_KEYS appears in the log. Implemented by the SQLite and memory stores and checked
// by test/store/key-store.conformance.ts.

import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BudgetPeriodSchema } from '../config/schema.ts';


export const KeyBudgetSchema = z.object({ usd: z.number().positive(), period: BudgetPeriodSchema }).strict();
export type KeyBudget = z.infer<typeof KeyBudgetSchema>;

export const GatewayKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.number(),
    revokedAt: z.number().nullable(),
    /** Added to every decision row made with this key (they win over the caller's own tags). */
    tags: z.record(z.string(), z.string()),
    budget: KeyBudgetSchema.nullable(),
    /** Model names (as clients send them) this key may use; null: any. */
    models: z.array(z.string()).nullable(),
    admin: z.boolean(),
  })
  .strict();
export type GatewayKey = z.infer<typeof GatewayKeySchema>;

export interface NewGatewayKey {
  name: string;
  tags?: Record<string, string>;
  budget?: KeyBudget | null;
  models?: string[] | null;
  admin?: boolean;
}

export interface KeyStore {
  /** Creates a key; the secret is returned here only. */
  createKey(input: NewGatewayKey, now?: number): Promise<{ key: GatewayKey; secret: string }>;
  /** Every key, revoked ones included, oldest first. */
  listKeys(): Promise<GatewayKey[]>;
  /** The key whose secret hashes to `hash` (sha256 hex), revoked or not. */
  keyByHash(hash: string): Promise<GatewayKey | undefined>;
  /** Marks a key revoked; false when no key has that id. Revoking twice keeps the first time. */
  revokeKey(id: string, now?: number): Promise<boolean>;
  /** USD spent under a key since `since` (epoch ms), from the decision log. */
  spentSince(keyId: string, since: number): Promise<number>;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret.trim()).digest('hex');
}

export function keyIdOfHash(hash: string): string {
  return `key_${hash.slice(0, 12)}`;
}

/** A new secret: "tk_" and 32 random bytes, base64url. */
export function newSecret(): string {
  return `tk_${randomBytes(32).toString('base64url')}`;
}

/** Parses "50/month", "5/day", "200/week" into a budget. */
export function parseKeyBudget(text: string): KeyBudget {
  const match = /^(\d+(?:\.\d+)?)\/(day|week|month)$/.exec(text.trim());
  if (!match) throw new Error(`budget must look like 50/month, 5/day or 200/week, got "${text}"`);
  return KeyBudgetSchema.parse({ usd: Number(match[1]), period: match[2] });
}

/** A new key record with its secret and hash (what both store implementations persist). */
export function buildKey(input: NewGatewayKey, now: number): { key: GatewayKey; secret: string; hash: string } {
  const secret = newSecret();
  const hash = hashSecret(secret);
  const key = GatewayKeySchema.parse({
    id: keyIdOfHash(hash),
    name: input.name,
    createdAt: now,
    revokedAt: null,
    tags: input.tags ?? {},
    budget: input.budget ?? null,
    models: input.models ?? null,
    admin: input.admin ?? false,
  });
  return { key, secret, hash };
}
