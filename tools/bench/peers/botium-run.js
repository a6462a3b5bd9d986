// Plays N chat-25 conversations through botium-core's built-in simplerest connector against an
// OpenAI-compatible server, the way a botium user tests a REST chatbot: a convo script of 25
// #me / #bot steps, one botium container per conversation (Build, Start, Run, Stop, Clean),
// conversations one after another as botium's runners do.
//
// simplerest speaks a generic JSON webhook: the body template names the model, and two small
// hooks (the "adapter") keep the conversation's history on the container, so each request
// carries the system prompt plus every earlier user and assistant message, as spar sends it.
// The reply is picked with the JSONPath $.choices[0].message.content (no streaming).
//   node botium-run.js N BASE_URL
// Prints one JSON line: {conversations, passed, turns, requests, errors}.
'use strict';
const path = require('path');
const { BotDriver } = require(require.resolve('botium-core', { paths: [process.cwd()] }));
const { load } = require('./chat-25-lines');

const n = Number(process.argv[2]);
const baseUrl = process.argv[3];
const { system, lines } = load();

const script = ['chat-25', ''];
for (const line of lines) script.push('#me', line, '', '#bot', '');
const scriptBuffer = Buffer.from(script.join('\n'));

let requests = 0;
const caps = {
  PROJECTNAME: 'spar-bench chat-25',
  CONTAINERMODE: 'simplerest',
  TEMPDIR: path.join(process.cwd(), 'botiumwork'),
  SIMPLEREST_URL: `${baseUrl}/chat/completions`,
  SIMPLEREST_METHOD: 'POST',
  SIMPLEREST_BODY_TEMPLATE: { model: 'mock', messages: [] },
  SIMPLEREST_RESPONSE_JSONPATH: '$.choices[0].message.content',
  SIMPLEREST_REQUEST_HOOK: ({ requestOptions, msg, container }) => {
    const history = (container.benchHistory = container.benchHistory || []);
    history.push({ role: 'user', content: msg.messageText });
    requestOptions.body.messages = [{ role: 'system', content: system }, ...history];
    requests += 1;
  },
  SIMPLEREST_RESPONSE_HOOK: ({ botMsg, container }) => {
    container.benchHistory.push({ role: 'assistant', content: botMsg.messageText });
  },
};

async function main() {
  const driver = new BotDriver(caps);
  const compiler = driver.BuildCompiler();
  const convos = compiler.Compile(scriptBuffer, 'SCRIPTING_FORMAT_TXT', 'SCRIPTING_TYPE_CONVO');
  if (convos.length !== 1) throw new Error(`expected one convo, got ${convos.length}`);
  const result = { conversations: 0, passed: 0, turns: 0, requests: 0, errors: [] };
  for (let c = 0; c < n; ++c) {
    const container = await driver.Build();
    await container.Start();
    try {
      const transcript = await convos[0].Run(container);
      result.passed += 1;
      result.turns += transcript.steps.filter((s) => s.actual && s.actual.sender === 'bot' && s.actual.messageText).length;
    } catch (err) {
      if (result.errors.length < 3) result.errors.push(String(err.message || err).slice(0, 300));
    }
    result.conversations += 1;
    await container.Stop();
    await container.Clean();
  }
  result.requests = requests;
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
