// The gateway's view of the active scorer model versions: polls the store every few seconds (a
// small indexed read, like the calibration cache) and answers the scoring wing's
// ModelVersionSource port from memory. A version promoted by `triage retrain` or activated by
// `triage models activate` in another process is picked up on the next poll; a rollback likewise.

import type { ModelVersionSource, ActiveModel } from '../../scoring/model-versions.ts';
import type { ModelVersion, ModelVersionStore } from '../../store/model-versions.ts';

export interface ModelVersionCacheOptions {
  pollMs?: number;
  onChange?: (line: string, version: ModelVersion | null) => void;
  onError?: (error: Error) => void;
}

export class ModelVersionCache implements ModelVersionSource {
  private byLine = new Map<string, ModelVersion>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ModelVersionStore,
    private readonly options: ModelVersionCacheOptions = {},
  ) {}

  refresh(): void {
    let active: ModelVersion[];
    try {
      active = this.store.activeModelVersions();
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const next = new Map(active.map((v) => [v.line, v]));
    for (const line of new Set([...this.byLine.keys(), ...next.keys()])) {
      if (this.byLine.get(line)?.id !== next.get(line)?.id) this.options.onChange?.(line, next.get(line) ?? null);
    }
    this.byLine = next;
  }

  start(): void {
    this.refresh();
    this.timer ??= setInterval(() => this.refresh(), this.options.pollMs ?? 2000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  active(line: string): ActiveModel | null {
    const v = this.byLine.get(line);
    return v ? { id: v.id, dir: v.dir } : null;
  }
}
