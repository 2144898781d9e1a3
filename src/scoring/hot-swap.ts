// A learned scorer that follows its model line's active version without a restart. Each score()
// checks the ModelVersionSource (an in-memory lookup); when the active folder changed, the new
// model is loaded and warmed in the background while the current one keeps answering, then
// swapped in between requests. The old model is closed once its in-flight calls have finished, so
// no request fails across a swap. A folder that fails to load is logged and retried later; the
// current model keeps serving.

import type { ChatRequest } from '../protocol/chat.ts';
import type { ModelVersionSource } from './model-versions.ts';
import type { Scorer, ScoreResult } from './scorer.ts';

export interface HotSwapOptions {
  line: string;
  source: ModelVersionSource;
  /** Loads a folder (null: the line's shipped folder). */
  load(dir: string | null): Promise<Scorer>;
  onSwap?(from: string, to: string): void;
  onError?(dir: string, error: Error): void;
  /** Called once, after the last model is closed (releases what the loads shared). */
  onClose?(): Promise<void>;
  /** Wait before retrying a folder that failed to load (default 30 s). */
  retryAfterMs?: number;
  now?: () => number;
}

interface Slot {
  scorer: Scorer;
  dir: string | null;
  inflight: number;
  retired: boolean;
}

const WARM_UP: ChatRequest = { model: 'triage', messages: [{ role: 'user', content: 'Warm-up: what is 2 + 2?' }] };

export async function createHotSwapScorer(options: HotSwapOptions): Promise<Scorer> {
  const now = options.now ?? Date.now;
  const retryAfter = options.retryAfterMs ?? 30_000;
  let failed: { dir: string | null; at: number } | undefined;
  const initialDir = options.source.active(options.line)?.dir ?? null;
  let first: Slot;
  try {
    first = { scorer: await options.load(initialDir), dir: initialDir, inflight: 0, retired: false };
  } catch (error) {
    // A broken active version must not stop the gateway: serve the shipped folder and say why.
    if (initialDir === null) throw error;
    options.onError?.(initialDir, error instanceof Error ? error : new Error(String(error)));
    failed = { dir: initialDir, at: now() };
    first = { scorer: await options.load(null), dir: null, inflight: 0, retired: false };
  }
  let current: Slot = first;
  let loading: Promise<void> | undefined;
  let closed = false;

  const release = (slot: Slot): void => {
    if (slot.retired && slot.inflight === 0) void slot.scorer.close().catch(() => {});
  };

  const maybeSwap = (): void => {
    if (loading || closed) return;
    const wanted = options.source.active(options.line)?.dir ?? null;
    if (wanted === current.dir) return;
    if (failed && failed.dir === wanted && now() - failed.at < retryAfter) return;
    loading = (async () => {
      let next: Scorer | undefined;
      try {
        next = await options.load(wanted);
        await next.score(WARM_UP);
        if (closed) {
          await next.close();
          return;
        }
        const old = current;
        current = { scorer: next, dir: wanted, inflight: 0, retired: false };
        failed = undefined;
        old.retired = true;
        release(old);
        options.onSwap?.(old.scorer.name, next.name);
      } catch (error) {
        await next?.close().catch(() => {});
        failed = { dir: wanted, at: now() };
        options.onError?.(wanted ?? `(shipped ${options.line})`, error instanceof Error ? error : new Error(String(error)));
      } finally {
        loading = undefined;
      }
    })();
  };

  return {
    get name() {
      return current.scorer.name;
    },
    async score(request: ChatRequest, signal?: AbortSignal): Promise<ScoreResult> {
      maybeSwap();
      const slot = current;
      slot.inflight++;
      try {
        const result = await slot.scorer.score(request, signal);
        return { ...result, scorer: slot.scorer.name };
      } finally {
        slot.inflight--;
        release(slot);
      }
    },
    async close() {
      closed = true;
      await loading;
      current.retired = true;
      await current.scorer.close();
      await options.onClose?.();
    },
  };
}
