// Name → entity resolution: exact _id or exact name, a ConfigError listing what exists when none or several match.
import { ConfigError } from "../errors.js";

export const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Picks the one item whose `_id` equals `nameOrId`, else whose `name` equals it exactly. */
export function pickByNameOrId<T extends { _id: string; name: string }>(kind: string, items: readonly T[], nameOrId: string, where: string): T {
  const byId = items.find((i) => i._id === nameOrId);
  if (byId) return byId;
  const named = items.filter((i) => i.name === nameOrId);
  if (named.length === 1) return named[0];
  if (named.length > 1)
    throw new ConfigError(
      `${kind} name '${nameOrId}' is ambiguous ${where}: ${named.length} match (${named.map((i) => i._id).join(", ")}); use the _id instead`,
    );
  const near = items.filter((i) => i.name.toLowerCase() === nameOrId.trim().toLowerCase());
  const names = items.map((i) => `'${i.name}'`);
  const listed = names.length === 0 ? "none exist" : `available: ${names.slice(0, 30).join(", ")}${names.length > 30 ? `, … (${names.length} in all)` : ""}`;
  throw new ConfigError(
    `${kind} '${nameOrId}' not found ${where}; ${listed}`,
    near.length ? `names are matched exactly; did you mean '${near[0].name}'?` : undefined,
  );
}
