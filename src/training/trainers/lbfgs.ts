// Limited-memory BFGS with a backtracking (Armijo) line search, for smooth convex objectives
// such as L2-regularised logistic regression. Deterministic: no random state.

export interface Objective {
  /** Returns the loss and writes the gradient into `grad`. */
  (params: Float64Array, grad: Float64Array): number;
}

export interface LbfgsOptions {
  maxIterations?: number;
  history?: number;
  /** Stop when the gradient's max-norm falls below this. */
  gradientTolerance?: number;
  /** Stop when the relative loss decrease falls below this. */
  lossTolerance?: number;
}

export interface LbfgsResult {
  params: Float64Array;
  loss: number;
  iterations: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

export function minimizeLbfgs(objective: Objective, initial: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.history ?? 10;
  const gradTol = options.gradientTolerance ?? 1e-6;
  const lossTol = options.lossTolerance ?? 1e-10;
  const n = initial.length;
  let x = Float64Array.from(initial);
  let g = new Float64Array(n);
  let loss = objective(x, g);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  let iteration = 0;
  for (; iteration < maxIterations && maxAbs(g) > gradTol; iteration++) {
    // Two-loop recursion: direction = -H * g.
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let k = sHist.length - 1; k >= 0; k--) {
      const a = (rhoHist[k] ?? 0) * dot(sHist[k] as Float64Array, q);
      alpha[k] = a;
      const yk = yHist[k] as Float64Array;
      for (let i = 0; i < n; i++) q[i] = (q[i] ?? 0) - a * (yk[i] ?? 0);
    }
    const last = sHist.length - 1;
    const gamma = last >= 0 ? dot(sHist[last] as Float64Array, yHist[last] as Float64Array) / dot(yHist[last] as Float64Array, yHist[last] as Float64Array) : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < n; i++) q[i] = (q[i] ?? 0) * gamma;
    for (let k = 0; k < sHist.length; k++) {
      const b = (rhoHist[k] ?? 0) * dot(yHist[k] as Float64Array, q);
      const sk = sHist[k] as Float64Array;
      for (let i = 0; i < n; i++) q[i] = (q[i] ?? 0) + ((alpha[k] ?? 0) - b) * (sk[i] ?? 0);
    }
    const direction = q.map((v) => -v);
    let slope = dot(direction, g);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      sHist.length = yHist.length = rhoHist.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(g[i] ?? 0);
      slope = dot(direction, g);
    }
    let step = 1;
    const nextX = new Float64Array(n);
    const nextG = new Float64Array(n);
    let nextLoss = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) nextX[i] = (x[i] ?? 0) + step * (direction[i] ?? 0);
      nextLoss = objective(nextX, nextG);
      if (nextLoss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(nextLoss < loss)) break;
    const s = nextX.map((v, i) => v - (x[i] ?? 0));
    const y = nextG.map((v, i) => v - (g[i] ?? 0));
    const sy = dot(s, y);
    if (sy > 1e-12) {
      sHist.push(s);
      yHist.push(y);
      rhoHist.push(1 / sy);
      if (sHist.length > memory) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
    }
    const decrease = (loss - nextLoss) / Math.max(1, Math.abs(loss));
    x = Float64Array.from(nextX);
    g = Float64Array.from(nextG);
    loss = nextLoss;
    if (decrease < lossTol) break;
  }
  return { params: x, loss, iterations: iteration };
}
