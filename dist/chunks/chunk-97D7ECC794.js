#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
import{existsSync as d,readFileSync as c}from"node:fs";import{createRequire as l}from"node:module";import{dirname as a,join as n}from"node:path";import{runInThisContext as p}from"node:vm";import{fileURLToPath as u}from"node:url";import{brotliDecompressSync as h}from"node:zlib";var t;function q(){if(t)return t;let e=u(import.meta.url),r=a(e),i=[n(r,"deferred-actions.br"),n(r,"chunks","deferred-actions.br")].find(f=>d(f));if(!i)throw new Error("deferred-actions.br is missing beside the bundle: the dist/ folder is incomplete");let m=h(c(i)).toString("utf8"),s=p("(function (exports, require, module, __filename, __dirname) {"+m+`
})`,{filename:e+" (deferred)"}),o={exports:{}};return s(o.exports,l(import.meta.url),o,e,r),t=o.exports}export{q as a};
