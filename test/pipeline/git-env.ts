// git for the tests that build repositories: a fixed identity, no system or user config, no hooks or signing, a main
// branch by default and file:// remotes allowed (the bare "origin" the tests clone from).
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The project's root folder. */
export const REPO = join(import.meta.dirname, "..", "..");

export const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() };

/** Runs git in `cwd` and returns its trimmed stdout (throws on a non-zero exit). */
export function git(cwd: string, ...args: string[]): string {
  const config = ["init.defaultBranch=main", "protocol.file.allow=always", "commit.gpgsign=false", "core.hooksPath=/dev/null"].flatMap((c) => ["-c", c]);
  return execFileSync("git", [...config, ...args], { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The git processes this test process has running now (`ps`: pid and command line). */
export function gitChildren(): string[] {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((l) => /^\s*\d+\s+git\b/.test(l));
}

/** The project's example bot (cognigy-nlu.yml and training-data/) copied into `dir`. */
export function copyExampleBot(dir: string): void {
  cpSync(join(REPO, "cognigy-nlu.yml"), join(dir, "cognigy-nlu.yml"));
  cpSync(join(REPO, "training-data"), join(dir, "training-data"), { recursive: true });
}

/** In `tmp`: a bare remote `origin` (named `originName`) and a work tree `seed` holding the example bot, not committed. */
export function seedRepos(tmp: string, originName: string): { origin: string; seed: string } {
  const origin = join(tmp, originName);
  git(tmp, "init", "--quiet", "--bare", origin);
  const seed = join(tmp, "seed");
  git(tmp, "init", "--quiet", seed);
  copyExampleBot(seed);
  return { origin, seed };
}
