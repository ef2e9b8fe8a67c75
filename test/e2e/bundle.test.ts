// The bundle leaves out what @actions/core would pull in for features this Action never uses (scripts/build.mjs stubs
// them): @actions/http-client (OIDC tokens) and @actions/exec with @actions/io (core.platform). Their code would be
// parsed on every start. The markers are method names, which minification keeps; each is checked to be in the package.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureCli, ROOT } from "../reliability/dist.js";

/** Every JavaScript file of dist/ (the deferred .br bundles are compressed and loaded only on first use). */
function distCode(): { file: string; text: string }[] {
  const dirs = [join(ROOT, "dist"), join(ROOT, "dist", "chunks")];
  return dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".js")).map((f) => ({ file: f, text: readFileSync(join(d, f), "utf8") })));
}

/** The text of a file of an installed package (hoisted, or under @actions/core, whose dependency it is). */
function packageFile(pkg: string, rel: string): string {
  const at = [join(ROOT, "node_modules", pkg, rel), join(ROOT, "node_modules", "@actions", "core", "node_modules", pkg, rel)].find((p) => existsSync(p));
  if (!at) throw new Error(`${pkg}/${rel} is not installed`);
  return readFileSync(at, "utf8");
}

describe("the bundle", () => {
  beforeAll(() => {
    ensureCli();
  }, 300_000);

  it.each([
    ["@actions/exec", "lib/toolrunner.js", "_getSpawnArgs"],
    ["@actions/http-client", "lib/index.js", "_performExponentialBackoff"],
  ])("has none of %s's code (%s: %s)", (pkg, file, marker) => {
    expect(packageFile(pkg, file)).toContain(marker);
    expect(distCode().filter((f) => f.text.includes(marker)).map((f) => f.file)).toEqual([]);
  });
});
