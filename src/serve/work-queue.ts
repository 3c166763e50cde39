/**
 * The queue model work runs through. Predictions are synchronous and can take tens of milliseconds; run straight from
 * the socket callbacks, a busy event loop reaches its listening socket only once per round of every request that
 * arrived (libuv accepts one connection per round), so new connections wait in the kernel's accept queue for
 * seconds under load. Here each event-loop turn runs jobs for at most a small time budget, then yields: connections
 * are accepted and requests read between jobs. Shutdown pauses the queue while it accepts what is queued in the
 * kernel, and when the grace period ends, jobs not started are answered with an error instead of cut.
 */
import { setImmediate as nextTurn } from 'node:timers';

/** Time budget of one event-loop turn of jobs (at least one job runs per turn). */
const TURN_BUDGET_MS = 2;

interface Job {
  run(): void;
  fail(err: unknown): void;
}

/** A FIFO of synchronous jobs run a few per event-loop turn; see the module comment. */
export class WorkQueue {
  readonly #jobs: Job[] = [];
  #head = 0;
  #scheduled = false;
  #paused = false;
  #refusal: (() => unknown) | undefined;

  /** Jobs waiting (not started). */
  get pending(): number {
    return this.#jobs.length - this.#head;
  }

  /**
   * Runs `fn` on a later turn, in arrival order; resolves with its result or rejects with what it threw (or with
   * the refusal, see {@link WorkQueue.refuse}).
   */
  run<T>(fn: () => T): Promise<T> {
    if (this.#refusal) return Promise.reject(this.#refusal());
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({
        run: () => {
          try {
            resolve(fn());
          } catch (err) {
            reject(err);
          }
        },
        fail: reject,
      });
      this.#schedule();
    });
  }

  /** True once {@link WorkQueue.refuse} was called. */
  get refusing(): boolean {
    return this.#refusal !== undefined;
  }

  /** Starts no job until {@link WorkQueue.resume} (requests keep being received and queued). */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  /** Rejects every waiting job and every later one with `error()` (e.g. 503 once the shutdown grace is over). */
  refuse(error: () => unknown): void {
    this.#refusal = error;
    while (this.pending > 0) this.#take().fail(error());
  }

  #take(): Job {
    const job = this.#jobs[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#jobs.length) {
      this.#jobs.splice(0, this.#head);
      this.#head = 0;
    }
    return job;
  }

  #schedule(): void {
    if (this.#scheduled || this.#paused || this.pending === 0) return;
    this.#scheduled = true;
    nextTurn(() => {
      this.#scheduled = false;
      const start = performance.now();
      // the queue may have been paused or emptied (refuse) since this turn was scheduled
      while (this.pending > 0 && !this.#paused) {
        this.#take().run();
        if (performance.now() - start >= TURN_BUDGET_MS) break;
      }
      this.#schedule();
    });
  }
}
