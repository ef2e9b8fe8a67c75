// The pipeline's Logger over @actions/core: one log group per step, debug through core.debug, everything redacted.
import type * as core from "@actions/core";
import type { Logger } from "../logger.js";
import { escapeLogLine } from "../text/untrusted.js";

export type CoreLog = Pick<typeof core, "debug" | "info" | "warning" | "error" | "startGroup" | "endGroup">;

/**
 * `clean` is the last line of defence over finished text (secrets out); every line then goes through escapeLogLine so
 * no data can start or stop workflow commands. PII in data fields is masked where the line is formatted (src/text).
 */
export function actionLogger(c: CoreLog, clean: (s: string) => string): Logger {
  const redact = (s: string) => escapeLogLine(clean(s));
  let depth = 0;
  return {
    debug: (m) => c.debug(redact(m)),
    info: (m) => c.info(redact(m)),
    // Plain log lines, not annotations: annotations are reserved for findings (GitHub caps them per step).
    warn: (m) => c.info(`warning: ${redact(m)}`),
    error: (m) => c.info(`error: ${redact(m)}`),
    async group(name, fn) {
      // The runner does not nest groups: an inner step is a plain line inside the outer group.
      if (depth > 0) {
        c.info(`▸ ${redact(name)}`);
        depth++;
        try {
          return await fn();
        } finally {
          depth--;
        }
      }
      c.startGroup(redact(name));
      depth++;
      try {
        return await fn();
      } finally {
        depth--;
        c.endGroup();
      }
    },
  };
}
