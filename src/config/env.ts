// The one place that reads environment variables. Everything else receives values from here.

export type Env = Readonly<Record<string, string | undefined>>;

/** The process environment (a snapshot, so tests can pass their own). */
export function processEnv(): Env {
  return { ...process.env };
}

/** Secrets named by config (apiKeyEnv), read at the moment they are needed. Never logged. */
export function readSecret(env: Env, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const value = env[name];
  return value && value.trim() !== '' ? value.trim() : undefined;
}

/** Comma-separated list from an environment variable (empty entries dropped). */
export function readList(env: Env, name: string): string[] {
  const value = env[name];
  if (!value) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
