// Loads and validates the configuration: a YAML or JSON file, or the built-in default when no file
// is given and triage.config.yaml is absent. A .json file is parsed as JSON, anything else as YAML, so a
// syntax error is reported in its own format's terms. Errors name the file, the key path and what was expected.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { builtInConfig } from './defaults.ts';
import type { Env } from './env.ts';
import { ConfigSchema, type TriageConfig } from './schema.ts';
import { sqliteStoreAt } from './store-schema.ts';

export const DEFAULT_CONFIG_FILE = 'triage.config.yaml';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  config: TriageConfig;
  /** The file read, or "built-in default". */
  source: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : String(key))).join('.');
}

function formatIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
  return `invalid config in ${source}:\n${lines.join('\n')}`;
}

/** Validates a raw object as config; `source` names where it came from in errors. */
export function parseConfig(raw: unknown, source: string): TriageConfig {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(source, result.error));
  return result.data;
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ConfigError(`cannot parse config file ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`cannot parse config file ${file} as YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Loads `file` when given; otherwise triage.config.yaml in `cwd` when present; otherwise the
 * built-in default. Overrides (from CLI flags) are applied on top before validation.
 */
export function loadConfig(options: {
  file?: string;
  cwd?: string;
  env: Env;
  overrides?: { port?: number; dbPath?: string };
}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const implicit = resolve(cwd, DEFAULT_CONFIG_FILE);
  const file = options.file ? resolve(cwd, options.file) : existsSync(implicit) ? implicit : undefined;
  const raw = file ? readConfigFile(file) : builtInConfig(options.env);
  const source = file ?? 'built-in default';
  const config = parseConfig(raw, source);
  if (options.overrides?.port !== undefined) config.server.port = options.overrides.port;
  if (options.overrides?.dbPath !== undefined) config.store = sqliteStoreAt(options.overrides.dbPath, config.store);
  return { config, source };
}
