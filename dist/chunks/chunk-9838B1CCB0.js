#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
function u(i,l){let s=i.length,r=l.length,c=new Array(r+1).fill(0),o=Array.from({length:r+1},(n,t)=>t),e=new Array(r+1).fill(0);for(let n=1;n<=s;n++){e[0]=n;for(let t=1;t<=r;t++){let g=i[n-1]===l[t-1]?0:1,f=Math.min(o[t]+1,e[t-1]+1,o[t-1]+g);n>1&&t>1&&i[n-1]===l[t-2]&&i[n-2]===l[t-1]&&(f=Math.min(f,c[t-2]+1)),e[t]=f}[c,o,e]=[o,e,c]}return o[r]}function a(i,l){let s=i.toLowerCase(),r=s.length<=3?1:Math.max(2,Math.floor(s.length/3)),c,o=Number.POSITIVE_INFINITY;for(let e of l){let n=e.toLowerCase();if(Math.abs(n.length-s.length)>r||e===i)continue;let t=u(s,n);t<o&&t<=r&&(c=e,o=t)}return c}export{a};
