#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
import*as o from"node:module";function n(){try{let e=o.enableCompileCache;typeof e=="function"&&e()}catch{}}export{n as a};
