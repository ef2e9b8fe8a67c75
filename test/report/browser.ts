// Headless Chromium for the layout tests: find the binary, load a page at a window size, read what a script measured.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The browser binary: $CHROMIUM, else the first of the usual names on PATH; undefined when there is none. */
export function findChromium(): string | undefined {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of CANDIDATES) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function flags(profile: string, width: number, height: number): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--hide-scrollbars",
    "--allow-file-access-from-files",
    "--virtual-time-budget=10000",
    `--user-data-dir=${profile}`,
    `--window-size=${Math.max(width, MIN_WINDOW)},${height}`,
  ];
}

/** Headless Chromium makes no window narrower than this: narrower pages are measured in an iframe of their width. */
const MIN_WINDOW = 520;

function run(bin: string, args: string[]): string {
  const r = spawnSync(bin, args, { encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${bin} exited ${r.status}${r.signal ? ` (${r.signal})` : ""}: ${r.stderr.slice(-500)}`);
  return r.stdout;
}

/**
 * Loads `html` in a viewport `width` CSS pixels wide with `script` appended (the page's CSP is dropped for it); the
 * script leaves its figures in `out`, which come back parsed. Also writes a screenshot when `screenshot` names a file.
 */
export function measure(bin: string, html: string, width: number, script: string, opts: { height?: number; screenshot?: string } = {}): unknown {
  const dir = mkdtempSync(join(tmpdir(), "cnlu-chromium-"));
  const height = opts.height ?? 900;
  try {
    // the page in an iframe exactly `width` CSS pixels wide; the script inside posts its figures to the frame's parent
    const page = join(dir, "page.html");
    const report = "parent.postMessage(JSON.stringify(out), '*');";
    writeFileSync(page, html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "").replace("</body>", `<script>${script}\n${report}</script></body>`));
    const frame = (src: string, extra: string) =>
      `<!doctype html><html><body style="margin:0"><iframe src="${src}" style="border:0;display:block;width:${width}px;height:${height}px"></iframe>${extra}</body></html>`;
    const listen = `<script>addEventListener("message", (e) => { const p = document.createElement("pre"); p.id = "measured"; p.textContent = e.data; document.body.appendChild(p); });</script>`;
    writeFileSync(join(dir, "outer.html"), frame("page.html", listen));
    const dom = run(bin, [...flags(join(dir, "profile"), width, height), "--dump-dom", pathToFileURL(join(dir, "outer.html")).href]);
    if (opts.screenshot) {
      writeFileSync(join(dir, "shot.html"), html);
      writeFileSync(join(dir, "outer-shot.html"), frame("shot.html", ""));
      run(bin, [...flags(join(dir, "profile2"), width, height), `--screenshot=${opts.screenshot}`, pathToFileURL(join(dir, "outer-shot.html")).href]);
    }
    const m = /<pre id="measured">([\s\S]*?)<\/pre>/.exec(dom);
    if (!m) throw new Error(`the page did not report its measurements: ${dom.slice(0, 300)}`);
    return JSON.parse(m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
