/**
 * Test-only module hooks that load tfjs-core's ES module sources (the only build that carries the gradient
 * definitions, via register_all_gradients) and the cpu backend's, whose imports omit file extensions. Code outside
 * those folders keeps resolving tfjs-core to its CommonJS node bundle as usual.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: { parentURL?: string }) => Promise<ResolveResult>;
type NextLoad = (url: string, context: { format?: string | null }) => Promise<{ format: string; source?: string | Uint8Array | null }>;

const ESM_DIRS = /\/node_modules\/@tensorflow\/tfjs-(core|backend-cpu)\/dist\//;
const isEsmSource = (url: string): boolean => ESM_DIRS.test(url) && !/\.node\.js$|tf-(core|backend-cpu)[.\w]*\.js$/.test(url);

/** Resolves extensionless relative imports and bare tfjs imports inside the ESM sources. */
export async function resolve(specifier: string, context: { parentURL?: string }, next: NextResolve): Promise<ResolveResult> {
  const parent = context.parentURL;
  if (parent && isEsmSource(parent)) {
    if (specifier === '@tensorflow/tfjs-core' || specifier === '@tensorflow/tfjs-backend-cpu') {
      const base = fileURLToPath(new URL('../'.repeat(parent.split('/dist/')[1].split('/').length), parent));
      const pkg = specifier.split('/')[1];
      return { url: pathToFileURL(`${base}../${pkg}/dist/index.js`).href, format: 'module', shortCircuit: true };
    }
    if (specifier.startsWith('.') && !specifier.endsWith('.js')) {
      const url = new URL(specifier, parent).href;
      try {
        await readFile(fileURLToPath(`${url}.js`));
        return { url: `${url}.js`, format: 'module', shortCircuit: true };
      } catch {
        return { url: `${url}/index.js`, format: 'module', shortCircuit: true };
      }
    }
  }
  return next(specifier, context);
}

/** Loads the ESM sources as modules (their package.json does not say so). */
export async function load(url: string, context: { format?: string | null }, next: NextLoad): Promise<{ format: string; source?: string | Uint8Array | null; shortCircuit?: boolean }> {
  if (isEsmSource(url)) {
    let source = await readFile(fileURLToPath(url), 'utf8');
    // a few node-platform files call require(); give them one
    if (source.includes('require(')) source = `import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);\n${source}`;
    return { format: 'module', source, shortCircuit: true };
  }
  return next(url, context);
}
