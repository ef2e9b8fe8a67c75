#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
var u=[",",";","	"];function p(l,i){let r=l.slice(0,l.search(/\r?\n|$/)),f=i[0]??",",o=-1;for(let e of i){let s=r.split(e).length;s>o&&(f=e,o=s)}return f}function h(l,i=u){let r=l.replace(/^\uFEFF/,""),f=typeof i=="string"?i:p(r,i),o=[],e=[],s="",c=!1;for(let t=0;t<r.length;t++){let n=r[t];c?n==='"'?r[t+1]==='"'?(s+='"',t++):c=!1:s+=n:n==='"'&&s===""?c=!0:n===f?(e.push(s),s=""):n===`
`||n==="\r"?(n==="\r"&&r[t+1]===`
`&&t++,e.push(s),s="",e.some(g=>g!=="")&&o.push(e),e=[]):s+=n}return e.push(s),e.some(t=>t!=="")&&o.push(e),o}export{h as a};
