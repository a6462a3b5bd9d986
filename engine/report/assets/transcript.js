// Shared by report.html and review.html (spliced into each page's script at build time by
// cmake/embed.cmake): the helpers, a record as the pages read it, and the transcript view of one
// conversation (events, tool calls, violations, checkpoints). One renderer, two pages.
  // ---- error capture: every error lands in body[data-errors] and the red banner ------------
  var errors = [];
  function recordError(where, e) {
    var msg = where + ': ' + (e && e.message ? e.message : String(e));
    errors.push(msg);
    document.body.setAttribute('data-errors', errors.join(' | '));
    var box = document.getElementById('render-errors');
    if (box) box.textContent = 'The report could not render everything: ' + errors.join('; ');
  }
  window.addEventListener('error', function (ev) {
    recordError('uncaught', ev.error || ev.message);
  });
  function safe(name, fn) {
    try { fn(); } catch (e) { recordError(name, e); }
  }

  // ---- tiny helpers -------------------------------------------------------------------------
  function isObj(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }
  function obj(x) { return isObj(x) ? x : {}; }
  function arr(x) { return Array.isArray(x) ? x : []; }
  function num(x) { return typeof x === 'number' && isFinite(x) ? x : null; }
  function str(x) { return typeof x === 'string' ? x : (x == null ? '' : String(x)); }
  function get(o) {
    for (var i = 1; i < arguments.length; i++) {
      if (o === null || typeof o !== 'object') return undefined;
      o = o[arguments[i]];
    }
    return o;
  }
  function keysNumeric(o) {
    return Object.keys(obj(o)).map(Number).filter(function (x) { return isFinite(x); })
      .sort(function (a, b) { return a - b; });
  }
  function fmt(x, d) { x = num(x); return x === null ? '\u2014' : x.toFixed(d === undefined ? 3 : d); }
  function fmtSigned(x, d) {
    x = num(x);
    if (x === null) return '\u2014';
    var s = Math.abs(x).toFixed(d === undefined ? 3 : d);
    if (Number(s) === 0) return '\u00b1' + s;
    return (x < 0 ? '\u2212' : '+') + s;
  }
  function deltaClass(x) { x = num(x); return x === null ? 'faint' : x < -0.0005 ? 'bad' : x > 0.0005 ? 'good' : 'muted'; }
  function fmtInt(x) { x = num(x); return x === null ? '\u2014' : Math.round(x).toLocaleString('en-US'); }
  function fmtBig(x) {
    x = num(x);
    if (x === null) return '\u2014';
    if (Math.abs(x) >= 1e9) return (x / 1e9).toFixed(2) + 'G';
    if (Math.abs(x) >= 1e6) return (x / 1e6).toFixed(2) + 'M';
    if (Math.abs(x) >= 1e4) return (x / 1e3).toFixed(1) + 'k';
    return fmtInt(x);
  }
  function fmtMs(x) {
    x = num(x);
    if (x === null) return '\u2014';
    return x >= 1000 ? (x / 1000).toFixed(2) + ' s' : x.toFixed(x >= 100 ? 0 : 1) + ' ms';
  }
  function fmtUsd(x) {
    x = num(x);
    if (x === null) return '\u2014';
    return '$' + (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3).replace(/\.?0+$/, ''));
  }
  function pct(x) { x = num(x); return x === null ? '\u2014' : (x * 100).toFixed(1) + '%'; }

  function append(el, kids) {
    for (var i = 0; i < kids.length; i++) {
      var k = kids[i];
      if (k === null || k === undefined || k === false) continue;
      if (Array.isArray(k)) append(el, k);
      else el.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k)));
    }
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'class') el.setAttribute('class', v);
      else if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    });
  }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    return append(el, Array.prototype.slice.call(arguments, 2));
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    return append(el, Array.prototype.slice.call(arguments, 2));
  }
  // Text with line-break opportunities after '(' and ',' (for long rule names).
  function breakable(text) {
    var out = [], parts = str(text).split(/([(,])/);
    parts.forEach(function (p) { out.push(p); if (p === '(' || p === ',') out.push(h('wbr')); });
    return out;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

  // A record (docs/record.md) as this page reads it: the observations with the verdicts of its
  // "score" beside them (each event and probe with its own verdict). `blind`: the observations
  // only, every verdict left out and marked hidden (the review page, before a person labels).
  function viewOf(r, blind) {
    var v = {}, sc = blind ? {} : obj(r.score);
    Object.keys(r).forEach(function (k) { v[k] = r[k]; });
    var failed = r.ended === 'agent_error' || r.ended === 'script_error';
    v.status = failed ? 'error' : 'completed';
    v.end_reason = failed ? 'error' : r.ended === 'persona_done' ? 'persona_stopped' : r.ended;
    v.pass = sc.pass === true;
    v.goal_met = sc.goal_met;
    v.violations = arr(sc.violations);
    ['checkpoints', 'degradation', 'final_quality', 'judgements', 'policy_count'].forEach(function (k) {
      if (k in sc) v[k] = sc[k];
    });
    function zip(xs, vs) {
      return arr(xs).map(function (x, i) {
        var o = {}, y = obj(arr(vs)[i]);
        Object.keys(obj(x)).forEach(function (k) { o[k] = x[k]; });
        Object.keys(y).forEach(function (k) { o[k] = y[k]; });
        return o;
      });
    }
    v.events = zip(r.events, sc.events);
    v.probes = zip(r.probes, sc.probes);
    v.warnings = arr(r.warnings).concat(arr(sc.warnings));
    if (blind) {
      v.blind = true;
      v.events.forEach(function (e) { e.blind = true; });
      v.probes.forEach(function (p) { p.blind = true; });
    }
    return v;
  }
  var DIMS = ['quality', 'policy', 'recovery', 'retention', 'judge', 'steps', 'progress'];
  var DIM_DEF = {
    quality: 'mean of the non-null policy, recovery, retention, judge and steps scores of the window',
    policy: '1 \u2212 weighted violations in the window (0 on a critical one)',
    recovery: 'recovered \u00f7 scored confusion events raised in the window',
    retention: 'probes answered with the planted value \u00f7 probes in the window',
    judge: 'mean LLM-judge score of the window',
    steps: 'in a conversation whose goal was not met: 1 if the window has a successful tool call, 0 if not',
    progress: 'the scenario\u2019s progress(state) at the checkpoint; not part of quality'
  };
  function isError(r) { return r.status === 'error'; }
  function outcome(r) { return isError(r) ? 'error' : r.blind ? 'hidden' : r.pass === true ? 'pass' : 'fail'; }
  function outcomeLabel(o) { return o === 'pass' ? 'pass' : o === 'fail' ? 'fail' : 'error'; }

  function prettyJson(text) {
    if (typeof text !== 'string') return JSON.stringify(text, null, 2);
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }
  function oneLine(text, max) {
    var t = typeof text === 'string' ? text : JSON.stringify(text);
    t = str(t).replace(/\s+/g, ' ');
    return t.length > max ? t.slice(0, max - 1) + '\u2026' : t;
  }
  function eventDetail(e) {
    var t = e.type;
    function q(v) { return v === undefined || v === null ? '?' : (typeof v === 'string' ? v : JSON.stringify(v)); }
    if (t === 'correction' || t === 'intent_change') {
      return (e.field ? e.field + ': ' : '') + q(e.from) + ' \u2192 ' + q(e.to);
    }
    if (t === 'contradiction') return (e.field ? e.field + ': ' : '') + q(e.earlier !== undefined ? e.earlier : e.from) + ' \u2192 ' + q(e.now !== undefined ? e.now : e.to);
    if (t === 'ambiguity') return 'means ' + q(e.referent) + (Array.isArray(e.candidates) ? ' of ' + e.candidates.join(' / ') : '');
    if (t === 'interruption') return e.cut ? 'barge-in after ' + (e.after_chars != null ? e.after_chars + ' chars' : 'part of the reply') : 'interruption';
    if (t === 'topic_switch') return (e.topic ? 'digression: ' + e.topic : 'digression') + (e.digression_turn != null ? ' (turn ' + e.digression_turn + ')' : '');
    if (e.field) return e.field;
    return '';
  }
  function eventBadge(e) {
    var cls = e.recovered === true ? 'ok' : e.recovered === false ? 'no' : 'na';
    var status = e.recovered === true ? 'recovered' + (num(e.turns_to_recover) !== null ? ' in ' + e.turns_to_recover + (e.turns_to_recover === 1 ? ' turn' : ' turns') : '')
      : e.recovered === false ? 'not recovered' : e.blind ? 'verdict hidden' : 'not scored';
    if (e.decided_by) status += ' \u00b7 by ' + e.decided_by + (e.unscored ? ': ' + str(e.unscored) : '');
    var leak = e.leaked !== null && e.leaked !== undefined && e.leaked !== '' ?
      h('span', null, ' \u00b7 leaked ', h('code', null, typeof e.leaked === 'string' ? e.leaked : JSON.stringify(e.leaked)), e.leak_turn != null ? ' at turn ' + e.leak_turn : '') : null;
    var det = eventDetail(e);
    return h('span', { 'class': 'badge ' + cls, 'data-note': 'event', 'data-recovered': String(e.recovered) },
      h('b', null, str(e.type).replace(/_/g, ' ') || 'event'), h('span', { 'class': 'ev' }, (det ? det + ' \u00b7 ' : '') + status, leak));
  }
  function violationBadge(v) {
    return h('span', { 'class': 'badge viol' + (v.severity === 'critical' ? ' critical' : ''), 'data-note': 'violation' },
      h('b', null, '\u26a0 ' + (str(v.rule) || 'violation')), v.severity ? h('span', null, '(' + v.severity + ')') : null,
      v.evidence ? h('span', { 'class': 'ev' }, '\u2014 ' + str(v.evidence)) : null);
  }
  function probeBadge(p) {
    var cls = p.answered === true ? 'ok' : p.answered === false ? 'no' : 'na';
    return h('span', { 'class': 'badge ' + cls, 'data-note': 'probe' },
      h('b', null, 'probe'), h('span', { 'class': 'ev' }, (p.key ? p.key + ' = ' : ''), h('code', null, str(p.expected)),
        ' \u00b7 ' + (p.answered === true ? 'answered' : p.answered === false ? 'not answered' : p.blind ? 'verdict hidden' : 'not scored') +
        (p.decided_by ? ' \u00b7 by ' + p.decided_by : '')));
  }
  function checkpointDivider(r, t, from, reached) {
    var c = get(r, 'checkpoints', String(t));
    var body = h('div', { 'class': 'cpbody' }, h('b', null, 'checkpoint ' + t), h('span', null, 'turns ' + from + '\u2013' + t));
    if (!reached || !isObj(c)) {
      body.appendChild(h('span', null, reached ? (r.blind ? 'scores hidden' : 'no scores') : 'not reached'));
      return h('div', { 'class': 'cp missed', 'data-checkpoint': t }, body);
    }
    DIMS.forEach(function (d) {
      var v = num(c[d]);
      if (v === null) return;
      body.appendChild(h('span', { 'class': 'sc1' }, d + ' ', h('b', { 'class': d === 'progress' ? '' : v < 0.5 ? 'bad' : v < 1 ? 'warn' : '' }, fmt(v, 2))));
    });
    var j = get(r, 'judgements', String(t));
    if (isObj(j)) {
      if (j.flaky) body.appendChild(h('span', { 'class': 'pill fail' }, 'flaky judge'));
      if (num(j.agreement) !== null && arr(j.scores).length > 1) body.appendChild(h('span', null, 'agreement ' + fmt(j.agreement, 2)));
      var reason = arr(j.reasons).filter(function (x) { return typeof x === 'string' && x; })[0];
      if (reason) body.appendChild(h('span', { 'class': 'reason' }, 'judge: \u201c' + reason + '\u201d'));
      arr(j.errors).forEach(function (e) { body.appendChild(h('span', { 'class': 'reason bad' }, 'judge error: ' + str(e))); });
    }
    return h('div', { 'class': 'cp', 'data-checkpoint': t }, body);
  }

  // Draws record view `r` (viewOf) into `pane`; `i` names it in data-record; `run` is run.json
  // (its checkpoints when the record has none).
  function renderTranscript(pane, r, i, run) {
    clear(pane);
    var RUN = obj(run);
    if (!r) { pane.appendChild(h('div', { 'class': 'nodata' }, 'no conversation selected')); return; }
    pane.setAttribute('data-record', String(i));
    var o = outcome(r);
    var ev = arr(r.events).map(obj), vi = arr(r.violations).map(obj), pr = arr(r.probes).map(obj);
    var rec = ev.filter(function (e) { return e.recovered === true; }).length;
    var scored = ev.filter(function (e) { return e.recovered === true || e.recovered === false; }).length;
    var ans = pr.filter(function (p) { return p.answered === true; }).length;
    var u = obj(r.usage);
    var head = h('div', { 'class': 'convhead' },
      h('div', { 'class': 'title' }, h('span', { 'class': 'pill ' + (o === 'hidden' ? 'grey' : o) }, o === 'error' ? 'error' : o === 'pass' ? 'pass' : o === 'hidden' ? 'verdict hidden' : 'fail'),
        h('span', { 'class': 'sc' }, str(r.scenario)), h('span', { 'class': 'muted' }, 'trial ' + (r.trial != null ? str(r.trial) : '?')),
        r.persona ? h('span', { 'class': 'muted' }, 'persona ', h('b', null, str(r.persona))) : null),
      h('div', { 'class': 'facts' },
        r.goal_met !== undefined ? h('span', null, 'goal ', h('b', { 'class': r.goal_met === true ? 'good' : 'bad' }, r.goal_met === true ? 'met' : r.goal_met === false ? 'not met' : '\u2014')) : null,
        num(r.turns) !== null ? h('span', null, 'turns ', h('b', null, String(r.turns)), num(r.max_turns) !== null ? ' / ' + r.max_turns : '') : null,
        r.end_reason ? h('span', null, 'ended ', h('b', null, str(r.end_reason))) : null,
        num(r.final_quality) !== null ? h('span', null, 'final quality ', h('b', null, fmt(r.final_quality))) : null,
        num(get(r, 'degradation', 'quality')) !== null ? h('span', null, '\u0394 quality ', h('b', { 'class': deltaClass(r.degradation.quality) }, fmtSigned(r.degradation.quality))) : null,
        !r.blind && Array.isArray(r.events) ? h('span', null, 'events ', h('b', { 'class': rec < scored ? 'bad' : '' }, rec + '/' + scored), ' recovered') : null,
        !r.blind && Array.isArray(r.probes) ? h('span', null, 'probes ', h('b', { 'class': ans < pr.length ? 'bad' : '' }, ans + '/' + pr.length), ' answered') : null,
        !r.blind && Array.isArray(r.violations) ? h('span', null, 'violations ', h('b', { 'class': vi.length ? 'bad' : '' }, String(vi.length))) : null,
        num(u.prompt_tokens) !== null ? h('span', null, 'tokens ', h('b', null, fmtBig(u.prompt_tokens)), ' + ', h('b', null, fmtBig(u.completion_tokens))) : null,
        num(u.tool_calls) !== null ? h('span', null, 'tool calls ', h('b', null, String(u.tool_calls)), u.tool_errors ? h('span', { 'class': 'bad' }, ' (' + u.tool_errors + ' failed)') : null) : null,
        num(r.duration_ms) !== null ? h('span', null, 'duration ', h('b', null, fmtMs(r.duration_ms))) : null,
        r.seed != null ? h('span', null, 'seed ', h('b', null, str(r.seed))) : null));
    // Checkpoint grid: dimension x checkpoint for this conversation.
    var cpTurns = arr(r.checkpoint_turns).map(Number).filter(function (x) { return isFinite(x); });
    if (!cpTurns.length) cpTurns = arr(RUN.checkpoints).map(Number).filter(function (x) { return isFinite(x); });
    if (!cpTurns.length) cpTurns = keysNumeric(r.checkpoints);
    cpTurns.sort(function (a, b) { return a - b; });
    var cps = obj(r.checkpoints);
    var dimsWithData = DIMS.filter(function (d) { return cpTurns.some(function (t) { return num(get(cps, String(t), d)) !== null; }); });
    if (dimsWithData.length) {
      head.appendChild(h('table', { 'class': 'cpgrid' },
        h('thead', null, h('tr', null, h('th', null, 'turn'), cpTurns.map(function (t) { return h('th', { 'class': 'n' }, String(t)); }), h('th', { 'class': 'n' }, '\u0394'))),
        h('tbody', null, dimsWithData.map(function (d) {
          return h('tr', null, h('td', { 'class': 'muted' }, d), cpTurns.map(function (t) {
            var c = get(cps, String(t)), v = num(get(cps, String(t), d));
            return h('td', { 'class': 'n' + (v === null ? ' faint' : v < 0.5 && d !== 'progress' ? ' bad' : '') }, c === null || c === undefined ? '\u00b7' : fmt(v, 2));
          }), h('td', { 'class': 'n ' + deltaClass(get(r, 'degradation', d)) }, fmtSigned(get(r, 'degradation', d), 2)));
        }))));
    }
    pane.appendChild(head);
    if (r.error !== null && r.error !== undefined) {
      var e = r.error;
      pane.appendChild(h('div', { 'class': 'errbox', 'data-note': 'error' }, isObj(e) ? (e.kind ? '[' + e.kind + '] ' : '') + str(e.message || JSON.stringify(e)) : str(e)));
    } else if (o === 'error') {
      pane.appendChild(h('div', { 'class': 'errbox', 'data-note': 'error' }, 'status error (no error detail in the record)'));
    }
    arr(r.warnings).forEach(function (w) { pane.appendChild(h('div', { 'class': 'warnbox' }, typeof w === 'string' ? w : JSON.stringify(w))); });

    // Group messages and notes by turn.
    var turns = {}, order = [];
    function T(t) { if (!turns[t]) { turns[t] = { msgs: [], notes: [] }; order.push(t); } return turns[t]; }
    var last = 0;
    var msgs = arr(r.transcript).map(obj);
    var results = {};
    msgs.forEach(function (m) { if (m.role === 'tool' && m.tool_call_id) results[m.tool_call_id] = m; });
    var used = {};
    msgs.forEach(function (m) {
      var t = num(m.turn); if (t === null) t = last; last = t;
      T(t).msgs.push(m);
    });
    ev.forEach(function (e) {
      var t = num(e.turn) !== null ? e.turn : 0;
      T(t).notes.push(eventBadge(e));
      if (num(e.leak_turn) !== null && e.leak_turn !== e.turn) {
        T(e.leak_turn).notes.push(h('span', { 'class': 'badge no', 'data-note': 'leak' }, h('b', null, 'leak'),
          h('span', { 'class': 'ev' }, 'superseded ', h('code', null, str(e.leaked)), ' reused (' + str(e.type).replace(/_/g, ' ') + ' from turn ' + e.turn + ')')));
      }
    });
    vi.forEach(function (v) { T(num(v.turn) !== null ? v.turn : 0).notes.push(violationBadge(v)); });
    pr.forEach(function (p) { T(num(p.turn) !== null ? p.turn : 0).notes.push(probeBadge(p)); });
    order.sort(function (a, b) { return a - b; });
    var lastTurn = num(r.turns) !== null ? r.turns : (order.length ? order[order.length - 1] : 0);

    var chat = h('div', { 'class': 'chat' });
    if (!msgs.length) chat.appendChild(h('div', { 'class': 'nodata' }, r.transcript_omitted
      ? 'transcript not embedded (this report embeds the first transcripts, failures first; spar report --transcripts N embeds more): results.jsonl line ' + str(r.results_line)
      : 'no transcript in this record'));
    var cpi = 0;
    function flushCheckpoints(upTo) {
      while (cpi < cpTurns.length && cpTurns[cpi] <= upTo) {
        var t = cpTurns[cpi], from = cpi ? cpTurns[cpi - 1] + 1 : 1;
        chat.appendChild(checkpointDivider(r, t, from, t <= lastTurn && !(o === 'error' && t > lastTurn)));
        cpi++;
      }
    }
    order.forEach(function (t) {
      flushCheckpoints(t - 1);
      var g = turns[t];
      var flagged = g.notes.some(function (n) { return /\b(no|viol)\b/.test(n.getAttribute('class')); });
      var body = h('div', { 'class': 'tbody' });
      g.msgs.forEach(function (m) {
        if (m.role === 'tool' && m.tool_call_id && used[m.tool_call_id]) return;
        body.appendChild(renderMessage(m, results, used));
      });
      if (g.notes.length) body.appendChild(h('div', { 'class': 'notes' }, g.notes));
      chat.appendChild(h('div', { 'class': 'turn' + (flagged ? ' flag' : ''), 'data-turn': t }, h('div', { 'class': 'tnum', title: 'turn ' + t }, String(t)), body));
    });
    flushCheckpoints(lastTurn);
    if (o === 'error') {
      chat.appendChild(h('div', { 'class': 'cp enderr', 'data-note': 'ended-with-error' }, h('div', { 'class': 'cpbody' },
        h('b', { 'class': 'bad' }, '\u2716 stopped by an error' + (order.length ? ' in turn ' + Math.max(order[order.length - 1], lastTurn) : '')),
        isObj(r.error) && r.error.kind ? h('span', null, 'kind ' + r.error.kind) : null)));
    }
    // Checkpoints the conversation never reached.
    while (cpi < cpTurns.length) {
      chat.appendChild(checkpointDivider(r, cpTurns[cpi], cpi ? cpTurns[cpi - 1] + 1 : 1, false));
      cpi++;
    }
    pane.appendChild(chat);
    if (r.final_state !== undefined) {
      pane.appendChild(h('details', { 'class': 'state' }, h('summary', null, 'final state'), h('pre', null, JSON.stringify(r.final_state, null, 2))));
    }
  }

  function renderMessage(m, results, used) {
    var role = str(m.role);
    if (role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length) {
      var frag = document.createDocumentFragment();
      if (str(m.content)) frag.appendChild(textBubble(m, 'assistant'));
      m.tool_calls.forEach(function (c) {
        c = obj(c);
        var res = c.id ? results[c.id] : null;
        if (res) used[c.id] = true;
        var args = c.arguments !== undefined ? c.arguments : get(c, 'function', 'arguments');
        var name = str(c.name || get(c, 'function', 'name')) || '?';
        var resText = res ? str(res.content) : null;
        var failed = resText !== null && /"ok"\s*:\s*false|"error"\s*:/.test(resText);
        frag.appendChild(h('details', { 'class': 'tool', 'data-note': 'tool-call' },
          h('summary', null, h('span', { 'class': 'fn' }, name), '(' + oneLine(args === undefined ? '' : args, 90) + ')',
            resText !== null ? h('span', { 'class': 'res' + (failed ? ' err' : '') }, '  \u2192 ' + oneLine(resText, 80)) : h('span', { 'class': 'res' }, '  (no result)')),
          h('pre', null, h('span', { 'class': 'k' }, 'arguments\n'), prettyJson(args === undefined ? '' : args)),
          resText !== null ? h('pre', null, h('span', { 'class': 'k' }, 'result\n'), prettyJson(resText)) : null));
      });
      return frag;
    }
    if (role === 'tool') {
      var t = str(m.content);
      return h('details', { 'class': 'tool', 'data-note': 'tool-result' },
        h('summary', null, h('span', { 'class': 'res' }, '\u2190 ' + (m.name ? m.name + ': ' : 'tool: ') + oneLine(t, 120))),
        h('pre', null, prettyJson(t)));
    }
    return textBubble(m, role === 'user' ? 'user' : role === 'assistant' ? 'assistant' : 'other');
  }
  function textBubble(m, cls) {
    var content = m.content;
    var text = typeof content === 'string' ? content : Array.isArray(content) ?
      content.map(function (p) { return typeof p === 'string' ? p : str(obj(p).text); }).join('') : (content == null ? '' : JSON.stringify(content));
    var who = h('span', { 'class': 'who' }, cls === 'assistant' ? 'agent' : cls === 'user' ? 'user' : str(m.role) || 'message',
      m.generated ? h('span', { 'class': 'pill grey', 'data-note': 'generated', title: 'written by the user model (u:llm)' }, 'generated') : null,
      m.truncated ? h('span', { 'class': 'cutlabel', 'data-note': 'cut' }, '\u2702 cut off') : null);
    return h('div', { 'class': 'msg ' + cls + (m.truncated ? ' cut' : '') + (text ? '' : ' empty') },
      who, h('span', { 'class': 'text' }, text || (m.truncated ? '' : '(empty)')),
      m.error ? h('span', { 'class': 'merr' }, '\u26a0 ' + (typeof m.error === 'string' ? m.error : JSON.stringify(m.error))) : null);
  }
