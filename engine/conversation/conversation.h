// Conversation: one simulated user talking to one agent, as a state machine driven by the
// agent's replies. It resumes the persona coroutine with each complete reply, runs the
// scenario's tools for the agent's tool calls (a bounded number of rounds per turn), and
// builds the conversation's record of observations (record/record.h) as it goes: what
// happened, never a verdict.
//
// Thread-safety: a Conversation lives on the thread of the Loop its AgentClient is bound to.
// `finished` is called exactly once, possibly from inside start(); the owner may destroy the
// Conversation only after `finished` has returned (e.g. from a task posted on the loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/client.h"
#include "conversation/judge.h"
#include "persona/runtime.h"
#include "record/record.h"

namespace spar::conversation {

using json = nlohmann::json;

struct Plan {
  std::string scenario_path;
  std::string scenario_id;
  int trial = 1;      // 1-based
  uint64_t seed = 0;  // from base/seed.h conversation_seed()
  std::string run_id;  // the run's random id: in the record and in every session id sent to a model
  std::string agent_spec;  // --agent, URL credentials masked: the record's agent.spec
  std::string persona;  // the persona to play (persona::Options::persona); empty: the scenario's first
  std::string key;      // the case key (run::ScenarioEntry::key); empty: scenario_id
};

struct Options {
  persona::Options persona;
  int max_tool_steps = 8;                     // tool-call rounds the agent may take within one turn
  std::vector<int> checkpoints = {3, 8, 15, 25};  // default checkpoint turns; a scenario may override
  int recovery_turns = 2;                     // R in the recovery definitions (docs/metrics.md)
};

class Conversation {
 public:
  // The observations (record/record.h) and the judge's judgements of the checkpoint windows
  // (null without a judge). No verdicts: those are drawn from the record afterwards
  // (conversation/checks.h, score/score_record.h).
  using Finished = std::function<void(record::Record record, json judgements)>;
  // `user_model`, when not null, writes the persona's u:llm{} turns (--user-model); `judge`,
  // when not null, scores each checkpoint window of a scenario that has a judge rubric.
  Conversation(Plan plan, Options options, agent::AgentClient& agent, Finished finished,
               agent::AgentClient* user_model = nullptr, const Judge* judge = nullptr);
  ~Conversation();

  void start();

 private:
  void on_action(Result<persona::Action> action);
  void write_with_user_model(persona::Action action);
  void begin_turn(persona::Action action, bool generated);
  void open_turn();
  void add_tokens(const std::string& role, const agent::Usage& tokens);
  void add_user_message(const std::string& text, bool generated);
  void send_to_agent();
  void on_reply(Result<agent::Reply> reply);
  // with_reply = false: the turn ends on a tool round (max_steps), with no text reply to record.
  void complete_turn(const std::string& text, bool truncated, bool with_reply = true);
  bool step_limit_reached() const;  // the scenario's max_steps agent replies have been made
  void after_turn(const std::string& text, bool truncated);
  void judge_window(int checkpoint, std::function<void()> then);
  void finish(const std::string& ended);
  void fail(const Error& error);
  void hand_over();
  // "S#N-SEED-RUNID" + suffix: unique to this run, so a stateful agent cannot carry one run's
  // state into the next run with the same --seed. Cassette keys never include it.
  std::string session_id(std::string_view suffix = "") const;

  Plan plan_;
  Options options_;
  agent::AgentClient& agent_;
  Finished finished_;
  agent::AgentClient* user_model_;
  const Judge* judge_;
  std::unique_ptr<persona::Session> session_;

  std::vector<agent::Message> history_;  // what the agent sees (system prompt first)
  json record_;
  int turn_ = 0;            // the turn in progress (1-based) or the last completed one
  int tool_steps_ = 0;      // tool-call rounds within the current turn
  int steps_ = 0;           // agent replies in the whole conversation (max_steps)
  bool tool_stopped_ = false;  // the agent called one of the scenario's stop_tools
  bool ended_on_text_ = false;  // the last turn ended on a text reply (not on a tool round)
  // max_steps was reached on a text reply: the user reads it and may still end the conversation
  // (tau's loop hands the last step's reply to the user, whose ###STOP### ends it with its
  // reward); any other next message ends it as max_steps, unsent.
  bool last_word_ = false;
  json turn_tool_calls_;    // every tool call of the current turn, for the persona's reply
  json judgements_;         // {"<checkpoint>": judgement}, or null without a judge
  int cut_after_ = -1;      // barge-in: cut the agent's streamed reply after this many chars
  json pending_interrupt_;  // {text, event}: the interrupting message to send after the cut
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point turn_started_;
  bool done_ = false;
};

}  // namespace spar::conversation
