// Routes: tasks — list by project (newest first), read, cancel (cognigy-api.md §11).
import type { EmulatorCore } from "../core.js";
import { ok, queryObjectId, type Router } from "../http.js";
import { paginate } from "../paging.js";
import { taskView } from "../views.js";

export function registerTaskRoutes(r: Router, emu: EmulatorCore): void {
  const s = emu.store;
  r.add("GET", "/tasks", (ctx) => {
    const projectId = queryObjectId(ctx.query, "projectId", true)!;
    emu.project(projectId);
    const rows = [...s.tasks.values()].filter((t) => t.projectId === projectId).map(taskView);
    return ok(paginate(rows, ctx.query, (t) => t, { sort: "createdAt:desc", filterFields: ["status", "name"], textField: "name" }));
  });
  r.add("GET", "/tasks/:taskId", (ctx) => ok(taskView(emu.task(ctx.params.taskId))));
  r.add("POST", "/tasks/:taskId/cancel", (ctx) => {
    emu.tasks.cancel(emu.task(ctx.params.taskId));
    return ok({});
  });
}
