#!/usr/bin/env node
// The slm-fleet executable. Runs the compiled CLI (npm ci builds it through `prepare`).
import { main } from '../dist/index.js';

await main(process.argv);
