// Starts a throw-away Postgres cluster for a test run: initdb into a fresh temporary folder (as the
// `postgres` user through runuser when running as root, since Postgres refuses to run as root), then
// pg_ctl start listening only on a unix socket inside that folder (no TCP port to collide with).
// fsync is off: the cluster is thrown away at the end. stop() shuts it down and removes the folder.

import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCluster {
  /** Superuser URL on the cluster's maintenance database. */
  url: string;
  stop(): Promise<void>;
}

/** Finds a Postgres binary on PATH or under Debian's /usr/lib/postgresql/<version>/bin. */
async function findBinary(name: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', `command -v ${name} || ls -d /usr/lib/postgresql/*/bin/${name} 2>/dev/null | sort -V | tail -1`]);
  const path = stdout.trim().split('\n')[0] ?? '';
  if (!path) throw new Error(`${name} not found on PATH or under /usr/lib/postgresql/*/bin`);
  return path;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

export async function startTestCluster(): Promise<TestCluster> {
  const [initdb, pgCtl] = [await findBinary('initdb'), await findBinary('pg_ctl')];
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'triage-pg-'));
  const as = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  try {
    if (asRoot) {
      const user = await postgresUser();
      await chown(dir, user.uid, user.gid);
    }
    await chmod(dir, 0o755);
    const data = join(dir, 'data');
    await run(...as(initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']));
    const serverOptions = `-k ${dir} -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await run(...as(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '30', 'start']));
    const stop = async (): Promise<void> => {
      await run(...as(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'])).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    };
    return { url: `postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(dir)}`, stop };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
