#!/usr/bin/env node
// `npx atlas-stripe`: runs the TypeScript entry point with Node's type stripping (Node >= 24).
import '../src/cli/main.ts';
