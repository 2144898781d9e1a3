// The gateway's view of the active calibrations: polls the LearningStore every few seconds (a
// small indexed read) and keeps, per router, the newest live calibration and the newest per
// target. A calibration written by `triage calibrate` in another process is picked up on the next
// poll; a rollback likewise. Reads on the request path touch only this in-memory copy.

import { activePerRouter, type Calibration, type LearningStore } from '../../store/learning-store.ts';

export interface CalibrationCacheOptions {
  pollMs?: number;
  /** Called when a router's active calibration changes (id, or null when none is left). */
  onChange?: (router: string, calibration: Calibration | null) => void;
  onError?: (error: Error) => void;
}

export class CalibrationCache {
  private byRouter = new Map<string, Calibration>();
  private all: Calibration[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: LearningStore,
    private readonly options: CalibrationCacheOptions = {},
  ) {}

  /** Reads the store now; safe to call at any time. */
  refresh(): void {
    let active: Calibration[];
    try {
      active = this.store.activeCalibrations();
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const next = new Map(activePerRouter(active).map((c) => [c.router, c]));
    for (const router of new Set([...this.byRouter.keys(), ...next.keys()])) {
      if (this.byRouter.get(router)?.id !== next.get(router)?.id) this.options.onChange?.(router, next.get(router) ?? null);
    }
    this.byRouter = next;
    this.all = active;
  }

  start(): void {
    this.refresh();
    this.timer ??= setInterval(() => this.refresh(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The router's active calibration (newest not rolled back), whatever its target. */
  active(router: string): Calibration | undefined {
    return this.byRouter.get(router);
  }

  /** The newest live calibration of a router fitted to this kind of target, matching `accept`. */
  newest(router: string, accept: (c: Calibration) => boolean): Calibration | undefined {
    return this.all.find((c) => c.router === router && accept(c));
  }
}
