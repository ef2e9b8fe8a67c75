// Task-starting POSTs (train, import, snapshots) and task polling against a scripted task server.
import type { ServerResponse } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognigyTaskError, type Task } from "../../src/cognigy/index.js";
import { drop, failure, type fakeClock, json, jsonBody, KEY, makeClient, messages, problem, type Seen, startServer, type TestServer } from "./helpers.js";

let srv: TestServer;
let dir: string;
beforeAll(async () => {
  srv = await startServer();
  dir = await mkdtemp(join(tmpdir(), "cognigy-tasks-"));
});
afterAll(async () => {
  await srv.close();
  await rm(dir, { recursive: true, force: true });
  for (const m of messages) expect(m).not.toContain(KEY);
});

const FLOW = "65f0000000000000000000f1";
const PROJECT = "65f0000000000000000000a1";

/** A task service: POSTs to task-starting routes create tasks (stamped with the shared fake clock); faults are scripted. */
function taskServer(clock: ReturnType<typeof fakeClock>) {
  const tasks: (Task & { createdAt: number; polls: number; doneAfter: number; snapName?: string; snapId?: string })[] = [];
  const st = {
    creates: 0,
    fault: [] as ("dropBefore" | "dropAfter" | "502after" | "429")[],
    doneAfter: 1,
    snapshots: [] as { _id: string; name: string; createdAt: number }[],
    forms: [] as FormData[],
    /** Whether a createSnapshot task's data names the snapshot (the emulator's does; the real API may not: Gap 10). */
    snapshotDataHasName: true,
    /** createSnapshot tasks finish (and list their snapshot) as soon as they are created. */
    instantSnapshots: false,
    /** A finished createSnapshot task names the snapshot it made in its data (the emulator's does; Gap 10). */
    snapshotIdInTask: false,
  };
  let n = 0;
  const newTask = (type: string, data: Record<string, unknown>) => {
    st.creates++;
    const t = { _id: `65f00000000000000000${String(++n).padStart(4, "0")}`, status: "queued" as const, type, data, createdAt: Math.floor(clock.t / 1000), polls: 0, doneAfter: st.doneAfter };
    tasks.push(t);
    return t;
  };
  const newSnapshotTask = (body: { projectId: string; name: string }) => {
    const t: (typeof tasks)[number] = Object.assign(newTask("createSnapshot", st.snapshotDataHasName ? body : { projectId: body.projectId }), { snapName: body.name });
    if (st.instantSnapshots) {
      t.status = "done";
      makeSnapshot(t);
    }
    return t;
  };
  /** The snapshot a finished createSnapshot task made (its id in the task data when `snapshotIdInTask`). */
  const makeSnapshot = (t: (typeof tasks)[number]) => {
    const _id = `65f0000000000000000005${String(st.snapshots.length).padStart(2, "0")}`;
    st.snapshots.push({ _id, name: t.snapName as string, createdAt: t.createdAt });
    t.snapId = _id;
    if (st.snapshotIdInTask) t.data = { ...t.data, snapshotId: _id };
  };
  const view = (t: (typeof tasks)[number]) => ({ _id: t._id, name: t.type, status: t.status, data: t.data, createdAt: t.createdAt, currentStep: t.polls, totalStep: t.doneAfter, failReason: t.failReason ?? null });
  const handler = async (q: Seen, res: ServerResponse) => {
    const p = q.path.replace("/new/v2.0", "");
    if (q.method === "GET" && p === "/tasks") return json(res, 200, { items: tasks.map(view), nextCursor: null });
    if (q.method === "GET" && p.startsWith("/tasks/")) {
      const t = tasks.find((x) => x._id === p.slice(7));
      if (!t) return problem(res, 404, "no task");
      t.polls++;
      if (t.status === "queued" || t.status === "active") t.status = t.polls >= t.doneAfter ? "done" : "active";
      if (t.status === "done" && t.snapName && !t.snapId) makeSnapshot(t);
      return json(res, 200, view(t));
    }
    if (q.method === "GET" && p === "/snapshots") return json(res, 200, { items: st.snapshots, nextCursor: null });
    if (q.method !== "POST") return problem(res, 405, "no");
    const fault = st.fault.shift();
    if (fault === "dropBefore") return drop(res);
    if (fault === "429") return problem(res, 429, "slow", {}, { "Retry-After": "2" });
    let task: (typeof tasks)[number];
    if (p === `/flows/${FLOW}/intents/train`) task = newTask("trainIntents", { flowId: FLOW, ...(jsonBody(q) as object) });
    else if (p === `/flows/${FLOW}/intents/import`) {
      st.forms.push(await new Request("http://x", { method: "POST", headers: { "content-type": String(q.headers["content-type"]) }, body: q.body }).formData());
      task = newTask("importIntents", { flowId: FLOW });
    } else if (p === "/snapshots") task = newSnapshotTask(jsonBody(q) as { projectId: string; name: string });
    else if (p === "/snapshots/upload") {
      st.forms.push(await new Request("http://x", { method: "POST", headers: { "content-type": String(q.headers["content-type"]) }, body: q.body }).formData());
      task = newTask("uploadSnapshot", {});
    } else if (/^\/snapshots\/\w+\/restore$/.test(p)) task = newTask("restoreSnapshot", { snapshotId: p.split("/")[2], ...(jsonBody(q) as object) });
    else return problem(res, 404, "no route");
    if (fault === "dropAfter") return drop(res);
    if (fault === "502after") return problem(res, 502, "gateway");
    return json(res, 200, { _id: task._id, status: task.status, type: task.type, parameters: {}, createdAt: task.createdAt, lastChangedAt: task.createdAt });
  };
  return { tasks, st, handler };
}

function setup() {
  const c = makeClient(srv.url);
  const ts = taskServer(c.clock);
  srv.handle(ts.handler);
  const posts = () => srv.seen.filter((s) => s.method === "POST");
  const lists = () => srv.seen.filter((s) => s.method === "GET" && s.path.endsWith("/tasks"));
  return { ...c, ...ts, posts, lists };
}

describe("task-starting POSTs are not blindly re-sent", () => {
  it.each(["dropAfter", "502after"] as const)("train after %s: finds the started task, no second training", async (fault) => {
    const { client, st, tasks, posts, lists, logger } = setup();
    st.fault.push(fault);
    const t = await client.train(FLOW, { localeId: "l1", projectId: PROJECT });
    expect(st.creates).toBe(1);
    expect(posts()).toHaveLength(1);
    expect(lists()).toHaveLength(2); // the pre-check, then the recovery check
    expect(t._id).toBe(tasks[0]._id);
    expect(logger.text()).toContain("did start task");
    expect(jsonBody(posts()[0])).toEqual({ localeId: "l1" });
  });

  it("train after a connection dropped before the server acted: sent again once", async () => {
    const { client, st, posts } = setup();
    st.fault.push("dropBefore");
    await client.train(FLOW, { localeId: "l1", projectId: PROJECT });
    expect(st.creates).toBe(1);
    expect(posts()).toHaveLength(2);
  });

  it("429 means not processed: re-sent after Retry-After without a task check", async () => {
    const { client, st, posts, lists, clock } = setup();
    st.fault.push("429");
    await client.train(FLOW, { projectId: PROJECT, mode: "quick" });
    expect(st.creates).toBe(1);
    expect(posts()).toHaveLength(2);
    expect(lists()).toHaveLength(1);
    expect(clock.sleeps).toEqual([2000]);
    expect(jsonBody(posts()[1])).toEqual({ mode: "quick" });
  });

  it("an older finished task of the same kind is not mistaken for the interrupted one", async () => {
    const { client, st, tasks, posts, clock } = setup();
    tasks.push({ _id: "65f0000000000000000000ee", status: "done", type: "importIntents", data: { flowId: FLOW }, createdAt: Math.floor(clock.t / 1000) - 3600, polls: 0, doneAfter: 0 });
    st.fault.push("dropBefore");
    const t = await client.importIntents(FLOW, { localeId: "l1", mode: "overwrite", intents: [{ name: "A", exampleSentences: ["a"] }], projectId: PROJECT });
    expect(t._id).not.toBe("65f0000000000000000000ee");
    expect(st.creates).toBe(1);
    expect(posts()).toHaveLength(2);
  });

  it("waits for a training of the same flow that is already running, ignores other flows", async () => {
    const { client, tasks, posts, logger } = setup();
    tasks.push(
      { _id: "65f0000000000000000000aa", status: "active", type: "trainIntents", data: { flowId: FLOW }, createdAt: 1, polls: 0, doneAfter: 3 },
      { _id: "65f0000000000000000000bb", status: "active", type: "trainIntents", data: { flowId: "another" }, createdAt: 1, polls: 0, doneAfter: 99 },
    );
    await client.train(FLOW, { projectId: PROJECT });
    const order = srv.seen.map((s) => `${s.method} ${s.path.replace("/new/v2.0", "")}`);
    const post = order.indexOf(`POST /flows/${FLOW}/intents/train`);
    expect(order.filter((s) => s === "GET /tasks/65f0000000000000000000aa")).toHaveLength(3);
    expect(order.lastIndexOf("GET /tasks/65f0000000000000000000aa")).toBeLessThan(post);
    expect(order).not.toContain("GET /tasks/65f0000000000000000000bb");
    expect(posts()).toHaveLength(1);
    expect(logger.text()).toContain("already active");
  });

  it("two concurrent train() calls for one flow never overlap", async () => {
    const { client, st } = setup();
    st.doneAfter = 2;
    await Promise.all([client.train(FLOW, { projectId: PROJECT, localeId: "a" }), client.train(FLOW, { projectId: PROJECT, localeId: "b" })]);
    const order = srv.seen.map((s) => `${s.method} ${s.path.replace("/new/v2.0", "")}`);
    const posts = order.flatMap((s, i) => (s.startsWith("POST") ? [i] : []));
    expect(posts).toHaveLength(2);
    // between the two POSTs the first task was polled to done
    expect(order.slice(posts[0], posts[1]).filter((s) => s.startsWith("GET /tasks/"))).toHaveLength(2);
  });

  it("import: multipart with intents.json (application/json), localeId and mode", async () => {
    const { client, st } = setup();
    const intents = [{ name: "Pizza", exampleSentences: ["a pizza please", "größe?"], rules: [], tags: ["x"] }];
    const t = await client.importIntents(FLOW, { localeId: "loc1", mode: "overwrite", intents });
    expect(t.status).toBe("queued");
    const fd = st.forms[0];
    const file = fd.get("file") as File;
    expect(file.name).toBe("intents.json");
    expect(file.type).toBe("application/json");
    expect(JSON.parse(await file.text())).toEqual(intents);
    expect(fd.get("localeId")).toBe("loc1");
    expect(fd.get("mode")).toBe("overwrite");
  });
});

describe("snapshots", () => {
  it("create → wait → list → found by name; a dropped create does not make two snapshots", async () => {
    const { client, st } = setup();
    st.fault.push("dropAfter");
    const snap = await client.createSnapshot(PROJECT, { name: "release-abc123", description: "d" });
    expect(snap.name).toBe("release-abc123");
    expect(st.creates).toBe(1);
    expect(st.snapshots).toHaveLength(1);
  });

  // Two snapshots < 5 s apart (backup, then promotion) whose second POST is interrupted: the first task is of the same
  // kind, project and time window, so it must not be taken for the second one's.
  describe.each([
    ["names the snapshot", true],
    ["carries only the project id", false],
  ])("second create interrupted < 5 s after the first (task data %s)", (_label, hasName) => {
    async function twoCreates(fault: "dropAfter" | "dropBefore" | "502after") {
      const c = setup();
      c.st.snapshotDataHasName = hasName;
      const first = await c.client.createSnapshot(PROJECT, { name: "backup-1" });
      c.clock.t += 2_000;
      c.st.fault.push(fault);
      const second = await c.client.createSnapshot(PROJECT, { name: "backup-2" });
      return { ...c, first, second };
    }

    it.each(["dropAfter", "502after"] as const)("%s the server started it: the new task is attributed, nothing sent twice", async (fault) => {
      const { first, second, st, tasks, posts, logger } = await twoCreates(fault);
      expect(first.name).toBe("backup-1");
      expect(second.name).toBe("backup-2");
      expect(st.creates).toBe(2);
      expect(posts()).toHaveLength(2);
      expect(st.snapshots.map((x) => x.name)).toEqual(["backup-1", "backup-2"]);
      expect(logger.text()).toContain(`did start task ${tasks[1]._id}`);
      expect(logger.text()).not.toContain(`did start task ${tasks[0]._id}`);
    });

    it("dropped before reaching the server: sent again once, the first task is not taken for it", async () => {
      const { second, st, posts, logger } = await twoCreates("dropBefore");
      expect(second.name).toBe("backup-2");
      expect(st.creates).toBe(2);
      expect(posts()).toHaveLength(3);
      expect(st.snapshots.map((x) => x.name)).toEqual(["backup-1", "backup-2"]);
      expect(logger.text()).not.toContain("did start task");
    });
  });

  it("an interrupted create whose snapshot is already listed is done: no task wait, nothing re-sent", async () => {
    const { client, st, posts, lists, logger } = setup();
    st.instantSnapshots = true;
    st.fault.push("dropAfter");
    const snap = await client.createSnapshot(PROJECT, { name: "release-fast" });
    expect(snap.name).toBe("release-fast");
    expect(posts()).toHaveLength(1);
    expect(lists()).toHaveLength(0);
    expect(srv.seen.some((q) => q.path.includes("/tasks/"))).toBe(false);
    expect(logger.text()).toContain("did create snapshot 'release-fast'");
  });

  it("another process's snapshot task (no name in its data) taken for an interrupted create: detected, sent again", async () => {
    const { client, st, tasks, posts, clock } = setup();
    st.snapshotDataHasName = false;
    tasks.push({ _id: "65f0000000000000000000cc", status: "active", type: "createSnapshot", data: { projectId: PROJECT }, createdAt: Math.floor(clock.t / 1000), polls: 0, doneAfter: 1 });
    st.fault.push("dropBefore");
    const snap = await client.createSnapshot(PROJECT, { name: "release-mine" });
    expect(snap.name).toBe("release-mine");
    expect(posts()).toHaveLength(2);
    expect(st.creates).toBe(1);
    expect(st.snapshots.map((x) => x.name)).toEqual(["release-mine"]);
  });

  it.each([
    ["says which snapshot it made: that one, not a newer namesake", true, "65f000000000000000000501"],
    ["does not say which snapshot it made: the newest namesake", false, "65f0000000000000000000dd"],
  ])("two snapshots with the requested name (another run picked the same name); the task %s", async (_label, idInTask, expected) => {
    const { client, st, clock } = setup();
    st.snapshotIdInTask = idInTask;
    st.snapshots.push({ _id: "65f0000000000000000000dd", name: "backup-same", createdAt: Math.floor(clock.t / 1000) + 60 });
    const snap = await client.createSnapshot(PROJECT, { name: "backup-same" });
    expect(snap._id).toBe(expected);
  });

  it("upload sends projectId and the file; restore sends {projectId}; both wait for their task", async () => {
    const { client, st } = setup();
    const file = join(dir, "backup.csnap");
    await writeFile(file, Buffer.from("CSNAP-binary-\u0000\u0001-content"));
    const up = await client.uploadSnapshot(PROJECT, file);
    expect(up.status).toBe("done");
    const fd = st.forms[0];
    expect(fd.get("projectId")).toBe(PROJECT);
    const f = fd.get("file") as File;
    expect(f.name).toBe("backup.csnap");
    expect(Buffer.from(await f.arrayBuffer()).toString()).toBe("CSNAP-binary-\u0000\u0001-content");
    const rs = await client.restoreSnapshot("65f000000000000000000555", PROJECT);
    expect(rs.status).toBe("done");
    const post = srv.seen.filter((s) => s.method === "POST").at(-1)!;
    expect(post.path).toBe("/new/v2.0/snapshots/65f000000000000000000555/restore");
    expect(jsonBody(post)).toEqual({ projectId: PROJECT });
  });

  it("downloadlink: 409 while packaging is retried with backoff", async () => {
    let n = 0;
    srv.handle((_q, res) => (++n <= 2 ? problem(res, 409, "not ready") : json(res, 200, { downloadLink: "/download/abc?token=t" })));
    const { client, clock } = makeClient(srv.url);
    const url = await client.snapshotDownloadLink("s1");
    expect(url).toBe(`${srv.url}/download/abc?token=t`);
    expect(srv.seen).toHaveLength(3);
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(srv.seen[0].body.length).toBe(0);
  });
});

describe("waitForTask", () => {
  const script = (steps: Partial<Task>[]) => {
    let i = 0;
    srv.handle((q, res) => json(res, 200, { _id: q.path.split("/").pop(), name: "trainIntents", ...steps[Math.min(i++, steps.length - 1)] }));
  };

  it("polls with backoff 250 ms ×1.5 capped at 5 s, reports progress, resolves on done", async () => {
    script([...Array.from({ length: 10 }, (_, k) => ({ status: "active" as const, currentStep: k, totalStep: 10 })), { status: "done" }]);
    const { client, clock } = makeClient(srv.url);
    const seen: string[] = [];
    const t = await client.waitForTask("t1", { onProgress: (x) => seen.push(`${x.status}:${x.currentStep ?? "-"}`) });
    expect(t.status).toBe("done");
    expect(clock.sleeps).toEqual([250, 375, 563, 844, 1266, 1898, 2848, 4271, 5000, 5000]);
    expect(seen).toHaveLength(11);
    expect(seen[3]).toBe("active:3");
  });

  it("a poll that fails after its own retries (503 storm) does not end the wait; a 404 does", async () => {
    let n = 0;
    srv.handle((q, res) => (++n <= 8 ? problem(res, 503, "busy") : json(res, 200, { _id: q.path.split("/").pop(), status: "done" })));
    const { client } = makeClient(srv.url, { maxRetries: 2 });
    expect((await client.waitForTask("t5")).status).toBe("done");
    expect(srv.seen).toHaveLength(9);
    srv.handle((_q, res) => problem(res, 404, "Task not found"));
    const e = await failure(() => client.waitForTask("t6"));
    expect(e.status).toBe(404);
    expect(srv.seen).toHaveLength(1);
  });

  it("error: rejects with the task id and failReason verbatim", async () => {
    script([{ status: "active" }, { status: "error", failReason: "Training failed: intent 'X' has < 2 sentences" }]);
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.waitForTask("65f00000000000000000dead"));
    expect(e).toBeInstanceOf(CognigyTaskError);
    expect(e.message).toContain("65f00000000000000000dead");
    expect(e.message).toContain("Training failed: intent 'X' has < 2 sentences");
    expect(e).toMatchObject({ taskId: "65f00000000000000000dead", taskStatus: "error", failReason: "Training failed: intent 'X' has < 2 sentences" });
  });

  it("cancelled: rejects", async () => {
    script([{ status: "cancelling" }, { status: "cancelled" }]);
    const { client } = makeClient(srv.url);
    const e = await failure(() => client.waitForTask("t9"));
    expect(e.message).toMatch(/task t9 \(trainIntents\) was cancelled/);
  });

  it("timeout: rejects with the task id and last status after the (fake) time", async () => {
    script([{ status: "active", currentStep: 4, totalStep: 100 }]);
    const { client, clock } = makeClient(srv.url);
    const start = clock.t;
    const e = await failure(() => client.waitForTask("65f00000000000000000beef", { timeoutMs: 20_000 }));
    expect(e.message).toContain("65f00000000000000000beef");
    expect(e.message).toContain("did not finish within 20 s");
    expect(e.message).toContain("active 4/100");
    expect(clock.t - start).toBe(20_000);
  });
});
