// Dense row-major matrices and the seeded random numbers every trainer uses, so a training run
// with the same data and seed gives the same model bit for bit.

import { seededRandom } from '../../eval/prng.ts';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, length rows * cols. */
  readonly data: Float64Array;
}

export function matrixFromRows(rows: readonly ArrayLike<number>[], cols?: number): Matrix {
  const width = cols ?? rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row.length !== width) throw new Error(`row ${i} has ${row.length} values, expected ${width}`);
    for (let j = 0; j < width; j++) data[i * width + j] = row[j] ?? 0;
  });
  return { rows: rows.length, cols: width, data };
}

export function selectRows(matrix: Matrix, indices: readonly number[]): Matrix {
  const { cols } = matrix;
  const data = new Float64Array(indices.length * cols);
  indices.forEach((source, i) => data.set(matrix.data.subarray(source * cols, (source + 1) * cols), i * cols));
  return { rows: indices.length, cols, data };
}

export function selectColumns(matrix: Matrix, columns: readonly number[]): Matrix {
  const data = new Float64Array(matrix.rows * columns.length);
  for (let i = 0; i < matrix.rows; i++) {
    columns.forEach((c, j) => {
      data[i * columns.length + j] = matrix.data[i * matrix.cols + c] ?? 0;
    });
  }
  return { rows: matrix.rows, cols: columns.length, data };
}

export function pick<T extends ArrayLike<number>>(values: T, indices: readonly number[]): Float64Array {
  const out = new Float64Array(indices.length);
  indices.forEach((source, i) => (out[i] = values[source] ?? 0));
  return out;
}

/** A seedable PRNG returning floats in [0, 1) (the project's one mulberry32, in eval/prng.ts). */
export const createRandom = seededRandom;

/** Standard normal samples from a uniform source (Box-Muller). */
export function createGaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Fisher-Yates shuffle in place with the given random source. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + exp(z)) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
