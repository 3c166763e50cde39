/** The multiply-add count of one autoencoder epoch, shared by the scale benchmarks. */
/** What one autoencoder's epoch costs, by the kernels src/nn/network.ts calls. */
export interface EpochCost {
  /** Multiply-adds of the sparse products: (5·nnz_train + nnz_train+val + nnz_val)·h. */
  readonly sparse: number;
  /** Multiply-adds of the dense layers: 8·n·h·d. */
  readonly dense: number;
  /** Multiply-adds of the group-by-group attention products: 4·G²·d + 3·G²·min(nf+1, h). */
  readonly groupsSquared: number;
  /** Multiply-adds of the feature projections: 7·G·(nf+1)·h (low-rank path) or 4·G·(nf+1)·h. */
  readonly projection: number;
  readonly total: number;
}

/**
 * Multiply-adds of one epoch (one training step + one validation pass), h = 2d, counted from Net's kernel calls:
 * - sparse: training forward spmm(X̃·W1) + sddmm at the targets (2·nnz_tr·h), backward dD1, dW4, dW1
 *   (3·nnz_tr·h); validation forward spmm on train+val input and sddmm at the validation targets.
 * - dense: forward H1·W2 and Ê·W3 (2·n·h·d) twice (training and validation), backward dW3, dÊ, dW2, dH1 (4·n·h·d).
 * - G²: P·Ē in both forwards and dP, dĒ backward (4·G²·d); q̂k̂ᵀ once per epoch (P is cached between the validation
 *   pass and the next step) and its two backward products, through the rank-(nf+1) space when that is narrower than
 *   h (3·G²·min(nf+1, h)).
 * - projection: Q, K = F̃·W̃ and their weight gradients (4·G·f1·h), plus on the low-rank path q̂·W̃kᵀ and the two
 *   backward products into h (3·G·f1·h).
 * Element-wise work (activations, LayerNorm, softmax, ADOPT) is O(n·d + G² + params) and not counted.
 */
export function epochCost(o: { n: number; nf: number; d: number; groups: number | null; nnzTrain: number; nnzValidation: number }): EpochCost {
  const h = 2 * o.d;
  const G = o.groups ?? 0;
  const f1 = o.nf + 1;
  const lowRank = f1 < h;
  const sparse = (5 * o.nnzTrain + (o.nnzTrain + o.nnzValidation) + o.nnzValidation) * h;
  const dense = 8 * o.n * h * o.d;
  const groupsSquared = 4 * G * G * o.d + 3 * G * G * Math.min(f1, h);
  const projection = (lowRank ? 7 : 4) * G * f1 * h;
  return { sparse, dense, groupsSquared, projection, total: sparse + dense + groupsSquared + projection };
}
