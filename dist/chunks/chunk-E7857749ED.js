#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
var o=/[\p{P}\p{Cf}]+/gu,s=/\s+/gu,t=/^[a-z0-9]+(?: [a-z0-9]+)*$/,n=/^[\x20-\x7e]*$/;function a(r){if(t.test(r))return r;let e=n.test(r)?r.toLowerCase():r.normalize("NFKC").toLowerCase();return e=e.replace(o,""),n.test(e)||(e=e.normalize("NFKC")),e.replace(s," ").trim()}var c=/[\t\n\v\f\r\u0085\u2028\u2029]/,u=/[ \t\n\v\f\r\u0085\u2028\u2029]{2,}|[\t\n\v\f\r\u0085\u2028\u2029]/g;function i(r){return!(r.charCodeAt(0)===32||r.charCodeAt(r.length-1)===32)&&!c.test(r)&&!r.includes("  ")?r:r.replace(u," ").replace(/^ | $/g,"")}export{a,c as b,i as c};
