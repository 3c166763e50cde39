/**
 * ADOPT (Taniguchi et al. 2024) as a tfjs {@link Optimizer}, matching the reference's PyTorch code step for step:
 *
 *   g ← ∇ + weightDecay·θ
 *   first call:  v ← g²                                     (m stays 0, θ unchanged)
 *   later calls (t = 1, 2, … counted from the second call):
 *     m ← β1·m + (1−β1)·clip(g / max(√v, eps), ±t^¼);  θ ← θ − lr·m;  v ← β2·v + (1−β2)·g²
 *
 * The training loop uses the fused typed-array version ({@link Kernels.adopt}); this class serves tfjs models and is
 * the tested reference for it.
 */
import * as tf from '@tensorflow/tfjs-core';

/** ADOPT hyper-parameters (defaults: the reference's). */
export interface AdoptConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** Defaults of the reference implementation, with the reference run's weight decay. */
export const defaultAdoptConfig: Readonly<AdoptConfig> = { learningRate: 1e-3, beta1: 0.9, beta2: 0.9999, epsilon: 1e-6, weightDecay: 1e-5 };

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
  step: number;
}

/** The ADOPT optimizer for tfjs variables; state is created per variable on its first gradient. */
export class AdoptOptimizer extends tf.Optimizer {
  /** Serialization name. */
  static get className(): string {
    return 'ADOPT';
  }
  /** Hyper-parameters in use. */
  readonly config: AdoptConfig;
  private readonly slots = new Map<string, Slot>();

  /** @param config overrides of {@link defaultAdoptConfig} */
  constructor(config: Partial<AdoptConfig> = {}) {
    super();
    this.config = { ...defaultAdoptConfig, ...config };
  }

  /** Applies one step to the named variables. */
  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const pairs: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    const { learningRate, beta1, beta2, epsilon, weightDecay } = this.config;
    for (const [name, grad] of pairs) {
      const value = tf.engine().registeredVariables[name];
      if (!value) throw new Error(`ADOPT: unknown variable ${name}`);
      tf.tidy(() => {
        const g = weightDecay ? tf.add(grad, tf.mul(value, weightDecay)) : grad;
        let slot = this.slots.get(name);
        if (!slot) {
          slot = { m: tf.variable(tf.zerosLike(value), false), v: tf.variable(tf.square(g), false), step: 1 };
          tf.keep(slot.m);
          tf.keep(slot.v);
          this.slots.set(name, slot);
          return;
        }
        const clip = slot.step ** 0.25;
        const normed = tf.clipByValue(tf.div(g, tf.maximum(tf.sqrt(slot.v), epsilon)), -clip, clip);
        slot.m.assign(tf.add(slot.m, tf.mul(tf.sub(normed, slot.m), 1 - beta1)));
        value.assign(tf.sub(value, tf.mul(slot.m, learningRate)));
        slot.v.assign(tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        slot.step++;
      });
    }
    this.incrementIterations();
  }

  /** Releases the optimizer state. */
  override dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }

  /** Serializable configuration. */
  getConfig(): tf.serialization.ConfigDict {
    return { ...this.config };
  }

  /** Rebuilds from {@link AdoptOptimizer.getConfig}. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

tf.serialization.registerClass(AdoptOptimizer);
