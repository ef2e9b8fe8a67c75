// The Cognigy base URL rules, applied wherever the URL comes from (config file, flag, Action input): http(s) only, no
// credentials in it (refused without echoing them), plain http only for loopback unless allowed, and an optional host
// allowlist. The API key is only ever sent to a URL that passed here.
import { ConfigError } from "../errors.js";

export interface BaseUrlRules {
  /** Plain http:// to a host that is not loopback (default false). */
  allowHttp?: boolean;
  /** When non-empty, the URL's host (hostname, case-insensitive, or host:port) must be one of these. */
  allowedHosts?: readonly string[];
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http may reach by default. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** Parses the allowed-hosts input (comma or newline list). */
export function parseAllowedHosts(s: string | undefined): string[] {
  return (s ?? "")
    .split(/[\s,]+/)
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Throws a ConfigError naming `source` (e.g. "input 'base-url'" or "cognigy-nlu.yml: cognigy.baseUrl") when the URL
 * breaks a rule. Never echoes the URL: it may carry credentials.
 */
export function checkBaseUrl(url: string, source: string, rules: BaseUrlRules = {}): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${source}: expected an http(s) URL such as https://api-trial.cognigy.ai`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new ConfigError(`${source}: expected an http(s) URL, got a '${u.protocol}' URL`);
  if (u.username || u.password) {
    throw new ConfigError(
      `${source}: the URL carries credentials (user:password@host); refused, and not shown here`,
      "remove them from the URL: the Cognigy API key comes only from the api-key input / COGNIGY_API_KEY",
    );
  }
  if (u.protocol === "http:" && !rules.allowHttp && !isLoopbackHost(u.hostname)) {
    throw new ConfigError(`${source}: plain http:// to ${u.hostname} would send the API key unencrypted; use https://`, "plain http is allowed only for loopback (127.0.0.1, localhost) unless allow-http: true (CLI --allow-http)");
  }
  const allowed = rules.allowedHosts ?? [];
  if (allowed.length > 0) {
    const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, "");
    const hostPort = u.host.toLowerCase();
    if (!allowed.includes(host) && !allowed.includes(hostPort)) {
      throw new ConfigError(`${source}: host ${host} is not in allowed-hosts (${allowed.join(", ")})`, "add the host to the allowed-hosts input if it is really your Cognigy API host");
    }
  }
  return u;
}

/** The URL as safe to print: origin and path, never credentials or a query. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
