// A minimal progress bar for long training steps, written to stderr: redrawn in place on a
// terminal, one line per 10% otherwise (logs, CI), silent when disabled.

export interface Progress {
  tick(done?: number): void;
  finish(): void;
}

export function createProgress(label: string, total: number, options: { enabled?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? true;
  const interactive = Boolean(stream.isTTY);
  const started = Date.now();
  let done = 0;
  let lastDecile = -1;
  let lastDraw = 0;
  const draw = (final: boolean) => {
    if (!enabled || total <= 0) return;
    const share = Math.min(1, done / total);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (interactive) {
      const now = Date.now();
      if (!final && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 24;
      const filled = Math.round(share * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds}s${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(share * 10);
    if (decile !== lastDecile || final) {
      lastDecile = decile;
      if (!final || decile !== 10 || done === total) stream.write(`${label}: ${done}/${total} (${Math.round(share * 100)}%) ${seconds}s\n`);
    }
  };
  return {
    tick(step = 1) {
      done += step;
      draw(false);
    },
    finish() {
      done = Math.max(done, total);
      if (interactive) draw(true);
      else if (enabled && lastDecile !== 10) stream.write(`${label}: ${total}/${total} (100%) ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    },
  };
}
