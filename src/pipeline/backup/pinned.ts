// Snapshots served by endpoints: the `entrypoint` of each endpoint (read one by one when the listing omits it).
import type { CognigyApi, Endpoint, ObjectId } from "../../cognigy/types.js";

/**
 * The snapshot ids endpoints are pinned to. The documented endpoint listing does not carry `entrypoint`
 * (shared/cognigy-api.md §17), so an endpoint without it is read in full.
 */
export async function pinnedSnapshotIds(client: CognigyApi, projectId: ObjectId, snapshotIds: ReadonlySet<ObjectId>): Promise<Map<ObjectId, string>> {
  const out = new Map<ObjectId, string>();
  for (const item of await client.listEndpoints(projectId)) {
    let ep: Endpoint = item;
    if (ep.entrypoint === undefined) ep = await client.getEndpoint(item._id);
    if (ep.entrypoint && snapshotIds.has(ep.entrypoint)) out.set(ep.entrypoint, ep.name);
  }
  return out;
}
