// `cognigy-nlu doctor`: a read-only live smoke test against the configured tenant — reachability and auth, project,
// flow and locale resolution, one NLU score, the batch sentence form, rate-limit / version headers. Prints what it
// found; each known failure (unreachable host, refused key, wrong project / flow / locale) is one line with a fix, exit 2.
import { CognigyApiError } from "../cognigy/errors.js";
import { CognigyClient } from "../cognigy/client.js";
import type { Flow, Locale, Project } from "../cognigy/types.js";
import { type RunConfig, overridesFromFlags, resolveRunConfig } from "../config/options.js";
import { ConfigError, isUserError } from "../errors.js";
import { silentLogger } from "../logger.js";
import { Redactor } from "../report/redact.js";
import type { CommandContext } from "./context.js";

export interface DoctorResult {
  /** What was found, one line each ("ok …", "warn …", "fail …", "info …"). */
  lines: string[];
  /** 0 all reachable and resolved; 2 a failure with a fix (bad key, wrong project/flow/locale, unreachable host); 1 anything else. */
  exitCode: number;
}

/** Response headers worth reporting (rate limits, versions, the edge in front of the API). */
const HEADER_RE = /^(x-)?rate-?limit|^retry-after$|^x-cognigy|version|^server$|^via$|^x-cache$|^x-amz-cf-pop$/i;

/** A data string (a name from the tenant) as one printable, quoted token. */
function q(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "");
}

/** One line with a fix for an HTTP / network failure, or undefined when it is none of the known ones. */
function explain(e: unknown, run: RunConfig): string | undefined {
  if (!(e instanceof CognigyApiError)) return undefined;
  const host = run.config.cognigy.baseUrl;
  if (e.status === 0) {
    return `fail cannot reach ${host} (${e.network ?? "network error"}) — fix: check cognigy.baseUrl / --base-url (the api- host, e.g. https://api-trial.cognigy.ai), DNS, proxy and firewall`;
  }
  if (e.status === 401) return "fail the API key was refused (HTTP 401) — fix: create a new API key in Cognigy (User menu → My Profile → API Keys) and set COGNIGY_API_KEY to it";
  if (e.status === 403 && !e.detail && e.code === undefined) {
    return `fail ${host} answered 403 without a Cognigy error body (a CDN/gateway page) — fix: check the base URL is the api- host and the network allows it`;
  }
  if (e.status === 403) return "fail the API key has no access (HTTP 403) — fix: use the key of a user who is a member of the project, or ask an admin to add that user";
  if (e.status === 404 && /\/projects\/:projectId$/.test(e.route)) return undefined; // handled by resolveProject
  if (e.status >= 300 && e.status < 400) return `fail ${e.message} — fix: set --base-url to the final api- host`;
  return undefined;
}

export async function runDoctor(run: RunConfig, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<DoctorResult> {
  const lines: string[] = [];
  const headers = new Map<string, string>();
  const realFetch = opts.fetch ?? globalThis.fetch;
  const watching: typeof fetch = async (input, init) => {
    const res = await realFetch(input, init);
    res.headers.forEach((v, k) => {
      if (HEADER_RE.test(k)) headers.set(k.toLowerCase(), v);
    });
    return res;
  };
  const c = run.config.cognigy;
  if (!run.apiKey) throw new ConfigError("no Cognigy API key: set the COGNIGY_API_KEY environment variable", "doctor reads the key only from the environment");
  const client = new CognigyClient({
    baseUrl: c.baseUrl,
    apiKey: run.apiKey,
    apiPrefix: c.apiPrefix,
    timeoutMs: opts.timeoutMs ?? Math.min(c.timeoutSeconds * 1000, 15_000),
    rateLimit: c.rateLimit,
    project: c.project,
    maxRetries: 1,
    maxBackoffMs: 2_000,
    logger: silentLogger,
    fetch: watching,
  });
  lines.push(`info read-only checks against ${c.baseUrl}${c.apiPrefix ?? ""} (nothing is written)`);
  const fail = (e: unknown, what: string): DoctorResult => {
    const known = explain(e, run);
    if (known) return { lines: [...lines, known], exitCode: 2 };
    if (e instanceof ConfigError) return { lines: [...lines, `fail ${e.message}${e.hint ? ` — fix: ${e.hint}` : ""}`], exitCode: 2 };
    const msg = e instanceof Error ? e.message : String(e);
    return { lines: [...lines, `fail ${what}: ${msg}`], exitCode: isUserError(e) ? (e as { exitCode: number }).exitCode : 1 };
  };

  // 1. auth + project
  let project: Project;
  try {
    project = await client.resolveProject(c.project);
  } catch (e) {
    if (e instanceof ConfigError && /not found/.test(e.message)) {
      return { lines: [...lines, "ok API key accepted", `fail ${e.message} — fix: set cognigy.project in cognigy-nlu.yml to one of those (name or _id)`], exitCode: 2 };
    }
    return fail(e, "project");
  }
  lines.push("ok API key accepted");
  lines.push(`ok project ${q(project.name)} (${project._id})`);

  // 2. locales
  let locales: Locale[];
  try {
    locales = await client.listLocales(project._id);
  } catch (e) {
    return fail(e, "locales");
  }
  lines.push(`ok locales: ${locales.map((l) => `${q(l.name)}${l.primary ? " (primary)" : ""}`).join(", ") || "none"}`);

  // 3. flows and their locales
  const resolved: { flow: Flow; locale: Locale }[] = [];
  for (const fc of run.config.flows) {
    let flow: Flow;
    try {
      flow = await client.resolveFlow(project._id, fc.name);
    } catch (e) {
      if (e instanceof ConfigError) return { lines: [...lines, `fail ${e.message} — fix: correct flows[].name in cognigy-nlu.yml (names match exactly; an _id works too)`], exitCode: 2 };
      return fail(e, `flow ${fc.name}`);
    }
    const names = Object.values(fc.locales);
    const missing = names.filter((n) => !locales.some((l) => l.name === n || l._id === n));
    if (missing.length) {
      return {
        lines: [...lines, `fail flow ${q(flow.name)}: locale(s) ${missing.map(q).join(", ")} not in the project — fix: map the flow's locales to ones listed above`],
        exitCode: 2,
      };
    }
    const defName = fc.locales[fc.defaultLocale] ?? names[0];
    const locale = locales.find((l) => l.name === defName || l._id === defName) as Locale;
    lines.push(`ok flow ${q(flow.name)} (${flow._id}, referenceId ${flow.referenceId})${flow.isTrainingOutOfDate ? " — training out of date" : ""}`);
    resolved.push({ flow, locale });
  }

  // 4. one NLU score
  const first = resolved[0];
  if (first) {
    try {
      const scores = await client.scores(project._id, { flowReferenceId: first.flow.referenceId, localeReferenceId: first.locale.referenceId, sentence: "hello" });
      const top = [...scores].sort((a, b) => b.score - a.score)[0];
      lines.push(`ok NLU score of "hello" in ${q(first.flow.name)} / ${q(first.locale.name)}: ${top ? `${q(top.name)} ${top.score.toFixed(3)} (${scores.length} intents)` : "no intents"}`);
    } catch (e) {
      const known = explain(e, run);
      if (known) return { lines: [...lines, known], exitCode: 2 };
      lines.push(`warn NLU score failed (${e instanceof CognigyApiError ? `HTTP ${e.status}: ${e.detail ?? e.message}` : String(e)}) — the flow may not be trained yet: run \`cognigy-nlu train\``);
    }
  }

  // 5. what a sync will send, and what the responses said about limits and versions
  const d = client.sentenceDialect();
  lines.push(
    `info sentence batches: {text, slots, ${d.dialect}} (${d.source === "assumed" ? "the official type IBatchSentencesRestOperationSet; not probed, doctor does not write — a tenant that wants localeId answers the first sync batch with a 400 naming the field, the client retries once in that form and keeps it for the run" : d.source})`,
  );
  const st = client.stats();
  lines.push(`info ${st.total} requests${st.retries ? `, ${st.retries} retried` : ""}`);
  if (headers.size) for (const [k, v] of [...headers].sort()) lines.push(`info header ${k}: ${v.slice(0, 120)}`);
  else lines.push("info no rate-limit or version headers in the responses (the documented limit: 1,000 requests per 5 minutes on shared SaaS)");
  return { lines, exitCode: 0 };
}

export async function run(ctx: CommandContext): Promise<number> {
  const run = resolveRunConfig(overridesFromFlags(ctx.values), ctx.env, ctx.cwd);
  const redactor = new Redactor();
  redactor.addSecret(run.apiKey);
  redactor.allow(run.config.cognigy.baseUrl);
  const r = await runDoctor(run);
  for (const l of r.lines) process.stdout.write(`${redactor.redactSecrets(l)}\n`);
  return r.exitCode;
}
