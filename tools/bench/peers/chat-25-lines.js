// The system prompt and the 25 user lines of tools/bench/scenarios/chat-25.lua, read from the
// scenario itself so the peers send exactly what spar's persona says.
'use strict';
const fs = require('fs');
const path = require('path');

function load() {
  const src = fs.readFileSync(path.join(__dirname, '..', 'scenarios', 'chat-25.lua'), 'utf8');
  const block = src.match(/local LINES = \{([\s\S]*?)\n\}/);
  const system = src.match(/system = "([^"]*)"/);
  if (!block || !system) throw new Error('chat-25.lua: cannot find LINES or system');
  const lines = [...block[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  if (lines.length !== 25) throw new Error(`chat-25.lua: expected 25 lines, found ${lines.length}`);
  return { system: system[1], lines };
}

module.exports = { load };
