// The README's library example, verbatim (test/examples.test.ts checks that and runs it).
import { loadMovieLensSplit, RSAttAE } from 'rsattae';

const { data, test } = await loadMovieLensSplit({
  dataset: 'ml-100k',
  split: 'u1',
  valFraction: 0.1,
  seed: 42,
  dataDir: process.env.RSATTAE_DATA_DIR ?? `${process.env.HOME}/.cache/rsattae`,
});
const model = await RSAttAE.fit(data, {
  seed: 42,
  autoencoder: { epochs: 300 },
  xgboost: { nEstimators: 400, learningRate: 0.05 },
});
console.log('test', model.evaluate(test)); // { rmse, mae, count }
console.log('user 1, item 50:', model.predict('1', '50'));
console.log(model.recommend('1', 5)); // [{ item: '…', title, score }, …]
const newUser = model.foldInUser({ features: { age: 25, gender: 'F', occupation: 'writer' }, ratings: [{ id: 50, rating: 5 }] });
console.log(model.recommend(newUser, 5)); // a user not in the data, without retraining
await model.save('models/example');
const again = await RSAttAE.load('models/example');
console.log(again.predict('1', '50') === model.predict('1', '50')); // true
model.dispose();
again.dispose();
