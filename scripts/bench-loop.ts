// bench:loop — the learning loop as a team would run it, measured. A labelled set is split (by a
// hash of each prompt) into a traffic stream and a held-out test. The traffic goes through the real
// gateway (`triage serve` child, learned router on the shipped model) against the fake upstream.
// Labels arrive through shadow judging (default, `--channel shadow`: every request sampled, the
// fake upstream plays strong, weak and judge, the judge answering from the set's scores: strong
// better -> the strong answer wins, weak better -> the weak one, equal -> [[C]]), or through
// POST /v1/feedback (`--channel feedback`: strong better -> strong_needed, else weak_ok). After 0, 100, 300, 1000 and 3000 labels (as many as the
// stream holds) it runs `triage retrain` (a child process: public train splits + own labels, the
// regression gate on the own labels' held-out split) and prints the held-out APGR, with its 95%
// bootstrap interval, of the candidate and of the model active after the gate.
// Default set: the RouteLLM MMLU test split (held out from the shipped model's training).
// Usage: npm run bench:loop [-- --data FILE --strong A --weak B --steps 0,100,300 --max-minutes 20]

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { evaluateScores } from '../src/eval/evaluate-router.ts';
import { scoreRecords } from '../src/learning/retrain/run.ts';
import { createLearnedScorer, DEFAULT_MODELS_DIR } from '../src/scoring/learned.ts';
import { buildDatasets } from '../src/training/data/build.ts';
import type { LabelledRecord } from '../src/training/data/format.ts';
import { readRecords, writeRecords } from '../src/training/data/jsonl.ts';
import { DEFAULT_MANIFEST_PATH, readManifest } from '../src/training/data/manifest.ts';
import { hashUnit } from '../src/training/data/split.ts';
import { mostCommonPair } from '../src/training/pair.ts';
import Database from 'better-sqlite3';
import { SECTION } from '../src/learning/judge/pairwise-llm/prompt.ts';
import { isJudgeRequest, STRONG_TEXT, WEAK_TEXT } from '../test/support/fake-judge.ts';
import { startFakeUpstream, type FakeChatRequest } from '../test/support/fake-upstream.ts';
import { BIN, spawnGateway } from '../test/support/spawn-gateway.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    strong: { type: 'string' },
    weak: { type: 'string' },
    steps: { type: 'string', default: '0,100,300,1000,3000' },
    'test-fraction': { type: 'string', default: '0.3' },
    sources: { type: 'string', default: 'routellm-mmlu,routellm-gsm8k' },
    bootstrap: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '4' },
    'max-minutes': { type: 'string', default: '20' },
    'data-dir': { type: 'string', default: 'training-data' },
    channel: { type: 'string', default: 'shadow' },
  },
});
// Child processes (`triage serve`, `triage retrain`) run these sources, not a dist/ that may be stale.
process.env['TRIAGE_SOURCE'] = '1';
const started = Date.now();
const deadline = started + Number(values['max-minutes']) * 60_000;
const resamples = Number(values.bootstrap);
const work = mkdtempSync(join(tmpdir(), 'triage-bench-loop-'));
const log = (line: string): void => void process.stderr.write(`[bench:loop ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);

/** The public labelled files, from the data folder or built from the mirror with the project's data helpers. */
async function publicFile(name: string): Promise<string> {
  const local = resolve(values['data-dir'], `${name}.jsonl`);
  if (existsSync(local)) return local;
  const mirror = process.env['TRIAGE_DATA_MIRROR'] ?? resolve('..', 'shared', 'data', 'raw');
  const out = join(work, 'built');
  await buildDatasets({ manifest: await readManifest(DEFAULT_MANIFEST_PATH), outDir: out, sources: [name], fetch: { mirror, offline: true } });
  return join(out, `${name}.jsonl`);
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

async function main(): Promise<void> {
  const setName = values.data ? resolve(values.data) : 'routellm-mmlu (test split)';
  const all = values.data ? await readRecords(resolve(values.data)) : (await readRecords(await publicFile('routellm-mmlu'))).filter((r) => r.split === 'test');
  const pair = values.strong && values.weak ? { strong: values.strong, weak: values.weak } : mostCommonPair(all);
  const usable = all.filter((r) => r.prompt.trim() !== '' && r.scores[pair.strong] !== undefined && r.scores[pair.weak] !== undefined);
  // The bench's own split, on a salt of its own: the export's split of own labels (by prompt hash)
  // must still find held-out prompts inside the traffic.
  const isTest = (r: LabelledRecord): boolean => hashUnit(`bench-loop:${r.promptHash}`) < Number(values['test-fraction']);
  const test = usable.filter(isTest);
  const traffic = usable.filter((r) => !isTest(r));
  log(`${setName}: ${usable.length} records for ${pair.strong} vs ${pair.weak}: traffic ${traffic.length}, held-out test ${test.length}`);

  // Public training data for the candidates: train splits only, none sharing a prompt with the set.
  const setHashes = new Set(usable.map((r) => r.promptHash));
  const publicDir = join(work, 'public');
  mkdirSync(publicDir, { recursive: true });
  const sources = values.sources.split(',').map((s) => s.trim()).filter(Boolean);
  for (const source of sources) {
    const train = (await readRecords(await publicFile(source))).filter((r) => r.split === 'train' && !setHashes.has(r.promptHash));
    await writeRecords(join(publicDir, `${source}.jsonl`), train);
  }

  // The judge recognises a prompt by the end of the conversation it is shown (the transcript keeps
  // the newest characters) and answers from the set's scores.
  const tail = (text: string): string => text.trim().slice(-160);
  const verdictOf = new Map<string, 'strong' | 'weak' | 'tie'>();
  for (const r of traffic) {
    const s = r.scores[pair.strong] ?? 0;
    const w = r.scores[pair.weak] ?? 0;
    verdictOf.set(tail(r.prompt), s > w ? 'strong' : w > s ? 'weak' : 'tie');
  }
  const text = (content: unknown): string => (typeof content === 'string' ? content : '');
  const between = (body: string, start: string, end: string): string => {
    const from = body.indexOf(start);
    const to = body.indexOf(end, from);
    return from === -1 || to === -1 ? '' : body.slice(from + start.length, to);
  };
  const answerFor = (request: FakeChatRequest): string | undefined => {
    if (!isJudgeRequest(request)) return request.model === pair.strong ? STRONG_TEXT : request.model === pair.weak ? WEAK_TEXT : undefined;
    const body = text(request.messages[1]?.content);
    const verdict = verdictOf.get(tail(between(body, SECTION.conversationStart, SECTION.conversationEnd)));
    if (verdict === undefined) return 'I cannot tell.';
    if (verdict === 'tie') return 'Equally good.\n[[C]]';
    const aIsStrong = between(body, SECTION.answerStart('A'), SECTION.answerEnd('A')).includes(STRONG_TEXT);
    return (verdict === 'strong') === aIsStrong ? 'A is better.\n[[A]]' : 'B is better.\n[[B]]';
  };
  const shadow = values.channel === 'shadow';
  if (!shadow && values.channel !== 'feedback') throw new Error('--channel must be shadow or feedback');
  const upstream = await startFakeUpstream({ answerFor });
  const db = join(work, 'log.db');
  const config = join(work, 'triage.config.yaml');
  const shadowConfig = shadow ? ', shadow: { sampleRate: 1, judge: judge, maxUsdPerDay: 1000, concurrency: 4, queueSize: 10000 }' : '';
  writeFileSync(config, `providers:\n  up: { baseUrl: ${upstream.url} }\nmodels:\n  strong: { provider: up, id: ${JSON.stringify(pair.strong)}, pricePerMTok: { input: 1, output: 1 } }\n  weak: { provider: up, id: ${JSON.stringify(pair.weak)}, pricePerMTok: { input: 0.1, output: 0.1 } }\n  judge: { provider: up, id: fake-judge, pricePerMTok: { input: 1, output: 1 } }\nrouters:\n  default: { strong: strong, weak: weak, threshold: 0.5, scoreTimeoutMs: 5000${shadowConfig} }\nstore: { flushIntervalMs: 50 }\n`);
  const gateway = await spawnGateway(['--config', config, '--db', db]);
  let activeDir = join(DEFAULT_MODELS_DIR, 'default');
  const rows: string[] = [];
  let failed = 0;
  try {
    const heldOut = async (dir: string): Promise<string> => {
      const scorer = await createLearnedScorer({ modelDir: dir });
      try {
        const scores = await scoreRecords(scorer, test);
        const m = evaluateScores(scores, { strong: Float64Array.from(test, (r) => r.scores[pair.strong] ?? 0), weak: Float64Array.from(test, (r) => r.scores[pair.weak] ?? 0) }, { bootstrap: { resamples, seed: 1 } });
        return `${f3(m.apgr)} [${f3(m.ci?.apgr.low ?? NaN)}, ${f3(m.ci?.apgr.high ?? NaN)}]`;
      } finally {
        await scorer.close();
      }
    };
    const steps = values.steps.split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 0 && n <= traffic.length);
    if (traffic.length > (steps[steps.length - 1] ?? 0) && !values.steps.includes(String(traffic.length))) steps.push(traffic.length);
    let sent = 0;
    for (const step of steps) {
      if (Date.now() > deadline) {
        log(`time budget of ${values['max-minutes']} min used up: stopping before ${step} labels`);
        break;
      }
      // Send the traffic up to this step, each answer followed by its label.
      const todo = traffic.slice(sent, step);
      let next = 0;
      await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
        while (next < todo.length) {
          const record = todo[next++]!;
          const response = await fetch(`${gateway.url}/v1/chat/completions`, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content: record.prompt }] }),
          });
          await response.arrayBuffer();
          const id = response.headers.get('x-triage-decision-id');
          if (response.status !== 200 || !id) {
            failed++;
            continue;
          }
          if (shadow) continue;
          const label = (record.scores[pair.strong] ?? 0) > (record.scores[pair.weak] ?? 0) ? 'strong_needed' : 'weak_ok';
          const fb = await fetch(`${gateway.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision_id: id, label, source: 'app' }) });
          if (fb.status !== 201) failed++;
          await fb.arrayBuffer();
        }
      }));
      sent = step;
      if (shadow && step > 0) {
        // Shadow jobs run off the request path: wait (bounded) until every sent request has its row.
        const limit = Date.now() + 120_000;
        for (;;) {
          const raw = new Database(db, { readonly: true });
          const rows = Number(raw.prepare('SELECT count(*) FROM shadow_labels').pluck().get());
          raw.close();
          if (rows >= step || Date.now() > limit) {
            if (rows < step) log(`only ${rows} of ${step} shadow labels after 120 s`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      if (step === 0) {
        const active = await heldOut(activeDir);
        rows.push(`| 0 | - | shipped model | - | - | ${active} |`);
        log(`0 labels: shipped model held-out APGR ${active}`);
        continue;
      }
      const { stdout } = await run(process.execPath, [BIN, 'retrain', '--db', db, '--config', config, '--data-dir', publicDir, '--sources', sources.join(','), '--public-eval', 'none', '--bootstrap', String(resamples), '--json'], { maxBuffer: 64 << 20, env: { ...process.env, LOG_LEVEL: 'silent' } });
      const report = JSON.parse(stdout) as { id: string; promoted: boolean; verdict: { reason: string }; candidate: { dir: string }; own: { records: number; delta: { value: number; low: number; high: number } } | null };
      const candidate = await heldOut(report.candidate.dir);
      if (report.promoted) activeDir = report.candidate.dir;
      const active = await heldOut(activeDir);
      const d = report.own ? `${f3(report.own.delta.value)} [${f3(report.own.delta.low)}, ${f3(report.own.delta.high)}]` : '-';
      rows.push(`| ${step} | ${report.own?.records ?? 0} | ${report.promoted ? `promoted ${report.id}` : 'rejected'} | ${d} | ${candidate} | ${active} |`);
      log(`${step} labels: ${report.promoted ? 'promoted' : 'rejected'} (${report.verdict.reason}); held-out APGR candidate ${candidate}, active ${active}`);
    }
  } finally {
    await gateway.stop();
    await upstream.close();
  }
  process.stdout.write([
    `bench:loop on ${setName}: ${traffic.length} traffic prompts, ${test.length} held out; pair ${pair.strong} vs ${pair.weak}; labels via ${shadow ? 'shadow judging (fake judge answering from the set)' : 'POST /v1/feedback'}`,
    `public training sources for candidates: ${sources.join(', ')} (train splits); failed requests or feedback calls: ${failed}; ${((Date.now() - started) / 60000).toFixed(1)} min`,
    '',
    '| labelled requests | own held-out n | gate | dAPGR own (candidate - active) [95%] | candidate held-out APGR [95%] | active after gate, held-out APGR [95%] |',
    '| ---: | ---: | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'));
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:loop failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
