// The estimate's base read over real git repositories: the same FlowData as the former read (ls-tree, one cat-file per
// call, every file parsed) in every case — a file changed in the PR, added, deleted, a link and an oversized file in the
// base tree, a base config that moves a flow, other locales, odd paths, SHA-256 — with the head's parse taken for the
// files the PR did not touch; and the one cat-file process it reads through (many files, binary bytes, paths with
// spaces and Unicode, missing names, queued reads, limits).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { type Config, configSchema } from "../../src/config/schema.js";
import { decodeUtf8, MAX_FILE_BYTES } from "../../src/dataset/files.js";
import { loadDataset, loadedFiles } from "../../src/dataset/load.js";
import { parseIntentFile, parseTestsFile } from "../../src/dataset/parse.js";
import type { Dataset, FlowData, IntentDoc } from "../../src/dataset/types.js";
import { RecordingLogger } from "../../src/logger.js";
import { localEstimate, readBaseData } from "../../src/pipeline/estimate.js";
import { CatFile, GitUnavailable, isRegularFile, lsTree, readBlobs, repoPrefix, revParseWithPrefix, showFile, treeEntries } from "../../src/pipeline/git.js";
import { git } from "./git-env.js";



function put(root: string, file: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

function commitAll(root: string, message: string): string {
  git(root, "add", "-A");
  git(root, "commit", "-qm", message);
  return git(root, "rev-parse", "HEAD");
}

const intentYaml = (name: string, examples: string[], tests: string[] = []) =>
  `intent: ${name}\nexamples:\n${examples.map((e) => `  - ${JSON.stringify(e)}\n`).join("")}${tests.length ? `tests:\n${tests.map((t) => `  - ${JSON.stringify(t)}\n`).join("")}` : ""}`;

const configYaml = (flows: { name: string; dir: string; locales?: string }[]) =>
  `cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Test Bot\nflows:\n${flows
    .map((f) => `  - name: ${f.name}\n    dir: ${JSON.stringify(f.dir)}\n    locales: ${f.locales ?? "{ en-US: en-US, de-DE: de-DE }"}\n    defaultLocale: en-US\n`)
    .join("")}`;

/** The base read as it was before the shared cat-file and the head's parse (the reference every case is held to). */
async function formerRead(cwd: string, config: Config, commit: string, configPath: string): Promise<FlowData[]> {
  const { top, prefix } = await repoPrefix(cwd);
  const root = resolve(cwd);
  const relConfig = relative(top, resolve(root, configPath)).split(sep).join("/");
  const bytes = await showFile(cwd, commit, relConfig);
  let dirs: Map<string, string> | undefined;
  const text = bytes && decodeUtf8(bytes);
  if (text && "text" in text) {
    const parsed = configSchema.safeParse(parseYaml(text.text, { maxAliasCount: 100, logLevel: "error" }) ?? {});
    if (parsed.success) dirs = new Map(parsed.data.flows.map((f) => [f.name, f.dir]));
  }
  const topPath = (dir: string) => posix.normalize(posix.join(prefix, dir.split(sep).join("/"))).replace(/\/+$/, "");
  const flows = config.flows.map((flow) => ({ flow, dir: topPath(dirs?.get(flow.name) ?? flow.dir) }));
  const entries = await lsTree(
    cwd,
    commit,
    flows.flatMap((f) => [`${f.dir}/intents`, `${f.dir}/tests`]),
  );
  const wanted = entries.filter((e) => e.type === "blob" && e.mode !== "120000" && e.size <= MAX_FILE_BYTES && /\.ya?ml$/i.test(e.path));
  const blobs = await readBlobs(cwd, [...new Set(wanted.map((e) => e.sha))]);
  const byPath = new Map(wanted.map((e) => [e.path, e]));
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return flows.map(({ flow, dir }) => {
    const data: FlowData = { flow, dir: resolve(top, dir), intents: [], tests: [], files: [] };
    for (const sub of ["intents", "tests"] as const) {
      const folder = `${dir}/${sub}/`;
      for (const p of [...byPath.keys()].filter((x) => x.startsWith(folder) && !x.slice(folder.length).includes("/")).sort(cmp)) {
        const b = blobs.get(byPath.get(p)!.sha);
        if (!b) continue;
        const t = decodeUtf8(b);
        if (!("text" in t)) continue;
        const file = posix.relative(prefix.replace(/\/+$/, "") || ".", p);
        data.files.push(file);
        if (sub === "intents") {
          const r = parseIntentFile(t.text, file, flow);
          if (r.intent) data.intents.push(r.intent);
        } else data.tests.push(...parseTestsFile(t.text, file, flow).tests);
      }
    }
    return data;
  });
}

function intentOf(data: FlowData[], flow: string, name: string): IntentDoc | undefined {
  return data.find((f) => f.flow.name === flow)?.intents.find((i) => i.name === name);
}

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "base-read-"));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("the base read reuses the head's parse of unchanged files", () => {
  // the bot lives in bot/ (the config's folder is not the repository's top); Main has the usual folders, Other a
  // folder with a space and non-ASCII letters
  let repo: string;
  let cwd: string;
  let base: string;
  const MAIN = "training-data/main";
  const OTHER = "other data/flöw ünï";

  beforeAll(() => {
    repo = join(tmp, "pr");
    mkdirSync(repo);
    git(repo, "init", "-q");
    cwd = join(repo, "bot");
    put(cwd, "cognigy-nlu.yml", configYaml([{ name: "Main", dir: MAIN }, { name: "Other", dir: OTHER }]));
    put(cwd, `${MAIN}/intents/greeting.yml`, intentYaml("Greeting", ["hello", "hi there", "good morning"], ["hey you"]));
    put(cwd, `${MAIN}/intents/order.yml`, intentYaml("Order", ["a pizza please", "I want to order"], ["one pizza"]));
    put(cwd, `${MAIN}/intents/cancel.yml`, intentYaml("Cancel", ["cancel it", "stop my order"]));
    put(cwd, `${MAIN}/intents/crlf.yml`, intentYaml("Crlf", ["windows line ends", "carriage returns"]).replace(/\n/g, "\r\n"));
    put(cwd, `${MAIN}/intents/bom.yml`, `\ufeff${intentYaml("Bom", ["byte order mark", "utf8 with a bom"])}`);
    put(cwd, `${MAIN}/intents/german.yml`, "intent: German\nexamples:\n  en-US: [good day]\n  de-DE: [guten Tag, hallo zusammen]\n");
    put(cwd, `${MAIN}/intents/notes.txt`, "not yaml\n");
    put(cwd, `${MAIN}/intents/nested/deep.yml`, intentYaml("Deep", ["in a subfolder"]));
    put(cwd, `${MAIN}/intents/big.yml`, `intent: Big\nexamples:\n${"  - a very long list of the same example\n".repeat(Math.ceil((MAX_FILE_BYTES + 10) / 40))}`);
    symlinkSync("greeting.yml", join(cwd, MAIN, "intents", "link.yml"));
    put(cwd, `${MAIN}/tests/set.yml`, "- text: hello again\n  expect: Greeting\n- text: what is the weather\n  expect: null\n");
    put(cwd, `${MAIN}/tests/bad.yml`, "- text: [unclosed\n");
    put(cwd, `${OTHER}/intents/ä b.yml`, intentYaml("Umlaut", ["grüß dich", "schönen Tag"]));
    base = commitAll(repo, "base");
    // the PR, in the working tree: one file changed, one added, one deleted
    put(cwd, `${MAIN}/intents/order.yml`, intentYaml("Order", ["a pizza please", "I want to order", "one margherita to go"], ["one pizza"]));
    put(cwd, `${MAIN}/intents/new.yml`, intentYaml("New", ["brand new intent", "added in the PR"]));
    unlinkSync(join(cwd, MAIN, "intents", "cancel.yml"));
  });

  it("gives the former read's data, taking the head's objects for the files the PR did not touch", async () => {
    const { config, root } = loadConfig("cognigy-nlu.yml", cwd);
    const head = loadDataset({ config, root });
    const expected = await formerRead(cwd, config, base, "cognigy-nlu.yml");
    const got = await readBaseData(cwd, config, base, "cognigy-nlu.yml", head);
    expect(got).toEqual(expected);
    const mainFiles = got[0].files;
    // a link and an oversized file in the base tree are skipped, a subfolder and other names are not read
    expect(mainFiles).not.toContain(`${MAIN}/intents/link.yml`);
    expect(mainFiles).not.toContain(`${MAIN}/intents/big.yml`);
    expect(mainFiles.some((f) => f.includes("nested") || f.endsWith(".txt"))).toBe(false);
    expect(mainFiles).toContain(`${MAIN}/intents/cancel.yml`);
    expect(mainFiles).not.toContain(`${MAIN}/intents/new.yml`);
    // unchanged files: head's very objects (not parsed again); CRLF, a BOM and a non-ASCII path included
    for (const [flow, name] of [
      ["Main", "Greeting"],
      ["Main", "Crlf"],
      ["Main", "Bom"],
      ["Main", "German"],
      ["Other", "Umlaut"],
    ] as const)
      expect(intentOf(got, flow, name), `${flow} ${name}`).toBe(intentOf(head.flows, flow, name));
    const headTests = new Set(head.flows[0].tests);
    expect(got[0].tests.length).toBe(2);
    expect(got[0].tests.every((t) => headTests.has(t))).toBe(true);
    // the changed file is the base's own parse; the deleted one is parsed from the base
    const order = intentOf(got, "Main", "Order")!;
    expect(order).not.toBe(intentOf(head.flows, "Main", "Order"));
    expect(order.examples["en-US"].map((u) => u.text)).toEqual(["a pizza please", "I want to order"]);
    expect(intentOf(got, "Main", "Cancel")?.examples["en-US"]).toHaveLength(2);
    expect(intentOf(got, "Main", "New")).toBeUndefined();
  });

  it("without the head, or with head data the loader did not make, parses every file (the same data)", async () => {
    const { config, root } = loadConfig("cognigy-nlu.yml", cwd);
    const head = loadDataset({ config, root });
    const expected = await formerRead(cwd, config, base, "cognigy-nlu.yml");
    const copy: Dataset = structuredClone(head);
    expect(loadedFiles(copy.flows[0])).toBeUndefined();
    expect(loadedFiles(head.flows[0])?.files.size).toBe(9);
    for (const got of [await readBaseData(cwd, config, base, "cognigy-nlu.yml"), await readBaseData(cwd, config, base, "cognigy-nlu.yml", copy)]) {
      expect(got).toEqual(expected);
      expect(intentOf(got, "Main", "Greeting")).not.toBe(intentOf(head.flows, "Main", "Greeting"));
    }
  });

  it("parses again when the flow's locales differ from those the head was parsed with", async () => {
    const { config, root } = loadConfig("cognigy-nlu.yml", cwd);
    const head = loadDataset({ config, root });
    for (const change of [
      (c: Config) => {
        c.flows[0].locales = { "de-DE": "de-DE", "en-US": "en-US" }; // the same keys in another order
      },
      (c: Config) => {
        c.flows[0].locales = { "en-US": "en-US" };
      },
      (c: Config) => {
        c.flows[0].defaultLocale = "de-DE";
      },
    ]) {
      const other = structuredClone(config);
      change(other);
      const got = await readBaseData(cwd, other, base, "cognigy-nlu.yml", head);
      expect(got).toEqual(await formerRead(cwd, other, base, "cognigy-nlu.yml"));
      expect(intentOf(got, "Main", "Greeting")).not.toBe(intentOf(head.flows, "Main", "Greeting"));
      // Other's locales are unchanged: its file is still head's
      expect(intentOf(got, "Other", "Umlaut")).toBe(intentOf(head.flows, "Other", "Umlaut"));
    }
    // the locales the head was parsed with count, not those its flow config holds later
    config.flows[0].locales = { "de-DE": "de-DE", "en-US": "en-US" };
    expect(head.flows[0].flow).toBe(config.flows[0]);
    const got = await readBaseData(cwd, config, base, "cognigy-nlu.yml", head);
    expect(got).toEqual(await formerRead(cwd, config, base, "cognigy-nlu.yml"));
    expect(intentOf(got, "Main", "Greeting")).not.toBe(intentOf(head.flows, "Main", "Greeting"));
  });

  it("localEstimate gives the same results whether or not the head's parse is reused", async () => {
    const { config, root } = loadConfig("cognigy-nlu.yml", cwd);
    const head = loadDataset({ config, root });
    const strip = (e: Awaited<ReturnType<typeof localEstimate>>) => ({
      ...e,
      head: e.head.map(({ ms: _ms, ...p }) => p),
      base: e.base?.map(({ ms: _ms, ...p }) => p),
      ms: undefined,
    });
    const reused = await localEstimate({ cwd, config, baseRef: base, logger: new RecordingLogger(), dataset: head });
    const parsed = await localEstimate({ cwd, config, baseRef: base, logger: new RecordingLogger(), dataset: structuredClone(head) });
    expect(reused.noBaseReason).toBeUndefined();
    expect(reused.base?.length).toBeGreaterThan(0);
    expect(strip(reused)).toEqual(strip(parsed));
    const loaded = await localEstimate({ cwd, config, baseRef: base, logger: new RecordingLogger() });
    expect(strip(loaded)).toEqual(strip(parsed));
  });
});

describe("the base read's other paths give the former read's data", () => {
  it("a base config that puts a flow in another folder (the PR moved it): read from the base's folder, parsed", async () => {
    const repo = join(tmp, "moved");
    mkdirSync(repo);
    git(repo, "init", "-q");
    put(repo, "cognigy-nlu.yml", configYaml([{ name: "Main", dir: "data/old" }]));
    put(repo, "data/old/intents/a.yml", intentYaml("A", ["first example", "second example"]));
    put(repo, "data/old/intents/b.yml", intentYaml("B", ["third example", "fourth example"]));
    const base = commitAll(repo, "base");
    git(repo, "mv", "data/old", "data/new");
    put(repo, "cognigy-nlu.yml", configYaml([{ name: "Main", dir: "data/new" }]));
    const { config, root } = loadConfig("cognigy-nlu.yml", repo);
    const head = loadDataset({ config, root });
    expect(head.flows[0].intents).toHaveLength(2);
    const got = await readBaseData(repo, config, base, "cognigy-nlu.yml", head);
    expect(got).toEqual(await formerRead(repo, config, base, "cognigy-nlu.yml"));
    expect(got[0].files).toEqual(["data/old/intents/a.yml", "data/old/intents/b.yml"]);
    const headIntents = new Set(head.flows[0].intents);
    expect(got[0].intents.some((i) => headIntents.has(i))).toBe(false);
  });

  it("a flow in the config's own folder ('.'), a base config that is a link, a base without the config", async () => {
    const repo = join(tmp, "odd");
    mkdirSync(repo);
    git(repo, "init", "-q");
    put(repo, "real.yml", configYaml([{ name: "Main", dir: "elsewhere" }]));
    symlinkSync("real.yml", join(repo, "cognigy-nlu.yml"));
    put(repo, "intents/a.yml", intentYaml("A", ["first example", "second example"]));
    put(repo, "sub/intents/a.yml", intentYaml("A", ["first example", "second example"]));
    const linked = commitAll(repo, "a link as the config");
    unlinkSync(join(repo, "cognigy-nlu.yml"));
    const without = commitAll(repo, "no config");
    for (const dir of [".", "sub"]) {
      put(repo, "cognigy-nlu.yml", configYaml([{ name: "Main", dir }]));
      const { config, root } = loadConfig("cognigy-nlu.yml", repo);
      const head = loadDataset({ config, root });
      for (const commit of [linked, without]) {
        const got = await readBaseData(repo, config, commit, "cognigy-nlu.yml", head);
        expect(got, `${dir} ${commit}`).toEqual(await formerRead(repo, config, commit, "cognigy-nlu.yml"));
      }
    }
    // "sub" is read (the link's folder "elsewhere" is not used); "." reads nothing, as before
    const { config, root } = loadConfig("cognigy-nlu.yml", repo);
    expect((await readBaseData(repo, config, linked, "cognigy-nlu.yml", loadDataset({ config, root })))[0].files).toEqual(["sub/intents/a.yml"]);
  });

  it("a commit that is not there, or not a commit: the former errors", async () => {
    const repo = join(tmp, "errors");
    mkdirSync(repo);
    git(repo, "init", "-q");
    put(repo, "cognigy-nlu.yml", configYaml([{ name: "Main", dir: "data" }]));
    put(repo, "data/intents/a.yml", intentYaml("A", ["first example", "second example"]));
    commitAll(repo, "base");
    const blob = git(repo, "rev-parse", "HEAD:data/intents/a.yml");
    const { config } = loadConfig("cognigy-nlu.yml", repo);
    for (const commit of ["0".repeat(40), blob]) {
      const former = await formerRead(repo, config, commit, "cognigy-nlu.yml").then(
        () => "read",
        (e: Error) => `${e.constructor.name}: ${e.message}`,
      );
      const now = await readBaseData(repo, config, commit, "cognigy-nlu.yml").then(
        () => "read",
        (e: Error) => `${e.constructor.name}: ${e.message}`,
      );
      expect(now).toMatch(/^GitUnavailable: cannot list/);
      expect(now).toBe(former);
    }
  });

  it("a SHA-256 repository", async () => {
    const repo = join(tmp, "sha256");
    mkdirSync(repo);
    try {
      git(repo, "init", "-q", "--object-format=sha256");
    } catch {
      return; // a git without SHA-256 support
    }
    put(repo, "cognigy-nlu.yml", configYaml([{ name: "Main", dir: "data" }]));
    put(repo, "data/intents/a.yml", intentYaml("A", ["first example", "second example"]));
    put(repo, "data/tests/t.yml", "- text: first one\n  expect: A\n");
    const base = commitAll(repo, "base");
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    put(repo, "data/intents/a.yml", intentYaml("A", ["first example", "second example", "third"]));
    const { config, root } = loadConfig("cognigy-nlu.yml", repo);
    const head = loadDataset({ config, root });
    const got = await readBaseData(repo, config, base, "cognigy-nlu.yml", head);
    expect(got).toEqual(await formerRead(repo, config, base, "cognigy-nlu.yml"));
    expect(got[0].intents[0].examples["en-US"]).toHaveLength(2);
    expect(got[0].tests[0]).toBe(head.flows[0].tests[0]);
  });
});

describe("CatFile: one git cat-file --batch for many reads", () => {
  let repo: string;
  let commit: string;
  const files: Record<string, Buffer> = {};

  beforeAll(() => {
    repo = join(tmp, "blobs");
    mkdirSync(repo);
    git(repo, "init", "-q");
    for (let i = 0; i < 300; i++) files[`many/f${String(i).padStart(3, "0")}.yml`] = Buffer.from(`intent: I${i}\nexamples:\n  - example ${i}\n`);
    const binary = Buffer.alloc(70_000);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + (i >> 3)) & 0xff;
    files["odd/binary.bin"] = binary;
    files["odd/newlines.txt"] = Buffer.from("\n".repeat(5000) + "\r\n".repeat(5000) + "\u0000\n");
    files["odd/header-like.txt"] = Buffer.from(`${"a".repeat(40)} blob 12\nmissing\n${"b".repeat(40)} missing\n`);
    files["odd/empty.yml"] = Buffer.alloc(0);
    files["dir with space/ünï cödé.yml"] = Buffer.from("intent: Ünï\nexamples: [grüß dich, schön]\n");
    for (const [p, b] of Object.entries(files)) put(repo, p, b);
    symlinkSync("../many/f000.yml", join(repo, "odd", "link.yml"));
    put(repo, "odd/run.sh", "#!/bin/sh\n");
    execFileSync("chmod", ["+x", join(repo, "odd", "run.sh")]);
    commit = commitAll(repo, "blobs");
  });

  it("reads many objects, binary and newline-heavy bytes, in one read, byte for byte", async () => {
    const entries = await lsTree(repo, commit, ["many", "odd", "dir with space"]);
    const cat = new CatFile(repo);
    try {
      const got = await cat.read(entries.map((e) => e.sha));
      expect(got).toHaveLength(entries.length);
      entries.forEach((e, i) => {
        expect(got[i]?.oid).toBe(e.sha);
        expect(got[i]?.type).toBe("blob");
        expect(got[i]?.size).toBe(e.size);
        const want = e.mode === "120000" ? Buffer.from("../many/f000.yml") : e.path.endsWith("run.sh") ? Buffer.from("#!/bin/sh\n") : files[e.path];
        expect(got[i]?.data?.equals(want), e.path).toBe(true);
      });
      expect(entries.length).toBe(Object.keys(files).length + 2);
    } finally {
      cat.close();
    }
  });

  it("reads by <commit>:<path> (spaces, Unicode), missing names and names it cannot ask without losing step; queued reads in order", async () => {
    const cat = new CatFile(repo);
    try {
      const a = cat.read([`${commit}:dir with space/ünï cödé.yml`, `${commit}:no/such file.yml`, `${commit}:odd/binary.bin`]);
      const b = cat.read(["not-a-name\nHEAD", `${commit}:odd/empty.yml`, "0".repeat(40), `${commit}:odd/header-like.txt`]);
      const c = cat.read([]);
      const [x, y, z] = await Promise.all([a, b, c]);
      expect(x[0]?.data?.equals(files["dir with space/ünï cödé.yml"])).toBe(true);
      expect(x[1]).toBeUndefined();
      expect(x[2]?.data?.equals(files["odd/binary.bin"])).toBe(true);
      expect(y[0]).toBeUndefined();
      expect(y[1]).toMatchObject({ type: "blob", size: 0 });
      expect(y[1]?.data?.length).toBe(0);
      expect(y[2]).toBeUndefined();
      expect(y[3]?.data?.equals(files["odd/header-like.txt"])).toBe(true);
      expect(z).toEqual([]);
      // a read after all that still lines up
      const [again] = await cat.read([`${commit}:many/f299.yml`]);
      expect(again?.data?.equals(files["many/f299.yml"])).toBe(true);
    } finally {
      cat.close();
    }
  });

  it("passes over the objects a read does not keep (size and type still given)", async () => {
    const cat = new CatFile(repo);
    try {
      const names = [`${commit}:odd/binary.bin`, `${commit}:many/f001.yml`, `${commit}:odd/newlines.txt`, `${commit}:many`];
      const got = await cat.read(names, (type, size) => type === "blob" && size < 1000);
      expect(got[0]).toEqual({ oid: expect.any(String), type: "blob", size: 70_000 });
      expect(got[1]?.data?.equals(files["many/f001.yml"])).toBe(true);
      expect(got[2]?.data).toBeUndefined();
      expect(got[3]).toMatchObject({ type: "tree" });
      expect(got[3]?.data).toBeUndefined();
    } finally {
      cat.close();
    }
  });

  it("stops at maxBuffer, outside a repository, and once closed, with GitUnavailable", async () => {
    const small = new CatFile(repo, { maxBuffer: 1000 });
    try {
      await expect(small.read([`${commit}:odd/binary.bin`])).rejects.toThrow(new GitUnavailable("git output exceeds 1000 bytes"));
      await expect(small.read([`${commit}:many/f001.yml`])).rejects.toThrow(GitUnavailable);
    } finally {
      small.close();
    }
    // not kept: not counted
    const skip = new CatFile(repo, { maxBuffer: 1000 });
    try {
      const [o] = await skip.read([`${commit}:odd/binary.bin`], () => false);
      expect(o?.size).toBe(70_000);
    } finally {
      skip.close();
    }
    const plain = join(tmp, "not-a-repo");
    mkdirSync(plain);
    const outside = new CatFile(plain);
    try {
      await expect(outside.read(["HEAD"])).rejects.toThrow(/^git cat-file failed: fatal: not a git repository/);
    } finally {
      outside.close();
    }
    const closed = new CatFile(repo);
    closed.close();
    await expect(closed.read(["HEAD"])).rejects.toThrow(GitUnavailable);
  });

  it("treeEntries reads a tree object as ls-tree lists it", async () => {
    const cat = new CatFile(repo);
    try {
      const [t] = await cat.read([`${commit}:odd`]);
      const entries = treeEntries(t!.data!, commit.length / 2)!;
      const listed = git(repo, "ls-tree", "-z", commit, "--", "odd/")
        .split("\u0000")
        .filter(Boolean)
        .map((rec) => {
          const [meta, path] = rec.split("\t");
          const [mode, , oid] = meta.split(" ");
          return { mode: Number.parseInt(mode, 8), name: path.slice("odd/".length), oid };
        });
      expect(entries).toEqual(listed);
      const byName = new Map(entries.map((e) => [e.name, e]));
      expect(isRegularFile(byName.get("binary.bin")!.mode)).toBe(true);
      expect(isRegularFile(byName.get("run.sh")!.mode)).toBe(true);
      expect(isRegularFile(byName.get("link.yml")!.mode)).toBe(false);
      const [top] = await cat.read([`${commit}^{tree}`]);
      const dirs = treeEntries(top!.data!, commit.length / 2)!;
      expect(dirs.map((e) => e.name)).toEqual(["dir with space", "many", "odd"]);
      expect(dirs.every((e) => !isRegularFile(e.mode))).toBe(true);
      expect(treeEntries(Buffer.from("100644 x"), 20)).toBeUndefined();
      expect(treeEntries(Buffer.from("zz x\u0000aaaaaaaaaaaaaaaaaaaa"), 20)).toBeUndefined();
    } finally {
      cat.close();
    }
  });

  it("revParseWithPrefix gives rev-parse's commit, top, prefix and depth in one process; without the commit when it is missing", async () => {
    const sub = join(repo, "dir with space");
    const top = git(repo, "rev-parse", "--show-toplevel");
    expect(await revParseWithPrefix(sub, "HEAD")).toEqual({ sha: commit, top, prefix: "dir with space/", shallow: false });
    expect(await revParseWithPrefix(repo, "main")).toEqual({ sha: commit, top, prefix: "", shallow: false });
    // a missing ref still tells the folders and the depth (resolveCommit then need not ask git again)
    expect(await revParseWithPrefix(sub, "origin/nope")).toEqual({ top, prefix: "dir with space/", shallow: false });
    expect(await revParseWithPrefix(join(tmp, "not-a-repo"), "HEAD")).toBeUndefined();
    await expect(revParseWithPrefix(repo, "--upload-pack=evil")).rejects.toThrow(/is not a valid git ref/);
    await expect(revParseWithPrefix(repo, "origin/")).rejects.toThrow(/is not a valid git ref/);
    const blob = git(repo, "rev-parse", "HEAD:odd/binary.bin");
    expect(await revParseWithPrefix(repo, blob)).toEqual({ top, prefix: "", shallow: false }); // not a commit
    // a depth-1 clone says so
    const shallowClone = join(tmp, "shallow-clone");
    git(tmp, "clone", "-q", "--depth", "1", `file://${repo}`, shallowClone);
    expect(await revParseWithPrefix(shallowClone, "HEAD")).toEqual({ sha: commit, top: git(shallowClone, "rev-parse", "--show-toplevel"), prefix: "", shallow: true });
    expect(await revParseWithPrefix(shallowClone, "origin/nope")).toEqual({ top: git(shallowClone, "rev-parse", "--show-toplevel"), prefix: "", shallow: true });
    // the blob's bytes on disk are what the test put there
    expect(readFileSync(join(repo, "odd", "binary.bin")).equals(files["odd/binary.bin"])).toBe(true);
  });
});
