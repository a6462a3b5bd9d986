// Writes a promptfoo config that plays N chat-25 conversations against an OpenAI-compatible
// server: one test per user turn, the 25 tests of a conversation sharing a conversationId, so
// promptfoo's `_conversation` variable carries the history (system + every earlier user and
// assistant message) into each request, as spar sends it.
//   node make-promptfoo-config.js N BASE_URL OUT.json
'use strict';
const fs = require('fs');
const path = require('path');
const { load } = require('./chat-25-lines');

const [n, baseUrl, out] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const { system, lines } = load();
const tests = [];
for (let c = 1; c <= n; ++c) {
  for (const question of lines) {
    tests.push({ vars: { system, question }, metadata: { conversationId: `chat-25#${c}` } });
  }
}
const config = {
  description: `chat-25 x ${n}`,
  prompts: [`file://${path.join(__dirname, 'promptfoo-prompt.json')}`],
  providers: [{ id: 'openai:chat:mock', config: { apiBaseUrl: baseUrl, apiKey: 'none' } }],
  tests,
};
fs.writeFileSync(out, JSON.stringify(config, null, 1));
