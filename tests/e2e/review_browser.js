// Drives spar review's page in headless Chromium through the DevTools Protocol over a pipe
// (--remote-debugging-pipe: fd 3 to Chromium, fd 4 from it, messages JSON + "\0"), no packages.
// Usage: node review_browser.js URL PHASE [SCREENSHOT.png]
//   label: press keys and type rationales to label three items (one refused first: no rationale)
//   check: reload and print the labels the page shows as JSON
// Exits 1 with "FAIL: ..." on the first broken expectation; every wait is bounded.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [url, phase, shot] = process.argv.slice(2);
const profile = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'cdp-'));
const chrome = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-pipe',
  '--user-data-dir=' + profile, '--window-size=1500,950', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let chromeLog = '';
chrome.stdio[2].on('data', (d) => { chromeLog = (chromeLog + d).slice(-4000); });
const toChrome = chrome.stdio[3], fromChrome = chrome.stdio[4];

function done(code, msg) {
  if (msg) (code ? console.error : console.log)(msg);
  try { chrome.kill('SIGKILL'); } catch (e) { /* gone */ }
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { /* best effort */ }
  process.exit(code);
}
function fail(msg) { done(1, 'FAIL: ' + msg + (phase ? ' (phase ' + phase + ')' : '')); }
chrome.on('exit', (c) => fail('chromium exited ' + c + ': ' + chromeLog));
const guard = setTimeout(() => fail('the script did not finish within 240 s'), 240000);

let seq = 0, buf = '';
const pending = new Map();
const consoleErrors = [];
fromChrome.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\0')) >= 0) {
    const m = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    if (m.id && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(p.method + ': ' + JSON.stringify(m.error)));
      else p.resolve(m.result);
    } else if (m.method === 'Runtime.exceptionThrown') {
      consoleErrors.push(JSON.stringify(m.params.exceptionDetails).slice(0, 400));
    } else if (m.method === 'Runtime.consoleAPICalled' && m.params.type === 'error') {
      consoleErrors.push(JSON.stringify(m.params.args).slice(0, 400));
    }
  }
});
let session;
function send(method, params, noSession) {
  const id = ++seq;
  const msg = { id, method, params: params || {} };
  if (session && !noSession) msg.sessionId = session;
  toChrome.write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function evaluate(expr) {
  const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) throw new Error('evaluate ' + expr + ': ' + JSON.stringify(r.exceptionDetails).slice(0, 300));
  return r.result.value;
}
// waitFor EXPR: polls until EXPR is truthy (bounded: 20 s), returns its value.
async function waitFor(expr, what) {
  for (let i = 0; i < 400; i++) {
    const v = await evaluate(expr);
    if (v) return v;
    await sleep(50);
  }
  fail('timed out waiting for ' + (what || expr));
}
const KEYS = { Enter: { code: 'Enter', vk: 13, text: '\r' } };
async function press(key) {
  const k = KEYS[key] || { code: /^[0-9]$/.test(key) ? 'Digit' + key : 'Key' + key.toUpperCase(), vk: key.toUpperCase().charCodeAt(0), text: key };
  await send('Input.dispatchKeyEvent', { type: 'keyDown', key, code: k.code, windowsVirtualKeyCode: k.vk, text: k.text, unmodifiedText: k.text });
  await send('Input.dispatchKeyEvent', { type: 'keyUp', key, code: k.code, windowsVirtualKeyCode: k.vk });
}
async function type(text) { await send('Input.insertText', { text }); }

async function open() {
  await send('Page.navigate', { url });
  await waitFor("document.readyState === 'complete' && document.body && document.body.getAttribute('data-rendered') === 'true'", 'the page to render');
  await waitFor("document.querySelector('#labels li[data-item]') !== null", 'the label items');
}
const mineOf = (item) => `(function(){var li=document.querySelector('#labels li[data-item="${item}"]');return li?li.getAttribute('data-mine'):null;})()`;
const focusIsRationale = "document.activeElement && document.activeElement.id === 'rationale'";
const msgState = "(document.getElementById('label-message')||{}).className";

async function labelPhase() {
  await open();
  const title = await evaluate('document.title');
  if (title !== 'spar review') fail('document.title is ' + JSON.stringify(title) + ': a reply ran as script');
  const first = await evaluate("document.body.getAttribute('data-conversation')");
  // spar's verdicts are hidden before labelling
  if (!(await evaluate("document.querySelector('#conversation .pill').textContent === 'verdict hidden'"))) fail('the verdict is shown before labelling');
  if (await evaluate("document.querySelector('#labels .spar') !== null")) fail("spar's verdict is shown on an unlabelled item");

  // p: pass, focus lands in the rationale; Enter with no rationale is refused
  await press('p');
  await waitFor(focusIsRationale, 'focus in the rationale after p');
  await press('Enter');
  await waitFor(msgState + " === 'error'", 'the refusal');
  const refusal = await evaluate("document.getElementById('label-message').textContent");
  if (!/rationale is required/.test(refusal)) fail('refusal says ' + refusal);
  const stored = await evaluate("fetch('/api/session').then(r => r.json()).then(s => s.conversations.reduce((a, c) => a + c.mine, 0))");
  if (stored !== 0) fail('a label without rationale was stored: ' + stored);

  // 1: type a rationale, Enter saves
  await type('the agent changed both addresses and upgraded only 5230');
  await press('Enter');
  await waitFor(mineOf('conversation') + " === 'pass'", 'the pass label');
  // its spar verdict appears once labelled
  await waitFor("document.querySelector('#labels li[data-item=\"conversation\"] .spar') !== null", "spar's verdict after labelling");

  // 2: 4 = quality 0.75 of the first window
  await press('4');
  await waitFor(focusIsRationale, 'focus in the rationale after 4');
  const cp = await evaluate("document.querySelector('#labels li.sel').getAttribute('data-item')");
  if (!/^checkpoint:\d+$/.test(cp)) fail('4 selected ' + cp);
  await type('clear answers, one needless question');
  await press('Enter');
  await waitFor(mineOf(cp) + " === '0.75'", 'the checkpoint label');

  // 3: j = the next conversation, f = fail
  await press('j');
  await waitFor("document.body.getAttribute('data-conversation') !== " + JSON.stringify(first), 'the next conversation');
  const second = await evaluate("document.body.getAttribute('data-conversation')");
  await press('f');
  await waitFor(focusIsRationale, 'focus in the rationale after f');
  await type('called update_address without asking the user to confirm');
  await press('Enter');
  await waitFor(mineOf('conversation') + " === 'fail'", 'the fail label');
  // the list counts this reviewer's labels
  const counts = await evaluate("Array.prototype.map.call(document.querySelectorAll('#list-body td[data-mine]'), td => Number(td.getAttribute('data-mine'))).slice(0, 2)");
  if (JSON.stringify(counts) !== '[2,1]') fail('list counts ' + JSON.stringify(counts));
  // k goes back
  await press('k');
  await waitFor("document.body.getAttribute('data-conversation') === " + JSON.stringify(first), 'k back to the first');
  await waitFor(mineOf('conversation') + " === 'pass'", 'the first label, shown again');
  if (shot) {
    await press('i');  // move the selection to show it in the picture
    const png = await send('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(shot, Buffer.from(png.data, 'base64'));
  }
  return { first, second, checkpoint: cp };
}

async function checkPhase() {
  await open();
  const first = await evaluate("document.body.getAttribute('data-conversation')");
  const shown = { first, labels: {} };
  const read = "Array.prototype.filter.call(document.querySelectorAll('#labels li[data-item]'), li => li.getAttribute('data-mine')).map(li => [li.getAttribute('data-item'), li.getAttribute('data-mine'), li.querySelector('.why').textContent])";
  shown.labels[first] = await evaluate(read);
  await press('j');
  await waitFor("document.body.getAttribute('data-conversation') !== " + JSON.stringify(first), 'the next conversation');
  const second = await evaluate("document.body.getAttribute('data-conversation')");
  shown.labels[second] = await evaluate(read);
  return shown;
}

(async () => {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' }, true);
  session = (await send('Target.attachToTarget', { targetId, flatten: true }, true)).sessionId;
  await send('Page.enable');
  await send('Runtime.enable');
  const out = phase === 'label' ? await labelPhase() : phase === 'check' ? await checkPhase() : fail('phase label or check');
  const errs = await evaluate("document.body.getAttribute('data-errors')");
  if (errs) fail('the page recorded errors: ' + errs);
  if (consoleErrors.length) fail('console errors: ' + consoleErrors.join(' | '));
  clearTimeout(guard);
  done(0, JSON.stringify(out));
})().catch((e) => fail(e && e.stack ? e.stack : String(e)));
