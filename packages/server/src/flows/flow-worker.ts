import type { FlowRuntime, WatchdogReport } from '@dougong/db';

/**
 * The worker loop: ticks the runtime while there is work, sleeps `pollMs` when idle, runs the watchdog
 * every `watchdogMs`. Startable and stoppable; `stop()` waits for the step in hand.
 */
export class FlowWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastWatchdog = 0;
  /** The last watchdog report (for the health endpoint). */
  lastReport: WatchdogReport | undefined;
  /** The last error the loop met (it keeps going). */
  lastError: string | undefined;

  constructor(
    readonly runtime: FlowRuntime,
    private readonly options: { pollMs?: number; watchdogMs?: number } = {},
  ) {}

  get started(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Ends the idle sleep early (after a write that queued work). */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let done = 0;
      try {
        done = await this.runtime.tick();
        const now = Date.now();
        if (now - this.lastWatchdog > (this.options.watchdogMs ?? 60_000)) {
          this.lastWatchdog = now;
          this.lastReport = await this.runtime.watchdog();
        }
      } catch (error) {
        this.lastError = (error as Error).message;
      }
      // Let timers and I/O in between ticks: with the embedded database a tick's queries may all finish
      // as promise callbacks, and a backlog would keep the loop from ever reaching requests and timers.
      if (done > 0) await new Promise((resolve) => setImmediate(resolve));
      if (done === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs ?? 200);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}
