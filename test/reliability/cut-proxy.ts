// A TCP proxy in front of the emulator that cuts a response mid-stream: a real "connection dropped mid-download".
import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface CutProxy {
  url: string;
  /** Responses cut so far. */
  cuts: number;
  close(): Promise<void>;
}

/**
 * Forwards everything to `target`; on a connection whose request line contains `match`, lets `afterBytes` bytes of the
 * response through and then destroys both sockets — `times` times in all.
 */
export async function startCutProxy(target: string, o: { match: string; afterBytes: number; times: number }): Promise<CutProxy> {
  const t = new URL(target);
  const sockets = new Set<Socket>();
  const state = { cuts: 0 };
  const server = createServer((client) => {
    const upstream = connect(Number(t.port), t.hostname);
    sockets.add(client);
    sockets.add(upstream);
    let budget = -1; // bytes of response still allowed through; -1 = not cutting
    client.on("data", (d: Buffer) => {
      if (budget < 0 && state.cuts < o.times && d.toString("latin1", 0, Math.min(d.length, 2048)).includes(o.match)) {
        budget = o.afterBytes;
        state.cuts++;
      }
      upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => {
      if (budget < 0) return void client.write(d);
      if (d.length < budget) {
        budget -= d.length;
        return void client.write(d);
      }
      client.write(d.subarray(0, budget));
      client.destroy();
      upstream.destroy();
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get cuts() {
      return state.cuts;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
