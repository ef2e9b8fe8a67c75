#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
import{a as t}from"./chunks/chunk-E772C4CA73.js";import"./chunks/chunk-92F8575760.js";import{realpathSync as o}from"node:fs";import{fileURLToPath as e}from"node:url";async function a(){t(),await(await import("./chunks/main-7D20EDB967.js")).run()}function i(){let r=process.argv[1];if(!r)return!1;try{return o(r)===o(e(import.meta.url))}catch{return!1}}i()&&a();export{a as run};
