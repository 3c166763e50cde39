/** Parsers of the `--features` and `--ratings` lists that describe a new user on the command line. */
import { InputError } from '../core/errors.js';

/**
 * `name=value,name=value` → raw feature values by column name (the model's encoder interprets them). A value may
 * hold `=` but not `,`.
 * @throws InputError naming the option and the malformed or repeated pair
 */
export function parseFeatureList(text: string, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text.trim() === '') return out;
  text.split(',').forEach((pair, k) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (name === '') throw new InputError(`${option}: pair ${k + 1} ${JSON.stringify(pair)} is not NAME=VALUE`);
    if (Object.hasOwn(out, name)) throw new InputError(`${option}: feature ${JSON.stringify(name)} is given twice`);
    out[name] = pair.slice(eq + 1).trim();
  });
  return out;
}

/**
 * `id:rating,id:rating` → ratings by id (the ids and the scale are checked by the model).
 * @throws InputError naming the option and the malformed pair
 */
export function parseRatingList(text: string, option: string): { id: string; rating: number }[] {
  if (text.trim() === '') return [];
  return text.split(',').map((pair, k) => {
    const colon = pair.lastIndexOf(':');
    const id = colon < 0 ? '' : pair.slice(0, colon).trim();
    const value = colon < 0 ? '' : pair.slice(colon + 1).trim();
    const rating = value === '' ? Number.NaN : Number(value);
    if (id === '' || !Number.isFinite(rating)) throw new InputError(`${option}: pair ${k + 1} ${JSON.stringify(pair)} is not ID:RATING with a numeric rating`);
    return { id, rating };
  });
}
