// A throw-away Postgres cluster for a test run, started lazily: the global setup only reserves a
// folder (postgres.setup.ts), and the first test suite that asks for a database starts the
// cluster there (initdb, then pg_ctl start, as the `postgres` user through runuser when running as
// root, since Postgres refuses to run as root). Test files run in parallel worker processes, so the
// start is guarded by an atomic lock (mkdir); the others wait for the URL file it writes. The
// cluster listens only on a unix socket inside the folder (no TCP port to collide with); fsync is
// off since it is thrown away. The global teardown stops it and removes the folder. A run whose
// files never ask for Postgres never starts one.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Finds a Postgres binary on PATH or under Debian's /usr/lib/postgresql/<version>/bin. */
export async function findBinary(name: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', `command -v ${name} || ls -d /usr/lib/postgresql/*/bin/${name} 2>/dev/null | sort -V | tail -1`]);
  const path = stdout.trim().split('\n')[0] ?? '';
  if (!path) throw new Error(`${name} not found on PATH or under /usr/lib/postgresql/*/bin`);
  return path;
}

const asRoot = (): boolean => process.getuid?.() === 0;

function as(command: string, args: string[]): [string, string[]] {
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** Checks that a cluster could be started here, and reserves the folder it will live in. */
export async function reserveClusterDir(): Promise<string> {
  await findBinary('initdb');
  await findBinary('pg_ctl');
  const dir = await mkdtemp(join(tmpdir(), 'triage-pg-'));
  try {
    if (asRoot()) {
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
      await chown(dir, uid, gid);
    }
    await chmod(dir, 0o755);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string): Promise<string> {
  const [initdb, pgCtl] = [await findBinary('initdb'), await findBinary('pg_ctl')];
  const data = join(dir, 'data');
  await run(...as(initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']));
  const serverOptions = `-k ${dir} -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  await run(...as(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '60', 'start']));
  return `postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(dir)}`;
}

/** The cluster's admin URL, starting it first when no other test process has. */
export async function ensureCluster(dir: string, waitMs = 90_000): Promise<string> {
  const urlFile = join(dir, 'url');
  const failedFile = join(dir, 'failed');
  if (existsSync(urlFile)) return (await readFile(urlFile, 'utf8')).trim();
  let owner = true;
  try {
    await mkdir(join(dir, 'lock'));
  } catch {
    owner = false;
  }
  if (owner) {
    try {
      const url = await startIn(dir);
      await writeFile(`${urlFile}.tmp`, url);
      await rename(`${urlFile}.tmp`, urlFile);
      return url;
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      await writeFile(failedFile, message);
      throw new Error(`the test Postgres cluster could not start: ${message}`);
    }
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (existsSync(urlFile)) return (await readFile(urlFile, 'utf8')).trim();
    if (existsSync(failedFile)) throw new Error(`the test Postgres cluster could not start: ${await readFile(failedFile, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the test Postgres cluster did not start within ${waitMs} ms`);
}

/** Stops the cluster in `dir` if one was started, and removes the folder. */
export async function removeCluster(dir: string): Promise<void> {
  if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
    const pgCtl = await findBinary('pg_ctl');
    await run(...as(pgCtl, ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'])).catch(() => {});
  }
  await rm(dir, { recursive: true, force: true });
}

export interface TestCluster {
  /** Superuser URL on the cluster's maintenance database. */
  url: string;
  stop(): Promise<void>;
}

/** Starts a cluster right away (for scripts outside vitest, e.g. the fleet bench); stop() removes it. */
export async function startTestCluster(): Promise<TestCluster> {
  const dir = await reserveClusterDir();
  try {
    return { url: await ensureCluster(dir), stop: () => removeCluster(dir) };
  } catch (error) {
    await removeCluster(dir);
    throw error;
  }
}
