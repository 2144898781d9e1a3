// Reads a V8 .cpuprofile (written by `node --cpu-prof`) and lists the functions with the most self
// time, optionally only inside a time window of the profile (ms from its start).
// Usage: node --import tsx scripts/bench/cpu-profile-top.ts FILE.cpuprofile [--top 15] [--from-ms A --to-ms B]

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const CpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number(), columnNumber: z.number() }),
    }),
  ),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
export type CpuProfile = z.infer<typeof CpuProfileSchema>;

export interface SelfTimeRow {
  functionName: string;
  /** file:line (file only for .ts sources), relative to the repository, node_modules paths shortened. */
  location: string;
  selfMs: number;
  /** Share of the window's non-idle samples. */
  percent: number;
}

export interface SelfTimeSummary {
  windowMs: number;
  busyMs: number;
  idleMs: number;
  rows: SelfTimeRow[];
  /** Self time summed by area (a package, a node subsystem, a src/ folder), largest first. */
  areas: Array<{ area: string; selfMs: number; percent: number }>;
}

/** The area a location belongs to, for a coarser view than single functions. */
export function areaOf(location: string, functionName: string): string {
  if (location === '(native)') return functionName === '(garbage collector)' ? 'garbage collector' : 'native (V8, syscalls)';
  if (location.startsWith('node:internal/deps/undici')) return 'undici (fetch)';
  if (location.startsWith('node:internal/webstreams') || location.startsWith('node:internal/worker/js_transferable')) return 'web streams';
  if (location.startsWith('node:')) return `node core (${location.slice(5).split(/[/:]/).slice(0, location.startsWith('node:internal/') ? 2 : 1).join('/')})`;
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (pkg?.[1]) return pkg[1];
  const src = /^(src\/[^/]+)\//.exec(location);
  if (src?.[1]) return src[1];
  return location.split(':')[0] ?? location;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function shortLocation(url: string, line: number): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? relative(REPO, fileURLToPath(url)) : url;
  const short = path.replace(/^(\.\.\/)*.*?node_modules\//, 'node_modules/');
  // tsx compiles .ts files on load, so their line numbers are positions in the compiled code: omit them.
  return short.endsWith('.ts') ? short : `${short}:${line + 1}`;
}

export function readCpuProfile(file: string): CpuProfile {
  return CpuProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Self time per function (same name and location merged), largest first. */
export function topSelfTime(profile: CpuProfile, options: { top: number; fromMs?: number; toMs?: number }): SelfTimeSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, { functionName: string; location: string; selfUs: number }>();
  const from = (options.fromMs ?? 0) * 1000;
  const to = (options.toMs ?? Number.POSITIVE_INFINITY) * 1000;
  let at = profile.startTime;
  let idleUs = 0;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    // A sample lasts until the next one (DevTools' convention); the last one until the profile ends.
    const duration = (i + 1 < profile.samples.length ? (profile.timeDeltas[i + 1] ?? 0) : profile.endTime - at);
    const offset = at - profile.startTime;
    if (offset < from || offset > to) continue;
    const frame = frames.get(profile.samples[i] ?? -1);
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idleUs += duration;
      continue;
    }
    busyUs += duration;
    const location = shortLocation(frame.url, frame.lineNumber);
    const key = `${frame.functionName}@${location}`;
    const entry = byFunction.get(key) ?? { functionName: frame.functionName || '(anonymous)', location, selfUs: 0 };
    entry.selfUs += duration;
    byFunction.set(key, entry);
  }
  const rows = [...byFunction.values()]
    .sort((a, b) => b.selfUs - a.selfUs)
    .slice(0, options.top)
    .map((e) => ({ functionName: e.functionName, location: e.location, selfMs: e.selfUs / 1000, percent: busyUs > 0 ? (100 * e.selfUs) / busyUs : 0 }));
  const byArea = new Map<string, number>();
  for (const e of byFunction.values()) {
    const area = areaOf(e.location, e.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + e.selfUs);
  }
  const areas = [...byArea.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, selfMs: us / 1000, percent: busyUs > 0 ? (100 * us) / busyUs : 0 }));
  return { windowMs: (busyUs + idleUs) / 1000, busyMs: busyUs / 1000, idleMs: idleUs / 1000, rows, areas };
}

export function formatSelfTime(summary: SelfTimeSummary): string {
  const lines = [
    `window ${summary.windowMs.toFixed(0)} ms: busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms`,
    '| # | self ms | % of busy | function | location |',
    '|---|---|---|---|---|',
  ];
  summary.rows.forEach((row, i) =>
    lines.push(`| ${i + 1} | ${row.selfMs.toFixed(0)} | ${row.percent.toFixed(1)}% | \`${row.functionName}\` | ${row.location} |`),
  );
  lines.push('', '| area | self ms | % of busy |', '|---|---|---|');
  for (const a of summary.areas.slice(0, 12)) lines.push(`| ${a.area} | ${a.selfMs.toFixed(0)} | ${a.percent.toFixed(1)}% |`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '15' }, 'from-ms': { type: 'string' }, 'to-ms': { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: cpu-profile-top.ts FILE.cpuprofile [--top 15] [--from-ms A --to-ms B]');
  const fromMs = values['from-ms'] === undefined ? undefined : Number(values['from-ms']);
  const toMs = values['to-ms'] === undefined ? undefined : Number(values['to-ms']);
  console.log(formatSelfTime(topSelfTime(readCpuProfile(file), { top: Number(values.top), fromMs, toMs })));
}
