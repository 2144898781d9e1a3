// The per-process share window: this process's last `size` decisions of a router in a ring, with
// the scores of the threshold-decided ones in a sorted array (O(log size) search plus one array
// shift per decision). Exact: the k-th highest score is a real score of the window.

import type { DecisionWindow, ShareWindows, WindowView } from '../share-window.ts';

interface Observation {
  score: number | null;
  strong: boolean;
}

/** Index of the first element >= value in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RingWindow implements DecisionWindow, WindowView {
  readonly size: number;
  private readonly ring: (Observation | undefined)[];
  private next = 0;
  count = 0;
  strong = 0;
  forcedStrong = 0;
  version = 0;
  /** Scores of the window's threshold-decided decisions, ascending. */
  private readonly sorted: number[] = [];

  constructor(size: number) {
    this.size = Math.max(1, Math.trunc(size));
    this.ring = new Array<Observation | undefined>(this.size);
  }

  get scored(): number {
    return this.sorted.length;
  }

  highest(k: number): number | undefined {
    return k >= 1 && k <= this.sorted.length ? this.sorted[this.sorted.length - k] : undefined;
  }

  view(): WindowView {
    return this;
  }

  record(score: number | null, strong: boolean): void {
    const evicted = this.ring[this.next];
    if (evicted) this.remove(evicted);
    this.ring[this.next] = { score, strong };
    this.next = (this.next + 1) % this.size;
    this.count += 1;
    if (strong) this.strong += 1;
    if (score === null) {
      if (strong) this.forcedStrong += 1;
    } else {
      this.sorted.splice(lowerBound(this.sorted, score), 0, score);
    }
    this.version += 1;
  }

  private remove(old: Observation): void {
    this.count -= 1;
    if (old.strong) this.strong -= 1;
    if (old.score === null) {
      if (old.strong) this.forcedStrong -= 1;
      return;
    }
    this.sorted.splice(lowerBound(this.sorted, old.score), 1);
  }
}

/** One ring per router name, in this process only. */
export class LocalShareWindows implements ShareWindows {
  private readonly windows = new Map<string, RingWindow>();

  open(routerName: string, size: number): DecisionWindow {
    let window = this.windows.get(routerName);
    if (!window) {
      window = new RingWindow(size);
      this.windows.set(routerName, window);
    }
    return window;
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {}
}
