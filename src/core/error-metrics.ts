/**
 * Error metrics of rating predictions (RMSE, MAE): the one measure every layer reports, from the baselines to the
 * model, its stack and the experiments.
 */

/** Root mean squared error and mean absolute error of predictions against targets. */
export function errorMetrics(predicted: Float32Array, target: Float32Array): { rmse: number; mae: number } {
  if (predicted.length !== target.length || target.length === 0) {
    throw new RangeError(`errorMetrics: ${predicted.length} predictions for ${target.length} targets`);
  }
  let se = 0;
  let ae = 0;
  for (let k = 0; k < target.length; k++) {
    const e = predicted[k] - target[k];
    se += e * e;
    ae += Math.abs(e);
  }
  return { rmse: Math.sqrt(se / target.length), mae: ae / target.length };
}
