// The positioned document tree both YAML readers produce (the fast line reader and the `yaml` package), and lookups on it.

export interface Pos {
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export type PNode =
  | { type: "scalar"; value: unknown; pos: Pos }
  | { type: "seq"; items: PNode[]; pos: Pos }
  | { type: "map"; pairs: PPair[]; pos: Pos };

export interface PPair {
  key: string;
  keyPos: Pos;
  value: PNode;
}

/** The pair under a map key. */
export function entry(node: PNode | undefined, key: string): PPair | undefined {
  if (node?.type !== "map") return undefined;
  for (const p of node.pairs) if (p.key === key) return p;
  return undefined;
}

/**
 * Where a data path is: the value's position, or its key's when the value is empty (or `key` is set), or the
 * deepest place found.
 */
export function positionAt(root: PNode, path: readonly PropertyKey[], opts: { key?: boolean } = {}): Pos {
  let node: PNode = root;
  let at = root.pos;
  for (const [n, key] of path.entries()) {
    if (node.type === "map") {
      const p = entry(node, String(key));
      if (!p) return at;
      at = p.keyPos;
      node = p.value;
      if (opts.key && n === path.length - 1) return at;
      if (!(node.type === "scalar" && node.value === null)) at = node.pos;
    } else if (node.type === "seq" && typeof key === "number" && node.items[key]) {
      node = node.items[key];
      at = node.pos;
    } else return at;
  }
  return at;
}

/** Plain data (what zod validates): maps → objects, sequences → arrays, scalars → values. */
export function toData(node: PNode): unknown {
  if (node.type === "scalar") return node.value;
  if (node.type === "seq") return node.items.map(toData);
  const out: Record<string, unknown> = {};
  for (const p of node.pairs) {
    if (p.key === "__proto__") Object.defineProperty(out, p.key, { value: toData(p.value), enumerable: true, writable: true, configurable: true });
    else out[p.key] = toData(p.value);
  }
  return out;
}

export function isEmpty(node: PNode | undefined): boolean {
  return node === undefined || (node.type === "scalar" && node.value === null);
}
