// The backup mode: snapshot + package streamed to disk (SHA-256 verified), intents export per flow × locale (JSON + YAML),
// a manifest with compliance flags, snapshot rotation, an optional S3 copy, and the drift report.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExportedIntent } from "../cognigy/types.js";
import type { RunConfig } from "../config/options.js";
import { loadDataset } from "../dataset/load.js";
import type { Dataset, FlowData } from "../dataset/types.js";
import { UserError } from "../errors.js";
import type { Report } from "../report/types.js";
import { VERSION } from "../version.js";
import { datedName, describeFiles, hashFile, listFiles, safeName } from "./backup/files.js";
import { encryptionStatement, MANIFEST_FILE, MANIFEST_SCHEMA, type Manifest, type ManifestFlow, manifestJson, scanPii } from "./backup/manifest.js";
import { pinnedSnapshotIds } from "./backup/pinned.js";
import type { RemoteIntent } from "./diff.js";
import { computeDrift, driftSummary, maskDrift } from "./drift.js";
import { exportsToPulled } from "./pull/convert.js";
import { renderIntentFile } from "./pull/intent-file.js";
import { toRemoteIntent } from "./plan.js";
import { flowLayout } from "./pull.js";
import { removeStalePreviews } from "./preview.js";
import { resolveTargets } from "./resolve.js";
import { Runner } from "./run.js";
import { BACKUP_PREFIX, isPromotion, makeRoom } from "./snapshots.js";
import type { RunDeps, Target } from "./types.js";

// The drift report is part of the backup mode: its runner and summary table, for the Action and the CLI.
export { type DriftResult, driftMarkdown, runDrift } from "./drift.js";

/** The backup's own options (Action inputs / CLI flags beyond RunConfig). */
export interface BackupOptions {
  /** Back up even when a flow's training is out of date (--allow-untrained / allow-untrained). */
  allowUntrained?: boolean;
  /** Also copy the backup to s3://bucket/prefix (--s3-uri / s3-uri). */
  s3Uri?: string;
  /** Artifact retention in days, recorded in the manifest (the Action's upload applies it). */
  retentionDays?: number;
  /** Drift makes the run fail (--fail-on-drift / fail-on-drift). */
  failOnDrift?: boolean;
  /** Compare Cognigy with the repository (default true; skipped when the repository cannot be read). */
  drift?: boolean;
}

export interface BackupDeps extends RunDeps {
  /** Where the AWS variables come from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** report.backup: the folder the Action uploads as one artifact, and what is in it. */
export interface BackupSummary {
  name: string;
  /** Absolute path of the backup folder. */
  dir: string;
  /** Every file in the folder, relative to it (manifest.json included). */
  files: string[];
  manifest: string;
  retentionDays?: number;
  /** `sha` = the package's SHA-256 (hex). */
  snapshot: { id: string; name: string; file: string; bytes: number; sha: string };
  checksumVerified: boolean;
  exports: { flow: string; locale: string; intents: number; sentences: number; file: string }[];
  piiScan: Manifest["compliance"]["piiScan"];
  rotation: { deleted: string[] };
  untrainedFlows: string[];
  s3?: { uri: string; objects: number; serverSideEncryption: string };
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? "" : "s"}`;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** The configured flows resolved to Cognigy ids; the repository's data when it loads, empty flows when it does not. */
async function targetsFor(run: RunConfig, r: Runner, dataset: Dataset | undefined): Promise<Target[]> {
  const flows: FlowData[] =
    dataset?.flows ?? run.config.flows.map((flow) => ({ flow, dir: join(run.root, flow.dir), intents: [], tests: [], files: [] }));
  return resolveTargets(run.config, { root: run.root, flows, findings: [] }, r.client);
}

/** The repository, when it loads without yaml/schema errors (drift needs it; the backup itself does not). */
function tryLoad(run: RunConfig, r: Runner): Dataset | undefined {
  try {
    const d = loadDataset({ config: run.config, root: run.root });
    const broken = d.findings.filter((f) => f.severity === "error" && (f.rule === "yaml" || f.rule === "schema" || f.rule === "duplicate-intent"));
    if (broken.length) {
      r.deps.logger.warn(`the training data has ${plural(broken.length, "error")} (${broken[0]?.file}:${broken[0]?.line}: ${broken[0]?.message}); drift is not checked`);
      return undefined;
    }
    return d;
  } catch (e) {
    r.deps.logger.warn(`cannot read the training data (${(e as Error).message}); drift is not checked`);
    return undefined;
  }
}

/**
 * `mode: backup` / `cognigy-nlu backup`. Writes `<out>/backups/<name>/` (the .csnap, exports/, manifest.json) and
 * returns the report; report.backup lists the folder and its files for the artifact upload.
 */
export async function runBackup(run: RunConfig & BackupOptions, deps: BackupDeps): Promise<Report> {
  const r = new Runner(run, deps, "backup");
  const now = deps.now ?? Date.now;
  const log = deps.logger;
  const wait = { timeoutMs: run.config.train.timeoutSeconds * 1000, onProgress: (t: { currentStep?: number; totalStep?: number; status: string }) => log.debug(`task ${t.status} ${t.currentStep ?? 0}/${t.totalStep ?? 0}`) };
  let summary: BackupSummary | undefined;
  let dir: string | undefined;
  let complete = false;
  try {
    return await runSteps();
  } finally {
    // A backup that stopped before its manifest is not a backup: leave no folder that looks like one.
    if (dir && !complete) await rm(dir, { recursive: true, force: true });
  }

  function runSteps(): Promise<Report> {
    return r.execute(
      async () => {
        const dataset = run.drift === false ? undefined : tryLoad(run, r);
        const targets = await r.step("resolve", () => targetsFor(run, r, dataset), (t) => ({ flows: t.length }));
        const projectId = targets[0]?.projectId as string;
        const project = await r.client.resolveProject(run.config.cognigy.project);
        await removeStalePreviews(r.client, log, { projectId: project._id, now: now(), maxAgeHours: run.config.check.previewMaxAgeHours, keep: new Set(targets.map((t) => t.flowId)) });

        const untrained = await r.step("training state", async () => {
          const stale: string[] = [];
          for (const t of targets) if ((await r.client.getFlow(t.flowId)).isTrainingOutOfDate) stale.push(t.flow.name);
          if (stale.length && !run.allowUntrained) {
            throw new UserError(
              `training is out of date for ${stale.join(", ")}: the flow changed since its last training, so a snapshot now would hold a model that does not match its data`,
              "train first (cognigy-nlu train), or back up anyway with --allow-untrained (Action input allow-untrained: true)",
            );
          }
          for (const f of stale) log.warn(`${f}: training is out of date; backing up anyway (--allow-untrained)`);
          return stale;
        });

        const name = datedName(BACKUP_PREFIX, now(), run.commit);
        const bdir = join(run.out, "backups", name);
        dir = bdir;
        await rm(bdir, { recursive: true, force: true });
        await mkdir(bdir, { recursive: true });

        const rotation = await r.step("rotate snapshots", async () => {
          const snaps = await r.client.listSnapshots(projectId);
          const pinned = await pinnedSnapshotIds(r.client, projectId, new Set(snaps.map((s) => s._id)));
          for (const [id, ep] of pinned) log.debug(`snapshot ${id} is kept: endpoint '${ep}' serves it`);
          const latestPromotion = snaps.filter(isPromotion).sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))[0];
          if (latestPromotion) log.debug(`snapshot ${latestPromotion.name} is kept: the last promotion`);
          return makeRoom(r.client, projectId, { limit: run.config.promote.keepSnapshots, protect: [...pinned.keys()], logger: log, wait });
        }, (d) => ({ deleted: d.length }));

        const snapshot = await r.step("snapshot", async () => {
          const s = await r.client.createSnapshot(projectId, { name, description: `cognigy-nlu backup of ${run.commit ?? "the live project"} at ${new Date(now()).toISOString()}` }, wait);
          log.info(`snapshot ${s.name} (${s._id})`);
          await r.client.packageSnapshot(s._id, wait);
          log.info("packaged");
          return s;
        });

        const csnapFile = `${safeName(name)}.csnap`;
        const download = await r.step("download", async () => {
          const link = await r.client.snapshotDownloadLink(snapshot._id);
          const got = await r.client.downloadToFile(link, join(bdir, csnapFile));
          log.info(`${csnapFile}: ${mb(got.bytes)}, sha256 ${got.sha256}`);
          return got;
        }, (d) => ({ bytes: d.bytes }));

        const verified = await r.step("verify", async () => {
          const again = await hashFile(join(bdir, csnapFile));
          if (again.bytes !== download.bytes || again.sha256 !== download.sha256) {
            throw new UserError(
              `checksum mismatch: ${csnapFile} on disk is ${again.bytes} bytes with sha256 ${again.sha256}, but ${download.bytes} bytes with sha256 ${download.sha256} were downloaded`,
              "the file changed or was damaged after the download; run the backup again and check the disk",
            );
          }
          log.info(`checksum verified by re-reading ${csnapFile}`);
          return true;
        });

        const remote = new Map<string, RemoteIntent[]>();
        const exported: BackupSummary["exports"] = [];
        const manifestFlows: ManifestFlow[] = [];
        const allSentences: string[] = [];
        await r.step("export intents", async () => {
          for (const t of targets) {
            const flowDir = `exports/${safeName(t.flow.name)}`;
            const intents = await r.client.listIntents(t.flowId);
            const rem: RemoteIntent[] = intents.map(toRemoteIntent);
            const byName = new Map(rem.map((x) => [x.name, x]));
            const perLocale: Record<string, ExportedIntent[]> = {};
            const mf: ManifestFlow = { name: t.flow.name, id: t.flowId, referenceId: t.flowReferenceId, isTrainingOutOfDate: untrained.includes(t.flow.name), locales: [], yaml: `${flowDir}/intents` };
            for (const { key, locale } of t.locales) {
              const list = await r.client.exportIntents(t.flowId, locale._id);
              perLocale[key] = list;
              const file = `${flowDir}/${safeName(key)}.intents.json`;
              await mkdir(join(bdir, flowDir), { recursive: true });
              await writeFile(join(bdir, file), `${JSON.stringify(list, null, 2)}\n`);
              let sentences = 0;
              for (const e of list) {
                const texts = Array.isArray(e.exampleSentences) ? e.exampleSentences.map(String) : [];
                sentences += texts.length;
                for (const s of texts) allSentences.push(s);
                const x = byName.get(e.name);
                if (x) x.sentences[key] = texts;
              }
              exported.push({ flow: t.flow.name, locale: key, intents: list.length, sentences, file });
              mf.locales.push({ key, name: locale.name, id: locale._id, intents: list.length, sentences, export: file });
              log.info(`${t.flow.name} ${key}: ${plural(list.length, "intent")}, ${plural(sentences, "sentence")} → ${file}`);
            }
            // The same intents in the repository's YAML layout: one file per intent.
            const layout = flowLayout(t.flow);
            const used = new Set<string>();
            await mkdir(join(bdir, flowDir, "intents"), { recursive: true });
            for (const p of exportsToPulled(perLocale)) {
              let base = safeName(p.name).toLowerCase();
              for (let n = 2; used.has(base); n++) base = `${safeName(p.name).toLowerCase()}_${n}`;
              used.add(base);
              await writeFile(join(bdir, flowDir, "intents", `${base}.yml`), renderIntentFile(p, layout));
            }
            remote.set(t.flowId, rem);
            manifestFlows.push(mf);
          }
        }, () => ({ files: exported.length }));

        const piiScan = scanPii(allSentences);
        if (piiScan.withPii) log.warn(`PII detector: ${plural(piiScan.withPii, "exported sentence")} of ${piiScan.sentences} contain PII (${Object.entries(piiScan.byKind).map(([k, n]) => `${k} ${n}`).join(", ")})`);

        const files = await r.step("manifest", async () => {
          const entries = await describeFiles(bdir, (await listFiles(bdir)).filter((f) => f !== MANIFEST_FILE));
          const manifest: Manifest = {
            schema: MANIFEST_SCHEMA,
            tool: { name: "cognigy-nlu", version: VERSION },
            createdAt: new Date(now()).toISOString(),
            ...(run.commit ? { commit: run.commit } : {}),
            project: { id: project._id, name: project.name },
            snapshot: { id: snapshot._id, name: snapshot.name, description: snapshot.description, file: csnapFile, bytes: download.bytes, sha256: download.sha256, packageExpiresAt: snapshot.packageExpiresAt },
            flows: manifestFlows,
            files: entries,
            totals: { files: entries.length, bytes: entries.reduce((n, f) => n + f.bytes, 0) },
            ...(run.retentionDays !== undefined ? { retentionDays: run.retentionDays } : {}),
            compliance: {
              checksumVerified: verified,
              checksum: "SHA-256 computed while streaming the download, then recomputed by re-reading the file from disk; both match",
              encryptedAtRest: encryptionStatement(Boolean(run.s3Uri)),
              piiScan,
            },
          };
          await writeFile(join(bdir, MANIFEST_FILE), manifestJson(manifest));
          complete = true;
          return { entries, manifest };
        });

        if (run.s3Uri) {
          const uri = run.s3Uri;
          const s3 = await r.step("s3 upload", async () => {
            const { uploadToS3 } = await import("./backup/s3.js");
            const all = await describeFiles(bdir, await listFiles(bdir));
            const m = files.manifest;
            return uploadToS3(
              {
                uri,
                dir: bdir,
                files: all,
                folder: name,
                env: deps.env ?? process.env,
                metadata: {
                  "cognigy-project": m.project.name,
                  "cognigy-project-id": m.project.id,
                  "snapshot-id": m.snapshot.id,
                  "snapshot-name": m.snapshot.name,
                  "snapshot-sha256": m.snapshot.sha256,
                  commit: m.commit,
                  "tool-version": m.tool.version,
                  "created-at": m.createdAt,
                  "checksum-verified": m.compliance.checksumVerified,
                  "pii-sentences": m.compliance.piiScan.withPii,
                },
              },
              log,
            );
          }, (s) => ({ objects: s.keys.length }));
          summary = { ...(summary as BackupSummary), s3: { uri, objects: s3.keys.length, serverSideEncryption: s3.serverSideEncryption } };
        }

        summary = {
          ...(summary ?? {}),
          name,
          dir: bdir,
          files: await listFiles(bdir),
          manifest: join(bdir, MANIFEST_FILE),
          ...(run.retentionDays !== undefined ? { retentionDays: run.retentionDays } : {}),
          snapshot: { id: snapshot._id, name: snapshot.name, file: csnapFile, bytes: download.bytes, sha: download.sha256 },
          checksumVerified: verified,
          exports: exported,
          piiScan,
          rotation: { deleted: rotation },
          untrainedFlows: untrained,
        } as BackupSummary;
        r.report.backup = summary;

        if (dataset && run.drift !== false) {
          const drift = await r.step("drift", () => computeDrift(run, r.stepDeps, { dataset, targets, remote }), (d) => ({ ...d.totals }));
          r.report.drift = maskDrift(drift);
          log.info(driftSummary(drift));
          if (!drift.clean && run.failOnDrift) {
            r.report.status = "failure";
            r.report.error = { step: "drift", message: `${driftSummary(drift)} (fail-on-drift)` };
          }
        } else r.skip("drift", dataset ? "disabled" : "the training data could not be read");
      },
      (rep) => {
        const b = rep.backup as BackupSummary | undefined;
        if (!b) return "backup: nothing written";
        const drift = rep.drift ? `; ${driftSummary(rep.drift as Parameters<typeof driftSummary>[0])}` : "";
        return `backup ${b.name}: ${mb(b.snapshot.bytes)} package, checksum verified, ${plural(b.exports.length, "intent export")}${b.s3 ? `, copied to ${b.s3.uri}` : ""}${drift}`;
      },
    );
  }
}
