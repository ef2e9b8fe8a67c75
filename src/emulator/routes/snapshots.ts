// Routes: snapshots — create (max 10), list newest first, delete, package, download link + download, upload, restore (§14).
import type { EmulatorCore } from "../core.js";
import { type Ctx, objectIdArg, ok, queryObjectId, type Reply, type Router, str } from "../http.js";
import { token } from "../ids.js";
import { paginate } from "../paging.js";
import { packageStream, readPackage } from "../csnap.js";
import { badRequest, conflict, HttpError, missingArgument } from "../problem.js";
import { sha256, type SnapshotRec } from "../state.js";
import { createdTaskView, snapshotView } from "../views.js";

export const MAX_SNAPSHOTS = 10;
const PACKAGE_TTL_S = 24 * 3600;

export function registerSnapshotRoutes(r: Router, emu: EmulatorCore): void {
  const s = emu.store;

  /** Snapshots of the project plus the ones being created or uploaded. */
  const used = (projectId: string) =>
    [...s.snapshots.values()].filter((x) => x.projectId === projectId).length +
    [...s.tasks.values()].filter((t) => t.projectId === projectId && (t.type === "createSnapshot" || t.type === "uploadSnapshot") && (t.status === "queued" || t.status === "active")).length;

  const checkCap = (projectId: string) => {
    if (used(projectId) >= MAX_SNAPSHOTS) {
      throw new HttpError(400, `The project already has the maximum of ${MAX_SNAPSHOTS} snapshots. Delete a snapshot first.`, 1005);
    }
  };

  const addSnapshot = (projectId: string, name: string, description: string, data: SnapshotRec["data"], hash?: string): SnapshotRec => {
    const rec: SnapshotRec = {
      _id: s.ids.objectId(),
      projectId,
      name,
      description,
      hash: hash ?? sha256(JSON.stringify(data)),
      isPackaged: false,
      packageExpiresAt: null,
      downloadToken: null,
      linkCalls: 0,
      downloads: 0,
      data,
      ...s.meta(),
    };
    s.snapshots.set(rec._id, rec);
    return rec;
  };

  r.add("GET", "/snapshots", (ctx) => {
    const projectId = queryObjectId(ctx.query, "projectId", true)!;
    emu.project(projectId);
    const rows = [...s.snapshots.values()].filter((x) => x.projectId === projectId);
    return ok(paginate(rows, ctx.query, snapshotView, { sort: "createdAt:desc", textField: "name", filterFields: ["name", "isPackaged"] }));
  });

  r.add("POST", "/snapshots", (ctx) => {
    const body = ctx.json();
    const projectId = objectIdArg(body, "projectId")!;
    emu.project(projectId);
    const name = str(body, "name", { required: true, max: 200 })!.trim();
    if (!name) throw badRequest("'name' must not be empty");
    const description = str(body, "description", { allowEmpty: true, max: 1000 }) ?? "";
    checkCap(projectId);
    let data = s.captureProject(projectId);
    const task = emu.tasks.start(
      projectId,
      "createSnapshot",
      { projectId, name, description },
      {
        failLabel: "Snapshot creation failed",
        begin: () => {
          data = s.captureProject(projectId);
        },
        run: async ({ signal, task }) => {
          if (signal.aborted) return;
          const snap = addSnapshot(projectId, name, description, data);
          task.parameters.snapshotId = snap._id;
          emu.changed();
        },
      },
      ctx.taskFault(),
    );
    return ok(createdTaskView(task));
  });

  r.add("POST", "/snapshots/upload", async (ctx) => {
    const form = await ctx.form();
    const projectId = form.get("projectId");
    if (typeof projectId !== "string" || !projectId) throw missingArgument("projectId");
    emu.project(objectIdArg({ projectId }, "projectId")!);
    const file = form.get("file");
    if (!file || typeof file === "string") throw missingArgument("file");
    checkCap(projectId);
    const buf = Buffer.from(await file.arrayBuffer());
    const task = emu.tasks.start(
      projectId,
      "uploadSnapshot",
      { projectId },
      {
        failLabel: "Snapshot upload failed",
        run: async ({ signal, task }) => {
          const pkg = readPackage(buf);
          if (signal.aborted) return;
          if ([...s.snapshots.values()].filter((x) => x.projectId === projectId).length >= MAX_SNAPSHOTS) {
            throw new Error(`the project already has the maximum of ${MAX_SNAPSHOTS} snapshots`);
          }
          const snap = addSnapshot(projectId, pkg.header.name, pkg.header.description ?? "", pkg.data, pkg.header.hash);
          task.parameters.snapshotId = snap._id;
          emu.changed();
        },
      },
      ctx.taskFault(),
    );
    return ok(createdTaskView(task));
  });

  r.add("GET", "/snapshots/:snapshotId", (ctx) => ok(snapshotView(emu.snapshot(ctx.params.snapshotId))));

  r.add("DELETE", "/snapshots/:snapshotId", (ctx) => {
    const snap = emu.snapshot(ctx.params.snapshotId);
    const task = emu.tasks.start(
      snap.projectId,
      "deleteSnapshot",
      { snapshotId: snap._id },
      {
        failLabel: "Snapshot deletion failed",
        run: async ({ signal }) => {
          if (signal.aborted) return;
          s.snapshots.delete(snap._id);
          emu.changed();
        },
      },
      ctx.taskFault(),
    );
    return ok(createdTaskView(task));
  });

  r.add("POST", "/snapshots/:snapshotId/package", (ctx) => {
    const snap = emu.snapshot(ctx.params.snapshotId);
    const task = emu.tasks.start(
      snap.projectId,
      "packageSnapshot",
      { snapshotId: snap._id },
      {
        failLabel: "Snapshot packaging failed",
        run: async ({ signal }) => {
          if (signal.aborted || !s.snapshots.has(snap._id)) return;
          snap.isPackaged = true;
          snap.packageExpiresAt = s.nowSec() + PACKAGE_TTL_S;
          snap.downloadToken = token(24);
          s.touch(snap);
          emu.changed();
        },
      },
      ctx.taskFault(),
    );
    return ok(createdTaskView(task));
  });

  r.add("POST", "/snapshots/:snapshotId/downloadlink", (ctx) => {
    const snap = emu.snapshot(ctx.params.snapshotId);
    if (!snap.isPackaged || !snap.downloadToken) throw conflict("The snapshot has not been packaged yet");
    snap.linkCalls++;
    const early = emu.faults.spec.counts.early409 ?? 0;
    if (snap.linkCalls <= early) {
      emu.faults.count("early409");
      throw conflict("The snapshot package is not ready for download yet");
    }
    const file = `${encodeURIComponent(snap.name.replace(/[^\w.-]+/g, "_"))}.csnap`;
    return ok({ downloadLink: `${ctx.origin}/download/snapshots/${snap.downloadToken}/${file}` });
  });

  r.add("POST", "/snapshots/:snapshotId/restore", (ctx) => {
    const snap = emu.snapshot(ctx.params.snapshotId);
    const body = ctx.json();
    const projectId = objectIdArg(body, "projectId", false) ?? snap.projectId;
    emu.project(projectId);
    const task = emu.tasks.start(
      projectId,
      "restoreSnapshot",
      { snapshotId: snap._id, projectId },
      {
        failLabel: "Snapshot restore failed",
        exclusive: `project:${projectId}`,
        run: async ({ signal }) => {
          if (signal.aborted) return;
          s.replaceProject(projectId, snap.data);
          emu.changed();
        },
      },
      ctx.taskFault(),
    );
    return ok(createdTaskView(task));
  });

  r.add("GET", "/snapshots/:snapshotId/resources", (ctx) => {
    const snap = emu.snapshot(ctx.params.snapshotId);
    const type = ctx.query.get("resourceType");
    const rows = [
      ...snap.data.flows.map((f) => ({ _id: f._id, referenceId: f.referenceId, resourceType: "flow", name: f.name })),
      ...snap.data.locales.map((l) => ({ _id: l._id, referenceId: l.referenceId, resourceType: "locale", name: l.name })),
    ].filter((x) => !type || x.resourceType === type);
    return ok(paginate(rows, ctx.query, (x) => x, {}));
  });
}

/** `GET /download/snapshots/{token}/{file}`: the package stream (no API key; the token is the secret). */
export function downloadSnapshot(emu: EmulatorCore, ctx: Pick<Ctx, "params">, padTo: number): Reply {
  const snap = [...emu.store.snapshots.values()].find((x) => x.downloadToken === ctx.params.token);
  if (!snap?.isPackaged) return { status: 404, text: "NoSuchKey: The specified key does not exist.", contentType: "text/plain" };
  if (snap.packageExpiresAt !== null && emu.store.nowSec() > snap.packageExpiresAt) {
    return { status: 403, text: "AccessDenied: Request has expired", contentType: "text/plain" };
  }
  snap.downloads++;
  if (snap.downloads <= (emu.faults.spec.counts.placeholder ?? 0)) {
    emu.faults.count("placeholder");
    return { status: 200, text: "csnap", contentType: "application/octet-stream" };
  }
  const { length, stream } = packageStream(snap, padTo);
  return { status: 200, stream, contentType: "application/octet-stream", headers: { "content-length": String(length) } };
}
