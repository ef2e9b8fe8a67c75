#!/usr/bin/env node
import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
import{a as t}from"./chunk-97D7ECC794.js";import"./chunk-92F8575760.js";var a=t()["@actions/artifact"](),o=a.DefaultArtifactClient;export{o as DefaultArtifactClient};
