// Writes the emulator's state file: debounced after changes, at once on flush (close); atomic via rename.
import { renameSync, writeFileSync } from "node:fs";
import type { Store } from "./state.js";

export class Persister {
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly path: string | undefined,
    private readonly store: Store,
    private readonly delayMs = 300,
  ) {}
  touch(): void {
    if (!this.path || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.flush();
      } catch (e) {
        process.stderr.write(`emulator: could not write the state file: ${(e as Error).message}\n`);
      }
    }, this.delayMs);
    this.timer.unref();
  }
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.path) return;
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.store.toJSON()));
    renameSync(tmp, this.path);
  }
}
