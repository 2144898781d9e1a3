// Adam optimiser state over one flat parameter vector.

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(size: number, options: AdamOptions) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.lr = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.epsilon ?? 1e-8;
  }

  /** Updates params in place from grad. */
  step(params: Float64Array, grad: Float64Array): void {
    this.t++;
    const c1 = 1 - Math.pow(this.beta1, this.t);
    const c2 = 1 - Math.pow(this.beta2, this.t);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i] ?? 0;
      const m = this.beta1 * (this.m[i] ?? 0) + (1 - this.beta1) * g;
      const v = this.beta2 * (this.v[i] ?? 0) + (1 - this.beta2) * g * g;
      this.m[i] = m;
      this.v[i] = v;
      params[i] = (params[i] ?? 0) - (this.lr * (m / c1)) / (Math.sqrt(v / c2) + this.eps);
    }
  }
}
