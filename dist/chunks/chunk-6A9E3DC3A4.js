#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
import{G as p,H as s,I as o,N as m}from"./chunk-0E2C23372D.js";import{d as a}from"./chunk-E9C2F59A67.js";async function R(r,f){let t=new m(r,f,"drift");return t.execute(async()=>{let e=f.dataset??a({config:r.config,root:r.root}),i=await t.step("drift",()=>p(r,t.stepDeps,{dataset:e}),n=>({...n.totals}));t.report.drift=s(i),f.logger.info(o(i)),!i.clean&&r.failOnDrift&&(t.report.status="failure",t.report.error={step:"drift",message:`${o(i)} (--fail-on-drift)`})},e=>o(e.drift))}export{R as a};
