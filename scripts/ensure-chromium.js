#!/usr/bin/env node
// The browser tests drive Debian's Chromium through playwright-core (a browser is never downloaded).
// Installs it with apt-get when missing and we are root; otherwise explains what to do.
const { execSync } = require('node:child_process');
const fs = require('node:fs');

const BIN = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (fs.existsSync(BIN)) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !fs.existsSync('/usr/bin/apt-get')) {
  console.error(`Chromium was not found at ${BIN}. Install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
console.log('Installing Debian chromium for the browser tests (once)…');
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null', { stdio: 'inherit', shell: '/bin/bash' });
