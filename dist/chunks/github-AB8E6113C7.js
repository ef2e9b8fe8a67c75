#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
import{a as t}from"./chunk-FFA5F1928D.js";import"./chunk-92F8575760.js";var o=t()["@actions/github"](),i=o.getOctokit;export{i as getOctokit};
