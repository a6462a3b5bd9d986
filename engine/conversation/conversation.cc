#include "conversation/conversation.h"

#include <fmt/format.h>

#include "score/events.h"
#include "score/expectations.h"


namespace spar::conversation {

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

json tool_calls_json(const std::vector<agent::ToolCall>& calls) {
  json out = json::array();
  for (const auto& c : calls) out.push_back({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
  return out;
}

using record::user_stop_text;

}  // namespace

Conversation::Conversation(Plan plan, Options options, agent::AgentClient& agent, Finished finished,
                           agent::AgentClient* user_model, const Judge* judge)
    : plan_(std::move(plan)),
      options_(std::move(options)),
      agent_(agent),
      finished_(std::move(finished)),
      user_model_(user_model),
      judge_(judge) {
  // The observations start from the typed record's defaults (record/record.h) and grow as the
  // conversation goes; hand_over() reads them back into a Record.
  record::Record r;
  r.run_id = plan_.run_id;
  if (!plan_.agent_spec.empty()) r.agent = {{"spec", plan_.agent_spec}};
  r.scenario = plan_.scenario_id;
  r.scenario_path = plan_.scenario_path;
  r.trial = plan_.trial;
  r.seed = plan_.seed;
  r.checkpoint_turns = options_.checkpoints;
  record_ = r;
  record_["ended"] = nullptr;  // set when it ends
}

Conversation::~Conversation() = default;

std::string Conversation::session_id(std::string_view suffix) const {
  std::string id = fmt::format("{}#{}-{:x}", plan_.key.empty() ? plan_.scenario_id : plan_.key, plan_.trial, plan_.seed);
  if (!plan_.run_id.empty()) id += "-" + plan_.run_id;
  id += suffix;
  return id;
}

void Conversation::start() {
  started_ = std::chrono::steady_clock::now();
  persona::Options played = options_.persona;
  if (!plan_.persona.empty()) {
    played.persona = plan_.persona;
    record_["persona"] = plan_.persona;  // an error opening the pair is still that persona's
  }
  auto session = persona::Session::open(plan_.scenario_path, played);
  if (!session.ok()) return fail(session.error());
  session_ = std::move(session).value();
  const auto& info = session_->info();
  record_["persona"] = info.persona;
  record_["checkpoint_turns"] = info.checkpoints.empty() ? options_.checkpoints : info.checkpoints;
  record_["max_turns"] = info.max_turns;
  if (!info.system.empty()) history_.push_back(agent::Message{"system", info.system, {}, "", ""});
  on_action(session_->start(plan_.seed));
}

void Conversation::on_action(Result<persona::Action> action) {
  if (!action.ok()) return fail(action.error());
  persona::Action a = std::move(action).value();
  for (json& x : a.expectations) record_["expectations"].push_back(std::move(x));  // r:expect{}
  if (a.kind == persona::Action::Kind::stop) {
    for (json event : a.events) {
      event["turn"] = turn_;
      record_["events"].push_back(std::move(event));
    }
    if (a.text.empty()) return finish(record::ended::kPersonaDone);
    record_["user_stop"] = {{"by", "persona"}, {"reason", user_stop_text(a.text)}};  // u:stop(reason)
    return finish(record::ended::kUserStop);
  }
  if (!a.llm.is_null() && user_model_ != nullptr) return write_with_user_model(std::move(a));
  begin_turn(std::move(a), false);
}

// u:llm{}: the user model writes the next message from the persona's instructions and the
// conversation so far, seen from the user's side (the agent's messages are its input).
void Conversation::write_with_user_model(persona::Action action) {
  agent::Request req;
  req.session_id = session_id("/user");
  req.seed = plan_.seed;
  // u:llm{system=} replaces spar's own prompt, verbatim (tau's user prompt); greeting= opens the
  // user model's history as the agent's first message (tau: "Hi! How can I help you today?").
  std::string system = action.llm.contains("system")
                           ? action.llm["system"].get<std::string>()
                           : "You are role-playing a customer who is talking to a support agent. Write only the "
                             "customer's next message: plain text, no quotes, no stage directions.\nWhat you know: " +
                                 session_->info().facts.dump() +
                                 "\nInstructions for this message: " + action.llm.value("instructions", "");
  req.messages.push_back(agent::Message{"system", system, {}, "", ""});
  if (action.llm.contains("greeting")) {
    req.messages.push_back(agent::Message{"user", action.llm["greeting"].get<std::string>(), {}, "", ""});
  }
  for (const auto& m : history_) {
    if (m.role == "user") req.messages.push_back(agent::Message{"assistant", m.content, {}, "", ""});
    if (m.role == "assistant" && !m.content.empty()) req.messages.push_back(agent::Message{"user", m.content, {}, "", ""});
  }
  if (req.messages.size() == 1 || req.messages.back().role != "user") {
    req.messages.push_back(agent::Message{"user", "(Write your next message to the agent.)", {}, "", ""});
  }
  record_["usage"]["user_model_requests"] = record_["usage"]["user_model_requests"].get<int64_t>() + 1;
  user_model_->send(std::move(req), [this, action = std::move(action)](Result<agent::Reply> reply) mutable {
    if (!reply.ok()) {
      Error e = reply.error();
      e.message = "user model: " + e.message;
      return fail(std::move(e));
    }
    add_tokens("user_model", reply->usage);
    std::string text = reply->text;
    // u:llm{stop=}: a message holding the stop token ends the conversation, and (as in tau) none
    // of it reaches the agent; it is kept, verbatim, in user_stop.message.
    std::string stop = action.llm.value("stop", "");
    if (!stop.empty() && text.find(stop) != std::string::npos) {
      record_["user_stop"] = {{"by", "user_model"}, {"token", stop}, {"message", user_stop_text(text)}};
      return finish(record::ended::kUserStop);
    }
    auto first = text.find_first_not_of(" \t\r\n\"");
    auto last = text.find_last_not_of(" \t\r\n\"");
    text = first == std::string::npos ? "" : text.substr(first, last - first + 1);
    if (text.empty()) return begin_turn(std::move(action), false);  // nothing usable: the fallback
    action.text = std::move(text);
    begin_turn(std::move(action), true);
  });
}

// The user model's and the judge's tokens: usage.<role>_prompt_tokens, <role>_completion_tokens.
void Conversation::add_tokens(const std::string& role, const agent::Usage& tokens) {
  json& usage = record_["usage"];
  for (auto [key, n] : {std::pair{role + "_prompt_tokens", tokens.prompt_tokens},
                        std::pair{role + "_completion_tokens", tokens.completion_tokens}}) {
    usage[key] = usage.value(key, int64_t{0}) + n;
  }
}

void Conversation::open_turn() {
  ++turn_;
  tool_steps_ = 0;
  turn_tool_calls_ = json::array();
  turn_started_ = std::chrono::steady_clock::now();
}

void Conversation::add_user_message(const std::string& text, bool generated) {
  history_.push_back(agent::Message{"user", text, {}, "", ""});
  json entry = {{"turn", turn_}, {"role", "user"}, {"content", text}};
  if (generated) entry["generated"] = true;
  record_["transcript"].push_back(std::move(entry));
}

void Conversation::begin_turn(persona::Action a, bool generated) {
  if (last_word_) return finish(record::ended::kMaxSteps);  // the user went on: no step is left
  open_turn();
  for (json event : a.events) {
    event["turn"] = turn_;
    score::bind_event(event, session_->info().intents, session_->info().fields);
    record_["events"].push_back(std::move(event));
  }
  if (!a.probe.is_null()) {
    json probe = a.probe;
    probe["turn"] = turn_;
    record_["probes"].push_back(std::move(probe));
  }
  add_user_message(a.text, generated);
  if (!a.interrupt.is_null()) {
    // The interruption event was raised with this action; it is the last one recorded.
    size_t index = record_["events"].size() - 1;
    json& event = record_["events"][index];
    event["prompt_turn"] = turn_;
    std::string text = a.interrupt.value("text", "");
    if (agent_.streaming()) {
      event["mode"] = "barge_in";
      cut_after_ = a.interrupt.value("after_chars", 0);
      pending_interrupt_ = {{"text", text}, {"event", index}};
    } else {
      // A non-streaming reply cannot be cut: the interruption arrives as a second message.
      event["mode"] = "consecutive";
      event["cut"] = false;
      add_user_message(text, false);
    }
  }
  send_to_agent();
}

void Conversation::send_to_agent() {
  agent::Request req;
  req.session_id = session_id();
  req.seed = plan_.seed;
  req.cut_after_chars = cut_after_;
  req.messages = history_;
  for (const auto& t : session_->info().tools) req.tools.push_back({t.name, t.description, t.parameters});
  record_["usage"]["agent_requests"] = record_["usage"]["agent_requests"].get<int64_t>() + 1;
  agent_.send(std::move(req), [this](Result<agent::Reply> reply) { on_reply(std::move(reply)); });
}

void Conversation::on_reply(Result<agent::Reply> reply) {
  if (!reply.ok()) return fail(reply.error());
  agent::Reply& r = reply.value();
  json& usage = record_["usage"];
  usage["prompt_tokens"] = usage["prompt_tokens"].get<int64_t>() + r.usage.prompt_tokens;
  usage["completion_tokens"] = usage["completion_tokens"].get<int64_t>() + r.usage.completion_tokens;
  usage["retries"] = usage["retries"].get<int64_t>() + (r.attempts - 1);

  ++steps_;  // max_steps counts agent replies, as tau-bench's loop counts completions
  if (r.tool_calls.empty() || r.truncated) return complete_turn(r.text, r.truncated);

  // tool_calls_per_message: the calls past the limit are dropped before anything sees them, so
  // neither the transcript nor the agent's history has them (tau-bench keeps tool_calls[:1]).
  const int per_message = session_->info().tool_calls_per_message;
  if (per_message > 0 && r.tool_calls.size() > static_cast<size_t>(per_message)) {
    record_["warnings"].push_back(
        {{"turn", turn_},
         {"kind", "tool_calls_dropped"},
         {"message", fmt::format("the agent asked for {} tool calls in one message; only the first {} ran "
                                 "(tool_calls_per_message), the others were dropped",
                                 r.tool_calls.size(), per_message)}});
    r.tool_calls.resize(static_cast<size_t>(per_message));
  }

  // A tool-call round: run each call over the scenario state and hand the results back.
  history_.push_back(agent::Message{"assistant", r.text, r.tool_calls, "", ""});
  json entry = {{"turn", turn_}, {"role", "assistant"}, {"content", r.text}, {"tool_calls", tool_calls_json(r.tool_calls)}};
  record_["transcript"].push_back(std::move(entry));
  for (const auto& call : r.tool_calls) {
    persona::ToolOutcome outcome = session_->call_tool(call.name, call.arguments);
    if (!outcome.script_error.empty()) return fail(Error{ErrorKind::script, outcome.script_error});
    std::string content = outcome.text();
    history_.push_back(agent::Message{"tool", content, {}, call.id, call.name});
    json tool_entry = {{"turn", turn_}, {"role", "tool"}, {"tool_call_id", call.id}, {"name", call.name}, {"content", content}};
    if (outcome.error) tool_entry["error"] = true;
    record_["transcript"].push_back(std::move(tool_entry));
    turn_tool_calls_.push_back({{"name", call.name}, {"arguments", call.arguments}});
    usage["tool_calls"] = usage["tool_calls"].get<int64_t>() + 1;
    if (outcome.error) usage["tool_errors"] = usage["tool_errors"].get<int64_t>() + 1;
    const auto& stops = session_->info().stop_tools;
    tool_stopped_ = tool_stopped_ || std::find(stops.begin(), stops.end(), call.name) != stops.end();
  }
  if (tool_stopped_ || step_limit_reached()) return complete_turn("", false, false);
  if (++tool_steps_ >= options_.max_tool_steps) {
    record_["warnings"].push_back(
        {{"turn", turn_},
         {"kind", "tool_loop"},
         {"message", fmt::format("the agent made {} tool-call rounds without answering; turn ended", tool_steps_)}});
    return complete_turn("", false);
  }
  send_to_agent();
}

bool Conversation::step_limit_reached() const {
  const int max_steps = session_->info().max_steps;
  return max_steps > 0 && steps_ >= max_steps;
}

void Conversation::complete_turn(const std::string& text, bool truncated, bool with_reply) {
  record_["usage"]["turn_latency_ms"].push_back(ms_since(turn_started_));
  ended_on_text_ = with_reply;
  if (with_reply) {
    history_.push_back(agent::Message{"assistant", text, {}, "", ""});
    json entry = {{"turn", turn_}, {"role", "assistant"}, {"content", text}};
    if (truncated) entry["truncated"] = true;
    record_["transcript"].push_back(std::move(entry));
  }
  record_["turns"] = turn_;
  bool checkpoint = false;
  for (const auto& c : record_["checkpoint_turns"]) checkpoint = checkpoint || c.get<int>() == turn_;
  if (checkpoint && session_->info().has_progress) {
    auto p = session_->progress();
    if (!p.ok()) return fail(p.error());
    record_["progress"][std::to_string(turn_)] = *p;
  }
  if (checkpoint && judge_ != nullptr && judge_->client != nullptr && !session_->info().judge_rubric.empty()) {
    return judge_window(turn_, [this, text, truncated] { after_turn(text, truncated); });
  }
  after_turn(text, truncated);
}

// Judges the window that ends at `checkpoint` (repeats in parallel, cached), stores the
// judgement, then continues. A judge failure is recorded, never fatal to the conversation.
void Conversation::judge_window(int checkpoint, std::function<void()> then) {
  conversation::judge_window(*judge_, session_->info().judge_rubric, record_["transcript"], record_["checkpoint_turns"],
                             checkpoint, plan_.seed, session_id(fmt::format("/judge@{}", checkpoint)),
                             [this, checkpoint, then = std::move(then)](json judgement, int sent, agent::Usage tokens) {
                               record_["usage"]["judge_requests"] =
                                   record_["usage"]["judge_requests"].get<int64_t>() + sent;
                               add_tokens("judge", tokens);
                               judgements_[std::to_string(checkpoint)] = std::move(judgement);
                               then();
                             });
}

void Conversation::after_turn(const std::string& text, bool truncated) {
  if (tool_stopped_) return finish(record::ended::kToolStop);  // tau-bench: done at a terminate tool
  if (step_limit_reached()) {
    if (!ended_on_text_ || last_word_ || !pending_interrupt_.is_null()) return finish(record::ended::kMaxSteps);
    last_word_ = true;  // the user still reads the last reply (begin_turn ends it unless they stop)
  } else if (turn_ >= session_->info().max_turns) {
    return finish(record::ended::kMaxTurns);
  }

  if (!pending_interrupt_.is_null()) {
    // Barge-in: the user cuts in as soon as the agent's reply was cut; the persona waits for
    // the reply to the interrupting message.
    json pending = std::move(pending_interrupt_);
    pending_interrupt_ = nullptr;
    cut_after_ = -1;
    open_turn();
    json& event = record_["events"][pending["event"].get<size_t>()];
    event["cut"] = truncated;
    event["cut_text"] = text;
    event["turn"] = turn_;
    add_user_message(pending["text"].get<std::string>(), false);
    return send_to_agent();
  }
  json reply = {{"text", text}, {"tool_calls", turn_tool_calls_}, {"truncated", truncated}, {"turn", turn_},
                {"said", score::agent_text_of_turn(record_["transcript"], turn_)}};  // what r:expect reads
  on_action(session_->resume(reply));
}

void Conversation::finish(const std::string& ended) {
  if (done_) return;
  done_ = true;
  record_["ended"] = ended;
  // record_state = false: not even taken, so the live scorer, like `spar score`, checks the goal
  // on the replayed state with nothing to compare it with (and skips converting a 2.8 MB state).
  if (session_->info().record_state) record_["final_state"] = session_->state();
  hand_over();
}

void Conversation::fail(const Error& error) {
  if (done_) return;
  done_ = true;
  record_["ended"] = record::ended_for_error(to_string(error.kind));
  record_["error"] = {{"kind", to_string(error.kind)}, {"message", error.message}};
  if (error.http_status) record_["error"]["http_status"] = error.http_status;
  if (error.retry_after_s >= 0) record_["error"]["retry_after_s"] = error.retry_after_s;
  hand_over();
}

// The observations, typed, to the owner; the verdicts are drawn from them there.
void Conversation::hand_over() {
  record_["duration_ms"] = ms_since(started_);
  record::Record out = record_.get<record::Record>();
  if (session_) out.write_final_state = session_->info().record_state;
  finished_(std::move(out), std::move(judgements_));
}

}  // namespace spar::conversation
