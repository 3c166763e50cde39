/** Removing a temp folder when the process is interrupted (SIGINT, SIGTERM) while it is being filled. */
import { rmSync } from 'node:fs';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Until the returned function is called, SIGINT or SIGTERM first removes `path` (synchronously: the process is
 * about to go). When no other listener handles the signal, it is then raised again, so the process still dies of
 * it as it would have without us (the library itself never exits); otherwise the application's handler decides.
 */
export function removeOnSignal(path: string): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    dispose();
    rmSync(path, { recursive: true, force: true });
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const dispose = (): void => {
    for (const s of SIGNALS) process.off(s, handler);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return dispose;
}
