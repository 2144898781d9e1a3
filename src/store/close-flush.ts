// What both stores' close() does with the rows still queued: keep trying to flush them until
// timeoutMs has passed (a locked file or an unreachable server may come back), then hand back the
// last error, if any; the caller counts what is left as dropped.

export async function flushUntilDeadline(flush: () => Promise<void> | void, timeoutMs: number, pauseMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await flush();
      return undefined;
    } catch (thrown) {
      if (Date.now() >= deadline) return thrown;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, Math.max(1, deadline - Date.now()))));
    }
  }
}
