// Simulates the share controller on a fleet window that arrives late: two instances, one getting
// hard prompts (scores uniform in [0.45, 1]) and one easy ones ([0, 0.55]), target 30%, window 500,
// each instance seeing the other's decisions only `lag` decisions late (the sync delay). Compares
// a view of the fleet window alone (every instance computes from the same, equally late window)
// with one that adds the instance's own decisions at once, for several controller gains. Prints the
// fleet's strong share over the second half of 1,600 decisions, min and max over 4 seeds.
// A second table follows the Postgres protocol itself: each instance writes its own decisions and
// reads back the fleet's newest 500 written ones every `every` of its own decisions, and its
// threshold stays fixed in between (a timer-only sync at 500 ms, with 800 requests in 2.8 s between
// two instances, is every ~140 decisions; a sync once a fiftieth of the window waits is every 10).
// Usage: node --import tsx scripts/sim-fleet-share.ts

import { seededRandom } from '../src/eval/prng.ts';
import { ShareController } from '../src/learning/live/share-controller.ts';
import { RingWindow } from '../src/store/shared-state/local/share-window.ts';
import type { DecisionWindow, WindowView } from '../src/store/shared-state/share-window.ts';

/** 800 rounds of one hard (instance 0) and one easy (instance 1) prompt; the fleet's strong share over the second half. */
function runPair(all: readonly { strong: boolean }[], controllers: ShareController[], seed: number): number {
  const random = seededRandom(seed);
  for (let i = 0; i < 800; i++) {
    controllers.forEach((controller, instance) => {
      const u = random();
      const score = instance === 0 ? 0.45 + 0.55 * u : 0.55 * u;
      controller.observe(score, score >= controller.threshold());
    });
  }
  const tail = all.slice(all.length / 2);
  return tail.filter((d) => d.strong).length / tail.length;
}

type Mode = 'fleet window alone' | 'own decisions at once';

function fleetShare(mode: Mode, gain: number, lag: number, seed: number): number {
  const all: { instance: number; score: number; strong: boolean }[] = [];
  const windowOf = (me: number): DecisionWindow => {
    let version = 0;
    return {
      get version() {
        return version;
      },
      record(score, strong) {
        all.push({ instance: me, score: score ?? 0, strong });
        version++;
      },
      view(): WindowView {
        const cut = Math.max(0, all.length - lag);
        const visible = mode === 'own decisions at once' ? all.filter((d, i) => d.instance === me || i < cut) : all.slice(0, cut);
        const ring = new RingWindow(500);
        for (const d of visible.slice(-500)) ring.record(d.score, d.strong);
        return ring;
      },
    };
  };
  return runPair(all, [0, 1].map((me) => new ShareController({ target: 0.3, prior: 0.7, gain, decisions: windowOf(me) })), seed);
}

/** The Postgres protocol: an instance's view is the snapshot read at its last sync (own decisions written first). */
function syncedFleetShare(every: number, seed: number): number {
  const all: { instance: number; score: number; strong: boolean; written: boolean }[] = [];
  const windowOf = (me: number): DecisionWindow => {
    let version = 0;
    let sinceSync = 0;
    let snapshot: WindowView | null = null;
    const sync = (): void => {
      for (const d of all) if (d.instance === me) d.written = true;
      const ring = new RingWindow(500);
      for (const d of all.filter((x) => x.written).slice(-500)) ring.record(d.score, d.strong);
      snapshot = ring;
      version++;
    };
    return {
      get version() {
        return version;
      },
      record(score, strong) {
        all.push({ instance: me, score: score ?? 0, strong, written: false });
        sinceSync += 1;
        if (sinceSync >= every) {
          sinceSync = 0;
          sync();
        } else if (!snapshot) version++;
      },
      view(): WindowView {
        if (snapshot) return snapshot;
        const ring = new RingWindow(500);
        for (const d of all.filter((x) => x.instance === me).slice(-500)) ring.record(d.score, d.strong);
        return ring;
      },
    };
  };
  return runPair(all, [0, 1].map((me) => new ShareController({ target: 0.3, prior: 0.7, gain: 1, decisions: windowOf(me) })), seed);
}

console.log('| view | gain | lag 10 | lag 50 | lag 150 | lag 300 | lag 500 |');
console.log('|---|---:|---|---|---|---|---|');
for (const mode of ['fleet window alone', 'own decisions at once'] as const) {
  for (const gain of [10, 3, 1]) {
    const cells = [10, 50, 150, 300, 500].map((lag) => {
      const shares = [1, 2, 3, 4].map((seed) => fleetShare(mode, gain, lag, seed));
      return `${Math.min(...shares).toFixed(3)}–${Math.max(...shares).toFixed(3)}`;
    });
    console.log(`| ${mode} | ${gain} | ${cells.join(' | ')} |`);
  }
}

console.log('');
console.log('| sync, gain 1 | every 10 | every 35 | every 70 | every 140 | every 250 |');
console.log('|---|---|---|---|---|---|');
const synced = [10, 35, 70, 140, 250].map((every) => {
  const shares = [1, 2, 3, 4].map((seed) => syncedFleetShare(every, seed));
  return `${Math.min(...shares).toFixed(3)}–${Math.max(...shares).toFixed(3)}`;
});
console.log(`| write own, read fleet | ${synced.join(' | ')} |`);
