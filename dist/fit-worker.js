#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
import{e as s}from"./chunks/chunk-7F92B17B91.js";import"./chunks/chunk-92F8575760.js";import{parentPort as o,workerData as a}from"node:worker_threads";var f=a;try{let e=f.jobs.map(r=>s(r.data,{seed:r.seed}).toParts()),t={ok:!0,parts:e};o?.postMessage(t,e.flatMap(r=>[r.buckets.buffer,r.idf.buffer,r.weights.buffer,r.bias.buffer]))}catch(e){let t={ok:!1,error:e instanceof Error?e.message:String(e)};o?.postMessage(t)}
