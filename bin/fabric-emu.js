#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

main(process.argv).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
