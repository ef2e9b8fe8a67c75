#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
var n=class extends Error{constructor(e,o){super(e);this.hint=o;this.name="UserError"}hint;exitCode=1},t=class extends n{exitCode=2;constructor(s,e){super(s,e),this.name="ConfigError"}};function i(r){return r instanceof n}function u(r){return r instanceof Error?r.message:String(r)}export{n as a,t as b,i as c,u as d};
