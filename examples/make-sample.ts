// Writes a small made-up dataset in the shape of a real app's export, for the README's "Your own data" example:
//   ratings.csv  userId,itemId,rating,timestamp   string ids, half stars, a header
//   items.csv    itemId,title,genres,year          quoted titles with commas, genres "Action|Comedy"
//   users.csv    userId,age,country
// Usage: node dist/examples/make-sample.js DIR [--seed 7]. Same seed, same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from 'rsattae/data';

const dir = process.argv[2] ?? 'sample';
const seedAt = process.argv.indexOf('--seed');
const rng = createRng(seedAt > 0 ? Number(process.argv[seedAt + 1]) : 7);
const GENRES = ['Action', 'Comedy', 'Drama', 'Horror', 'Romance', 'Sci-Fi', 'Documentary'];
const COUNTRIES = ['DE', 'FR', 'US', 'BR', 'JP'];
const nUsers = 400;
const nItems = 250;
const k = 4;

const taste = Array.from({ length: nUsers }, () => Array.from({ length: k }, () => rng.nextNormal() * 0.7));
const age = Array.from({ length: nUsers }, () => 16 + rng.nextInt(55));
const country = Array.from({ length: nUsers }, () => COUNTRIES[rng.nextInt(COUNTRIES.length)]);
const itemGenres = Array.from({ length: nItems }, () => GENRES.filter(() => rng.next() < 0.25));
// genres and age steer the latent factors, so the side features carry signal
const style = itemGenres.map((gs) => Array.from({ length: k }, (_, f) => rng.nextNormal() * 0.5 + (gs.includes(GENRES[f]) ? 0.8 : 0)));
const year = Array.from({ length: nItems }, () => 1960 + rng.nextInt(64));
const itemBias = Array.from({ length: nItems }, () => rng.nextNormal() * 0.4);

const uid = (u: number): string => `u_${String(u + 1).padStart(4, '0')}`;
const iid = (i: number): string => `tt${String(100000 + i * 37).padStart(7, '0')}`;

mkdirSync(dir, { recursive: true });
const ratings = ['userId,itemId,rating,timestamp'];
for (let u = 0; u < nUsers; u++) {
  const n = 20 + rng.nextInt(40);
  const seen = new Set<number>();
  let t = 1_600_000_000 + rng.nextInt(10_000_000);
  while (seen.size < n) {
    // popular items first: a skewed pick
    const i = Math.floor(nItems * rng.next() ** 2);
    if (seen.has(i)) continue;
    seen.add(i);
    let s = 3.4 + itemBias[i] + (age[u] > 40 ? 0.2 : -0.1);
    for (let f = 0; f < k; f++) s += taste[u][f] * style[i][f];
    const stars = Math.min(5, Math.max(0.5, Math.round((s + rng.nextNormal() * 0.5) * 2) / 2));
    t += 60 + rng.nextInt(86_400);
    ratings.push(`${uid(u)},${iid(i)},${stars},${t}`);
  }
}
writeFileSync(join(dir, 'ratings.csv'), `${ratings.join('\n')}\n`);
const items = ['itemId,title,genres,year'];
for (let i = 0; i < nItems; i++) items.push(`${iid(i)},"Film ${i + 1}, Part ${1 + (i % 3)}",${itemGenres[i].join('|')},${year[i]}`);
writeFileSync(join(dir, 'items.csv'), `${items.join('\n')}\n`);
const users = ['userId,age,country'];
for (let u = 0; u < nUsers; u++) users.push(`${uid(u)},${age[u]},${country[u]}`);
writeFileSync(join(dir, 'users.csv'), `${users.join('\n')}\n`);
console.log(`wrote ${ratings.length - 1} ratings of ${nUsers} users and ${nItems} items to ${dir}/`);
