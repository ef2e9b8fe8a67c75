// Worker thread for test/hostile: runs the library path of one case at a time, so a hang or a blow-up can be cut off.
import { parentPort } from "node:worker_threads";
import { runLibrary } from "./judge.js";

const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));

parentPort?.on("message", (msg: { repo: string }) => {
  try {
    const result = runLibrary(msg.repo);
    // a `__proto__` / `constructor.prototype` key must never reach Object.prototype
    const polluted = Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k));
    parentPort?.postMessage({ result: { ...result, polluted } });
  } catch (e) {
    const err = e as Error;
    parentPort?.postMessage({ crash: { name: err?.name ?? "Error", message: err?.message ?? String(e), stack: err?.stack ?? "" } });
  }
});
