// Generates src/classifier/sgd-wasm.ts: the local classifier's WebAssembly module — the SGD kernel (SIMD, f64x2), the
// same arithmetic as the JS `sgd` in src/classifier/model.ts operation for operation, and the feature counter `count`,
// the same hashes as its `emitFeatures` (design-notes "The classifier's fit: a WebAssembly SGD kernel"). The WAT is
// written here by small templates (blocks of 8 and 4 classes unrolled), assembled with wabt (a devDependency: the
// runtime only sees the bytes). `npm run wasm` rewrites the file; test/classifier/wasm.test.ts checks that it matches.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import wabtInit from "wabt";

/** The kernel as WAT text: `sgd(K, W, b, p, act, start, idx, val, y, l2, order, from, to, lr, scale0, loss, nW) → scale`, pointers as byte offsets into the imported memory. */
export function sgdWat(): string {
  const L = (n: string) => `(local.get $${n})`;
  const S = (n: string, v: string) => `(local.set $${n} ${v})`;
  const i32 = (n: number) => `(i32.const ${n})`;
  const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
  const at4 = (ptr: string, i: string) => add(L(ptr), `(i32.shl ${i} ${i32(2)})`);
  const at8 = (ptr: string, i: string) => add(L(ptr), `(i32.shl ${i} ${i32(3)})`);
  const ldI = (ptr: string, i: string) => `(i32.load ${at4(ptr, i)})`;
  const ldF = (ptr: string, i: string) => `(f64.promote_f32 (f32.load ${at4(ptr, i)}))`;
  const stF = (ptr: string, i: string, v: string) => `(f32.store ${at4(ptr, i)} (f32.demote_f64 ${v}))`;
  const ldD = (ptr: string, i: string) => `(f64.load ${at8(ptr, i)})`;
  const stD = (ptr: string, i: string, v: string) => `(f64.store ${at8(ptr, i)} ${v})`;
  const inc = (n: string, by = 1) => S(n, add(L(n), i32(by)));
  /** for (name = from; name < to; name++) body */
  let label = 0;
  const loop = (name: string, from: string, to: string, body: string) => {
    const l = label++;
    return `${S(name, from)}
(block $d${l} (loop $l${l}
  (br_if $d${l} (i32.ge_s ${L(name)} ${to}))
  ${body}
  ${inc(name)}
  (br $l${l})))`;
  };
  /** while (k0 + B <= K) { body; k0 += B } */
  const blocks = (B: number, body: string) => {
    const l = label++;
    return `(block $d${l} (loop $l${l}
  (br_if $d${l} (i32.gt_s ${add(L("k0"), i32(B))} ${L("K")}))
  ${body}
  ${inc("k0", B)}
  (br $l${l})))`;
  };
  const pairs = (B: number) => [...Array(B / 2).keys()];
  const promote2 = (addr: string, j: number) => `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${8 * j} ${addr}))`;
  const rowBase = `(i32.shl (i32.add (i32.mul ${ldI("idx", L("a"))} ${L("K")}) ${L("k0")}) ${i32(2)})`;

  const forwardBlock = (B: number) =>
    blocks(
      B,
      `${pairs(B)
        .map((j) => S(`acc${j}`, promote2(at4("b", L("k0")), j)))
        .join("\n")}
${loop(
  "a",
  L("lo"),
  L("hi"),
  `${S("vv", `(f64x2.splat (f64.mul ${ldF("val", L("a"))} ${L("scale")}))`)}
   ${S("addr", add(L("W"), rowBase))}
   ${pairs(B)
     .map((j) => S(`acc${j}`, `(f64x2.add ${L(`acc${j}`)} (f64x2.mul ${L("vv")} ${promote2(L("addr"), j)}))`))
     .join("\n")}`,
)}
${pairs(B)
  .map((j) => `(v128.store offset=${16 * j} ${at8("p", L("k0"))} ${L(`acc${j}`)})`)
  .join("\n")}`,
    );

  const denseBlock = (B: number) =>
    blocks(
      B,
      `${pairs(B)
        .map((j) => S(`g${j}`, `(v128.load offset=${16 * j} ${at8("p", L("k0"))})`))
        .join("\n")}
${loop(
  "a",
  L("lo"),
  L("hi"),
  `${S("vv", `(f64x2.splat (f64.mul ${ldF("val", L("a"))} ${L("f")}))`)}
   ${S("addr", add(L("W"), rowBase))}
   ${pairs(B)
     .map(
       (j: number) =>
         `(v128.store64_lane offset=${8 * j} 0 ${L("addr")} (f32x4.demote_f64x2_zero (f64x2.sub ${promote2(L("addr"), j)} (f64x2.mul ${L("vv")} ${L(`g${j}`)}))))`,
     )
     .join("\n")}`,
)}`,
    );

  const wIdx = `(i32.add (i32.mul ${ldI("idx", L("a"))} ${L("K")}) ${L("k0")})`;
  const body = `
${S("scale", L("scale0"))}
${S("lossSum", "(f64.const 0)")}
${loop(
  "n",
  L("from"),
  L("to"),
  `
${S("i", ldI("order", L("n")))}
${S("lo", ldI("start", L("i")))}
${S("hi", ldI("start", add(L("i"), i32(1))))}
${S("yi", ldI("y", L("i")))}
;; forward: logits in blocks of 8, 4, then one class
${S("k0", i32(0))}
${forwardBlock(8)}
${forwardBlock(4)}
(block $fr_d (loop $fr_l
  (br_if $fr_d (i32.ge_s ${L("k0")} ${L("K")}))
  ${S("s", ldF("b", L("k0")))}
  ${loop("a", L("lo"), L("hi"), S("s", `(f64.add ${L("s")} (f64.mul (f64.mul ${ldF("val", L("a"))} ${L("scale")}) ${ldF("W", wIdx)}))`))}
  ${stD("p", L("k0"), L("s"))}
  ${inc("k0")}
  (br $fr_l)))
;; softmax, loss, gradients
${S("max", "(f64.const -inf)")}
${loop("k", i32(0), L("K"), `(if (f64.gt ${ldD("p", L("k"))} ${L("max")}) (then ${S("max", ldD("p", L("k")))}))`)}
${S("sum", "(f64.const 0)")}
${loop("k", i32(0), L("K"), `${stD("p", L("k"), `(call $exp (f64.sub ${ldD("p", L("k"))} ${L("max")}))`)} ${S("sum", `(f64.add ${L("sum")} ${ldD("p", L("k"))})`)}`)}
${S("lossSum", `(f64.sub ${L("lossSum")} (call $log (f64.div ${ldD("p", L("yi"))} ${L("sum")})))`)}
${S("na", i32(0))}
${loop(
  "k",
  i32(0),
  L("K"),
  `${S("g", `(f64.sub (f64.div ${ldD("p", L("k"))} ${L("sum")}) (select (f64.const 1) (f64.const 0) (i32.eq ${L("k")} ${L("yi")})))`)}
   ${stD("p", L("k"), L("g"))}
   (if (i32.or (f64.gt ${L("g")} (f64.const 1e-4)) (f64.lt ${L("g")} (f64.const -1e-4)))
     (then (i32.store ${at4("act", L("na"))} ${L("k")}) ${inc("na")}))`,
)}
;; L2 shrinkage as a scale factor
(if (f64.gt ${L("l2")} (f64.const 0)) (then
  ${S("scale", `(f64.mul ${L("scale")} (f64.sub (f64.const 1) (f64.mul ${L("lr")} ${L("l2")})))`)}
  (if (f64.lt ${L("scale")} (f64.const 1e-3)) (then
    ${loop("j", i32(0), L("nW"), stF("W", L("j"), `(f64.mul ${ldF("W", L("j"))} ${L("scale")})`))}
    ${S("scale", "(f64.const 1)")}))))
${S("f", `(f64.div ${L("lr")} ${L("scale")})`)}
(if (i32.gt_s (i32.shl ${L("na")} ${i32(1)}) ${L("K")})
  (then
    ${loop("k", i32(0), L("K"), `(if (i32.eqz (i32.or (f64.gt ${ldD("p", L("k"))} (f64.const 1e-4)) (f64.lt ${ldD("p", L("k"))} (f64.const -1e-4)))) (then ${stD("p", L("k"), "(f64.const 0)")}))`)}
    ${S("k0", i32(0))}
    ${denseBlock(8)}
    ${denseBlock(4)}
    (block $br_d (loop $br_l
      (br_if $br_d (i32.ge_s ${L("k0")} ${L("K")}))
      ${S("g", ldD("p", L("k0")))}
      ${loop("a", L("lo"), L("hi"), stF("W", wIdx, `(f64.sub ${ldF("W", wIdx)} (f64.mul (f64.mul ${ldF("val", L("a"))} ${L("f")}) ${L("g")}))`))}
      ${inc("k0")}
      (br $br_l))))
  (else
    ${loop(
      "a",
      L("lo"),
      L("hi"),
      `${S("v", `(f64.mul ${ldF("val", L("a"))} ${L("f")})`)}
       ${S("base", `(i32.mul ${ldI("idx", L("a"))} ${L("K")})`)}
       ${loop(
         "q",
         i32(0),
         L("na"),
         `${S("k", add(L("base"), ldI("act", L("q"))))}
          ${stF("W", L("k"), `(f64.sub ${ldF("W", L("k"))} (f64.mul ${L("v")} ${ldD("p", ldI("act", L("q")))}))`)}`,
       )}`,
    )}))
${loop("q", i32(0), L("na"), `${S("k", ldI("act", L("q")))} ${stF("b", L("k"), `(f64.sub ${ldF("b", L("k"))} (f64.mul ${L("lr")} ${ldD("p", L("k"))}))`)}`)}
`,
)}
(f64.store ${L("loss")} (f64.add (f64.load ${L("loss")}) ${L("lossSum")}))
${L("scale")}`;

  const i32p = ["K", "W", "b", "p", "act", "start", "idx", "val", "y"];
  return `(module
  (import "m" "exp" (func $exp (param f64) (result f64)))
  (import "m" "log" (func $log (param f64) (result f64)))
  (import "m" "mem" (memory 1))
  (func (export "sgd")
    ${i32p.map((n) => `(param $${n} i32)`).join(" ")} (param $l2 f64) (param $order i32) (param $from i32) (param $to i32) (param $lr f64) (param $scale0 f64) (param $loss i32) (param $nW i32)
    (result f64)
    (local $scale f64) (local $lossSum f64) (local $s f64) (local $max f64) (local $sum f64) (local $g f64) (local $f f64) (local $v f64)
    (local $n i32) (local $i i32) (local $lo i32) (local $hi i32) (local $yi i32) (local $k0 i32) (local $a i32) (local $addr i32) (local $k i32) (local $na i32) (local $j i32) (local $q i32) (local $base i32)
    (local $vv v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128)
    ${body})
  ${countWat()})`;
}

/**
 * The feature counter as WAT: `count(units, nUnits, blockEnd, keys, seen, at, df, mask, limit, slots, cnts) → entries`
 * (or -1 when the bucket table reached `limit` entries: the caller retries with a bigger one). `units` holds every
 * text's tokens as UTF-16 code units, tokens separated by U+0020 and each text ended by U+000A (neither can occur in a
 * token); for each text it emits the same features in the same order as `emitFeatures` in src/classifier/model.ts and
 * records them as `trainingMatrix`'s JS pass does: per block (words of text i: stamp 2i+1; its chars: 2i+2) each
 * bucket's first occurrence (its slot in the table and a count of 1) or one more count, and per bucket the blocks it
 * occurs in (df). `blockEnd[2i]`, `blockEnd[2i+1]`: the entry count after text i's words and after its chars.
 */
export function countWat(): string {
  const P = "(i32.const 0x01000193)";
  const u = (i: string) => `(i32.load16_u (i32.add (local.get $units) (i32.shl ${i} (i32.const 1))))`;
  const hashOver = (from: string, to: string) => `(local.set $c ${from})
      (block $hd (loop $hl
        (br_if $hd (i32.ge_u (local.get $c) ${to}))
        (local.set $h (i32.mul (i32.xor (local.get $h) ${u("(local.get $c)")}) ${P}))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $hl)))`;
  /** the char at padded position q of the current token: a space at both ends */
  const pad = (q: string) => `(if (result i32) (i32.or (i32.eqz ${q}) (i32.eq ${q} (i32.sub (local.get $lp) (i32.const 1))))
        (then (i32.const 32)) (else ${u(`(i32.add (local.get $ts) (i32.sub ${q} (i32.const 1)))`)}))`;
  /** tokens of the current text: $ts..$te, then body, until $end */
  const tokens = (body: string) => `(local.set $t (local.get $start))
    (block $td (loop $tl
      (br_if $td (i32.ge_u (local.get $t) (local.get $end)))
      (local.set $ts (local.get $t))
      (block $sd (loop $sl
        (br_if $sd (i32.ge_u (local.get $t) (local.get $end)))
        (br_if $sd (i32.eq ${u("(local.get $t)")} (i32.const 32)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $sl)))
      (local.set $te (local.get $t))
      ${body}
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl)))`;
  return `
  (global $keys (mut i32) (i32.const 0)) (global $seen (mut i32) (i32.const 0)) (global $at (mut i32) (i32.const 0))
  (global $df (mut i32) (i32.const 0)) (global $mask (mut i32) (i32.const 0)) (global $limit (mut i32) (i32.const 0))
  (global $slots (mut i32) (i32.const 0)) (global $cnts (mut i32) (i32.const 0)) (global $n (mut i32) (i32.const 0))
  (global $size (mut i32) (i32.const 0)) (global $full (mut i32) (i32.const 0))
  (func $mix (param $h i32) (result i32)
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
  (func $add (param $h i32) (param $stamp i32)
    (local $b i32) (local $t i32) (local $k i32) (local $a i32)
    (if (global.get $full) (then (return)))
    (local.set $b (i32.and (local.get $h) (i32.const ${(1 << 20) - 1})))
    (local.set $t (i32.and (local.get $b) (global.get $mask)))
    (block $found (block $empty (loop $probe
      (local.set $k (i32.load (i32.add (global.get $keys) (i32.shl (local.get $t) (i32.const 2)))))
      (br_if $found (i32.eq (local.get $k) (local.get $b)))
      (br_if $empty (i32.eq (local.get $k) (i32.const -1)))
      (local.set $t (i32.and (i32.add (local.get $t) (i32.const 1)) (global.get $mask)))
      (br $probe)))
      ;; empty slot: a new bucket, unless the table is as full as allowed
      (if (i32.ge_u (global.get $size) (global.get $limit)) (then (global.set $full (i32.const 1)) (return)))
      (i32.store (i32.add (global.get $keys) (i32.shl (local.get $t) (i32.const 2))) (local.get $b))
      (i32.store (i32.add (global.get $seen) (i32.shl (local.get $t) (i32.const 2))) (i32.const 0))
      (i32.store (i32.add (global.get $df) (i32.shl (local.get $t) (i32.const 2))) (i32.const 0))
      (global.set $size (i32.add (global.get $size) (i32.const 1))))
    ;; the bucket's slot is $t
    (local.set $a (i32.shl (local.get $t) (i32.const 2)))
    (if (i32.eq (i32.load (i32.add (global.get $seen) (local.get $a))) (local.get $stamp))
      (then
        (local.set $k (i32.add (global.get $cnts) (i32.shl (i32.load (i32.add (global.get $at) (local.get $a))) (i32.const 2))))
        (i32.store (local.get $k) (i32.add (i32.load (local.get $k)) (i32.const 1)))
        (return)))
    (i32.store (i32.add (global.get $seen) (local.get $a)) (local.get $stamp))
    (i32.store (i32.add (global.get $at) (local.get $a)) (global.get $n))
    (i32.store (i32.add (global.get $slots) (i32.shl (global.get $n) (i32.const 2))) (local.get $t))
    (i32.store (i32.add (global.get $cnts) (i32.shl (global.get $n) (i32.const 2))) (i32.const 1))
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (i32.store (i32.add (global.get $df) (local.get $a)) (i32.add (i32.load (i32.add (global.get $df) (local.get $a))) (i32.const 1))))
  (func (export "count")
    (param $units i32) (param $nUnits i32) (param $blockEnd i32) (param $keys i32) (param $seen i32) (param $at i32) (param $df i32)
    (param $mask i32) (param $limit i32) (param $slots i32) (param $cnts i32) (result i32)
    (local $pos i32) (local $i i32) (local $start i32) (local $end i32) (local $t i32) (local $ts i32) (local $te i32)
    (local $ps i32) (local $pe i32) (local $h i32) (local $c i32) (local $lp i32) (local $s i32) (local $k i32) (local $stamp i32)
    (global.set $keys (local.get $keys)) (global.set $seen (local.get $seen)) (global.set $at (local.get $at)) (global.set $df (local.get $df))
    (global.set $mask (local.get $mask)) (global.set $limit (local.get $limit)) (global.set $slots (local.get $slots)) (global.set $cnts (local.get $cnts))
    (global.set $n (i32.const 0)) (global.set $size (i32.const 0)) (global.set $full (i32.const 0))
    (local.set $pos (i32.const 0))
    (local.set $i (i32.const 0))
    (block $xd (loop $xl
      (br_if $xd (i32.ge_u (local.get $pos) (local.get $nUnits)))
      (local.set $start (local.get $pos))
      (local.set $end (local.get $pos))
      (block $ed (loop $el
        (br_if $ed (i32.eq ${u("(local.get $end)")} (i32.const 10)))
        (local.set $end (i32.add (local.get $end) (i32.const 1)))
        (br $el)))
      ;; words: each token, then its bigram with the one before
      (local.set $stamp (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)))
      (local.set $ps (i32.const -1))
      ${tokens(`(local.set $h (i32.const 0x811c9dc5))
      ${hashOver("(local.get $ts)", "(local.get $te)")}
      (call $add (call $mix (local.get $h)) (local.get $stamp))
      (if (i32.ge_s (local.get $ps) (i32.const 0)) (then
        (local.set $h (i32.const ${(0x01000193 ^ 0x5bd1e995) >>> 0}))
        ${hashOver("(local.get $ps)", "(local.get $pe)")}
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.const 32)) ${P}))
        ${hashOver("(local.get $ts)", "(local.get $te)")}
        (call $add (call $mix (local.get $h)) (local.get $stamp))))
      (local.set $ps (local.get $ts))
      (local.set $pe (local.get $te))`)}
      (i32.store (i32.add (local.get $blockEnd) (i32.shl (i32.shl (local.get $i) (i32.const 1)) (i32.const 2))) (global.get $n))
      ;; chars: the 3- and 4-grams of each token padded with a space at both ends
      (local.set $stamp (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 2)))
      ${tokens(`(local.set $lp (i32.add (i32.sub (local.get $te) (local.get $ts)) (i32.const 2)))
      (local.set $s (i32.const 0))
      (block $gd (loop $gl
        (br_if $gd (i32.gt_s (i32.add (local.get $s) (i32.const 3)) (local.get $lp)))
        (local.set $h (i32.const 0x27d4eb2f))
        (local.set $k (i32.const 0))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_s (local.get $k) (i32.const 4)))
          (br_if $kd (i32.ge_s (i32.add (local.get $s) (local.get $k)) (local.get $lp)))
          (local.set $h (i32.mul (i32.xor (local.get $h) ${pad("(i32.add (local.get $s) (local.get $k))")}) ${P}))
          (if (i32.ge_s (local.get $k) (i32.const 2)) (then (call $add (call $mix (local.get $h)) (local.get $stamp))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kl)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $gl)))`)}
      (i32.store (i32.add (local.get $blockEnd) (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)) (i32.const 2))) (global.get $n))
      (local.set $pos (i32.add (local.get $end) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $xl)))
    (if (result i32) (global.get $full) (then (i32.const -1)) (else (global.get $n))))`;
}

/** The kernel's bytes, base64. */
export async function sgdWasmBase64(): Promise<string> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat("sgd.wat", sgdWat(), { simd: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({}).buffer).toString("base64");
  } finally {
    mod.destroy();
  }
}

/** The text of src/classifier/sgd-wasm.ts. */
export async function sgdWasmModule(): Promise<string> {
  const b64 = await sgdWasmBase64();
  const lines = b64.match(/.{1,112}/g) ?? [];
  return `// Generated by scripts/gen-sgd-wasm.ts (npm run wasm): the SGD kernel as WebAssembly. Do not edit.\nexport const SGD_WASM_BASE64 =\n${lines.map((l) => `  "${l}"`).join(" +\n")};\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL("../src/classifier/sgd-wasm.ts", import.meta.url), await sgdWasmModule());
}
