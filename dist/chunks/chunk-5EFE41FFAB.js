#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
function n(r){if(!Number.isSafeInteger(r))return r.toLocaleString("en-US");let i=String(Math.abs(r)),t="";for(let e=i.length;e>0;e-=3)t=e>3?`,${i.slice(e-3,e)}${t}`:`${i.slice(0,e)}${t}`;return r<0?`-${t}`:t}export{n as a};
