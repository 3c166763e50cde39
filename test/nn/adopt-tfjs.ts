/**
 * ADOPT (Taniguchi et al. 2024) as a tfjs {@link Optimizer}, matching the reference's PyTorch code step for step:
 *
 *   g ← ∇ + weightDecay·θ
 *   first call:  v ← g²                                     (m stays 0, θ unchanged)
 *   later calls (t = 1, 2, … counted from the second call):
 *     m ← β1·m + (1−β1)·clip(g / max(√v, eps), ±t^¼);  θ ← θ − lr·m;  v ← β2·v + (1−β2)·g²
 *
 * The training loop uses the fused typed-array version ({@link Kernels.adopt}); this class is the test oracle for it
 * (tfjs is a dev dependency only). It runs on the tfjs instance of ./helpers.ts.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { type AdoptConfig, defaultAdoptConfig } from '../../src/nn/autoencoder-config.js';
import { tf } from './helpers.js';

interface Slot {
  m: TF.Variable;
  v: TF.Variable;
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
  applyGradients(variableGradients: TF.NamedTensorMap | { name: string; tensor: TF.Tensor }[]): void {
    const pairs: [string, TF.Tensor][] = Array.isArray(variableGradients)
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
  getConfig(): TF.serialization.ConfigDict {
    return { ...this.config };
  }

  /** Rebuilds from {@link AdoptOptimizer.getConfig}. */
  static override fromConfig<T extends TF.serialization.Serializable>(
    cls: TF.serialization.SerializableConstructor<T>,
    config: TF.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

tf.serialization.registerClass(AdoptOptimizer);
