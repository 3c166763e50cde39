/** Where datasets live on disk. */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Environment variable naming the data folder (a folder that holds dataset folders such as `ml-100k/`). */
export const DATA_DIR_ENV = 'RSATTAE_DATA_DIR';

/**
 * Resolves the data folder, the first that is set of: `explicit` (the CLI's `--data-dir`), `$RSATTAE_DATA_DIR`,
 * `$XDG_CACHE_HOME/rsattae`, `~/.cache/rsattae`. The result is absolute; the folder may not exist yet.
 * Empty variables count as unset, and a relative `XDG_CACHE_HOME` is ignored, as the XDG spec requires.
 *
 * @param explicit a folder given by the caller, resolved against the working directory
 * @param env the environment to read (defaults to `process.env`; injectable for tests)
 */
export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) return resolve(fromEnv);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'rsattae');
  return join(homedir(), '.cache', 'rsattae');
}
