// Start-up helpers shared by the entries (kept tiny: they run before anything else is loaded).
import * as module from "node:module";

/**
 * Turns on Node's on-disk module compile cache (Node ≥ 22.1; a no-op elsewhere, or when NODE_DISABLE_COMPILE_CACHE is
 * set). Modules imported after this call are compiled once and reused by later runs. Never throws.
 */
export function enableCompileCache(): void {
  try {
    const enable = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
    if (typeof enable === "function") enable();
  } catch {
    // a cache directory that cannot be written only costs speed
  }
}
