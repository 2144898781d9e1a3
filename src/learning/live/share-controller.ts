// The live share controller: holds a router's strong-call share at a target on the traffic that
// really arrives. It reads a window of recent decisions (the scores of threshold-decided requests,
// plus forced ones) through the store's share-window port: this process's last `window` decisions
// by default, or the whole fleet's when the gateways share a Postgres store. It sets the threshold
// at the quantile of the window's scores that would have sent the wanted share strong, aiming past
// the target by the window's current error so the rolling share itself converges. Before `warmup`
// scored requests it uses its prior (the newest share calibration, or the reference-quantile
// reading 1 - target). The threshold is recomputed only when the window changed.

import { RingWindow } from '../../store/shared-state/local/share-window.ts';
import type { DecisionWindow, WindowView } from '../../store/shared-state/share-window.ts';

/** Decisions in a share controller's rolling window unless configured. */
export const SHARE_WINDOW_DEFAULT = 500;

export interface ShareControllerOptions {
  target: number;
  /** Threshold used until warmed up. */
  prior: number;
  /** Decisions in the rolling window (default 500). */
  window?: number;
  /** Scored decisions needed before the window's quantile replaces the prior (default 50). */
  warmup?: number;
  /**
   * How hard the window's share error is corrected on the next requests (default 10: a window 1
   * point over target aims 10 points under it until caught up). Chosen on a synthetic drifting
   * stream: gain 1 leaves the 500-request window up to 4.6 points off; 10 holds it within 2.4.
   */
  gain?: number;
  /** Where the decisions are kept (default: a ring of this process's last `window` decisions). */
  decisions?: DecisionWindow;
}

export class ShareController {
  readonly target: number;
  readonly windowSize: number;
  private readonly warmup: number;
  private readonly gain: number;
  private prior: number;
  private readonly decisions: DecisionWindow;
  private cached: number;
  private cachedAt = -1;

  constructor(options: ShareControllerOptions) {
    if (!(options.target >= 0 && options.target <= 1)) throw new RangeError(`strong share target must be in [0, 1], got ${options.target}`);
    this.target = options.target;
    this.windowSize = Math.max(1, Math.trunc(options.window ?? SHARE_WINDOW_DEFAULT));
    this.warmup = Math.max(1, Math.trunc(options.warmup ?? 50));
    this.gain = options.gain ?? 10;
    this.prior = options.prior;
    this.cached = options.prior;
    this.decisions = options.decisions ?? new RingWindow(this.windowSize);
  }

  /** The threshold for the next request. */
  threshold(): number {
    if (this.cachedAt !== this.decisions.version) {
      this.cached = this.compute(this.decisions.view());
      this.cachedAt = this.decisions.version;
    }
    return this.cached;
  }

  /** Strong share of the decisions in the window (NaN when empty). */
  liveShare(): number {
    const view = this.decisions.view();
    return view.count === 0 ? Number.NaN : view.strong / view.count;
  }

  get observed(): number {
    return this.decisions.view().count;
  }

  /** A new prior (e.g. a fresh calibration); used only until warmed up. */
  setPrior(prior: number): void {
    this.prior = prior;
    this.cachedAt = -1;
  }

  /** Records a decision: its score when the threshold decided it (else null) and the tier served. */
  observe(score: number | null, strong: boolean): void {
    this.decisions.record(score, strong);
  }

  private compute(view: WindowView): number {
    const scored = view.scored;
    if (scored < this.warmup) return this.prior;
    const error = this.target - view.strong / view.count;
    const aim = Math.min(1, Math.max(0, this.target + this.gain * error));
    const wantedScored = Math.min(scored, Math.max(0, Math.round(aim * view.count - view.forcedStrong)));
    if (wantedScored === 0) {
      const top = view.highest(1) as number;
      return top >= 1 ? 1 : (top + 1) / 2;
    }
    // The wantedScored highest scores go strong: threshold between the cut and the score below it.
    const cut = view.highest(wantedScored) as number;
    const below = view.highest(wantedScored + 1);
    return below === undefined ? cut : (cut + below) / 2;
  }
}
