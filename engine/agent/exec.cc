// The exec adapter: an agent subprocess speaking JSON lines (protocol in docs/agents.md).
#include <chrono>
#include <deque>
#include <memory>

#include <spdlog/spdlog.h>

#include "agent/adapters.h"
#include "agent/internal.h"
#include "agent/openai_wire.h"
#include "agent/subprocess.h"

namespace spar::agent {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kStderrChunk = 64u << 10;  // read per wake-up; only the tail is kept
constexpr auto kTimerTick = std::chrono::milliseconds(100);

// The state of one client's process, shared with the loop callbacks (which hold it weakly or
// pin it while they run, since a `done` callback may destroy the client).
class ExecAgent : public std::enable_shared_from_this<ExecAgent> {
 public:
  ExecAgent(Loop& loop, std::string cmd, double timeout_s, size_t max_line)
      : loop_(loop), cmd_(std::move(cmd)), timeout_s_(timeout_s), max_line_(max_line) {}

  void send(const Request& request, Done done) {
    json line = {{"session_id", request.session_id},
                 {"seed", request.seed},
                 {"messages", to_openai_messages(request)},
                 {"tools", json::array()}};
    for (const ToolSpec& t : request.tools) line["tools"].push_back(to_openai(t));
    queue_.push_back(Pending{dump_json(line) + "\n", request.session_id, std::move(done)});
    pump();
  }

  // The client is going away: stop the process, drop pending callbacks uncalled.
  void shutdown() {
    closed_ = true;
    queue_.clear();
    stop_process(std::chrono::milliseconds(200));
  }

 private:
  struct Pending {
    std::string line;
    std::string session_id;
    Done done;
  };

  // Starts the front request when none is in flight; (re)starts the process lazily.
  void pump() {
    if (closed_ || in_flight_ || queue_.empty()) return;
    if (proc_ && !proc_->exited() && stray_output()) {
      // Output while no request was out answers nothing: the process is out of step with
      // the protocol, and its next line would be taken as this request's reply.
      spdlog::warn("exec agent '{}' wrote a line while no request was out; restarting it: {}",
                   internal::one_line(cmd_, 80), internal::one_line(out_buf_, 80));
      stop_process(std::chrono::milliseconds(0));
    }
    if (!proc_ || proc_->exited()) {
      stop_process(std::chrono::milliseconds(0));
      auto started = Subprocess::spawn({"/bin/sh", "-c", cmd_});
      if (!started) {
        // Completions are posted: pump() may run inside send().
        for (Pending& p : queue_) {
          loop_.post([done = std::move(p.done), e = started.error()] { done(e); });
        }
        queue_.clear();
        return;
      }
      proc_ = std::move(*started);
      ++generation_;
    }
    in_flight_ = true;
    uint64_t seq = ++seq_;
    sent_at_ = Clock::now();
    write_buf_ = std::move(queue_.front().line);
    write_off_ = 0;
    watch();
    flush_writes();
    if (timeout_s_ > 0) arm_timer(seq);
  }

  void watch() {
    std::weak_ptr<ExecAgent> weak = weak_from_this();
    if (!watching_out_) {
      loop_.watch(proc_->stdout_fd(), [weak] {
        if (auto self = weak.lock()) self->on_stdout();
      });
      watching_out_ = true;
    }
    if (!watching_err_ && !stderr_eof_) {
      loop_.watch(proc_->stderr_fd(), [weak] {
        if (auto self = weak.lock()) self->on_stderr();
      });
      watching_err_ = true;
    }
  }

  // Watched fds keep the loop running, so they are watched only while a request is out.
  void unwatch() {
    if (watching_out_) loop_.unwatch(proc_->stdout_fd());
    if (watching_err_) loop_.unwatch(proc_->stderr_fd());
    watching_out_ = watching_err_ = false;
  }

  void stop_process(std::chrono::milliseconds grace) {
    if (!proc_) return;
    unwatch();
    proc_->close_stdin();
    proc_->terminate(grace);
    proc_.reset();
    out_buf_.clear();
    err_tail_.clear();
    stderr_eof_ = false;
  }

  void flush_writes() {
    if (!proc_ || write_off_ >= write_buf_.size()) return;
    ssize_t n = write_no_sigpipe(proc_->stdin_fd(), write_buf_.data() + write_off_,
                                 write_buf_.size() - write_off_);
    if (n < 0) return;  // the process is gone or closed stdin; its exit is reported from stdout
    write_off_ += static_cast<size_t>(n);
    if (write_off_ < write_buf_.size()) {  // pipe full: retry shortly
      std::weak_ptr<ExecAgent> weak = weak_from_this();
      loop_.after(std::chrono::milliseconds(1), [weak] {
        if (auto self = weak.lock()) self->flush_writes();
      });
    }
  }

  void arm_timer(uint64_t seq) {
    auto deadline = sent_at_ + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(timeout_s_));
    auto wait = std::min<Clock::duration>(kTimerTick, std::max<Clock::duration>(deadline - Clock::now(), Clock::duration::zero()));
    std::weak_ptr<ExecAgent> weak = weak_from_this();
    loop_.after(std::chrono::duration_cast<std::chrono::milliseconds>(wait) + std::chrono::milliseconds(1),
                [weak, seq, deadline] {
                  auto self = weak.lock();
                  if (!self || self->closed_ || !self->in_flight_ || self->seq_ != seq) return;
                  if (Clock::now() < deadline) return self->arm_timer(seq);
                  char secs[32];
                  std::snprintf(secs, sizeof secs, "%g", self->timeout_s_);
                  // The process may answer late and desynchronise the protocol: restart it.
                  self->stop_process(std::chrono::milliseconds(0));
                  self->finish_front(make_error(ErrorKind::timeout, "exec agent gave no reply within " + std::string(secs) + " s"));
                });
  }

  void on_stderr() {
    auto self = shared_from_this();
    std::string chunk;
    bool open = read_available(proc_->stderr_fd(), chunk, kStderrChunk);
    append_tail(err_tail_, chunk);
    if (!open) {  // a hung-up fd stays readable: stop watching it
      loop_.unwatch(proc_->stderr_fd());
      watching_err_ = false;
      stderr_eof_ = true;
    }
  }

  // True when stdout holds more than blank lines; reads what is waiting there first.
  bool stray_output() {
    read_available(proc_->stdout_fd(), out_buf_, max_line_ + 1);
    return out_buf_.find_first_not_of(" \t\r\n") != std::string::npos;
  }

  void on_stdout() {
    auto self = shared_from_this();
    uint64_t generation = generation_;
    bool open = read_available(proc_->stdout_fd(), out_buf_, max_line_ + 1);
    size_t eol;
    while (!closed_ && in_flight_ && (eol = out_buf_.find('\n')) != std::string::npos) {
      std::string line = out_buf_.substr(0, eol);
      out_buf_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      bool other_session = false;
      Result<Reply> reply = parse_line(line, &other_session);
      if (other_session) {  // a late or extra answer to another request: never this one's
        spdlog::warn("exec agent '{}' answered another session than the one asked; line ignored: {}",
                     internal::one_line(cmd_, 80), internal::one_line(line, 80));
        continue;
      }
      if (out_buf_.find_first_not_of(" \t\r\n") != std::string::npos) {
        // One line per request: more output is already here, so this reply and the next
        // request's would be out of step. This request fails; the process starts afresh.
        stop_process(std::chrono::milliseconds(0));
        reply = make_error(ErrorKind::protocol, "exec agent wrote more than one line in answer to one request");
      }
      finish_front(std::move(reply));
      if (generation != generation_ || !proc_) return;  // restarted: the new process has its own events
    }
    if (closed_) return;
    if (!open || out_buf_.size() > max_line_) {
      if (proc_) read_available(proc_->stderr_fd(), err_tail_, kStderrChunk);
      std::string why = open ? "exec agent sent a line longer than " + std::to_string(max_line_) + " bytes (--max-reply-bytes)" : "";
      if (open) {
        stop_process(std::chrono::milliseconds(0));
      } else {
        std::string tail = internal::one_line(err_tail_.size() > 300 ? err_tail_.substr(err_tail_.size() - 300) : err_tail_, 300);
        proc_->close_stdin();
        proc_->terminate(std::chrono::milliseconds(200));
        why = "exec agent '" + internal::one_line(cmd_, 80) + "' " + proc_->status_text();
        if (!tail.empty()) why += ": " + tail;
        stop_process(std::chrono::milliseconds(0));
      }
      if (in_flight_) finish_front(make_error(open ? ErrorKind::protocol : ErrorKind::exec, why));
    }
    if (!in_flight_ && !closed_) pump();
  }

  // `*other_session`: the line names a session_id that is not the one of the request in flight.
  Result<Reply> parse_line(const std::string& line, bool* other_session) {
    bool too_deep = false;
    json j = internal::parse_json(line, &too_deep);
    if (too_deep) return make_error(ErrorKind::protocol, internal::too_deep_message("exec agent reply"));
    if (j.is_discarded() || !j.is_object()) {
      return make_error(ErrorKind::protocol, "exec agent sent a line that is not a JSON object: " + internal::one_line(line, 80));
    }
    if (auto s = j.find("session_id"); s != j.end() && s->is_string() && *s != queue_.front().session_id) {
      *other_session = true;
      return make_error(ErrorKind::protocol, "reply for another session");
    }
    if (auto e = j.find("error"); e != j.end() && !e->is_null()) {
      return make_error(ErrorKind::exec, "exec agent error: " + internal::one_line(e->is_string() ? e->get<std::string>() : dump_json(*e)));
    }
    Reply reply;
    if (Status s = parse_assistant_message(j, reply); !s) {
      return make_error(ErrorKind::protocol, "exec agent reply: " + s.error().message);
    }
    if (auto u = j.find("usage"); u != j.end()) reply.usage = parse_usage(*u);
    reply.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - sent_at_).count();
    return reply;
  }

  // Completes the request in flight. Runs from loop callbacks only.
  void finish_front(Result<Reply> result) {
    Done done = std::move(queue_.front().done);
    queue_.pop_front();
    in_flight_ = false;
    write_buf_.clear();
    if (queue_.empty() && proc_) unwatch();
    done(std::move(result));  // may destroy the client (shutdown() sets closed_)
    if (!closed_) pump();
  }

  Loop& loop_;
  std::string cmd_;
  double timeout_s_;
  size_t max_line_;
  std::unique_ptr<Subprocess> proc_;
  uint64_t generation_ = 0;  // counts process starts
  std::deque<Pending> queue_;  // the front is in flight when in_flight_
  bool in_flight_ = false;
  bool closed_ = false;
  bool watching_out_ = false, watching_err_ = false, stderr_eof_ = false;
  uint64_t seq_ = 0;
  Clock::time_point sent_at_;
  std::string write_buf_;
  size_t write_off_ = 0;
  std::string out_buf_;
  std::string err_tail_;
};

class ExecClient final : public AgentClient {
 public:
  ExecClient(Loop& loop, const std::string& cmd, double timeout_s, size_t max_line)
      : agent_(std::make_shared<ExecAgent>(loop, cmd, timeout_s, max_line)) {}
  ~ExecClient() override { agent_->shutdown(); }
  void send(Request request, Done done) override { agent_->send(request, std::move(done)); }
  bool streaming() const override { return false; }

 private:
  std::shared_ptr<ExecAgent> agent_;
};

class ExecFactory final : public AgentFactory {
 public:
  ExecFactory(std::string cmd, double timeout_s, size_t max_line)
      : cmd_(std::move(cmd)), timeout_s_(timeout_s), max_line_(max_line) {}
  Result<std::unique_ptr<AgentClient>> make(Loop& loop) override {
    return std::unique_ptr<AgentClient>(std::make_unique<ExecClient>(loop, cmd_, timeout_s_, max_line_));
  }
  std::string describe() const override { return "exec cmd=" + cmd_; }

 private:
  std::string cmd_;
  double timeout_s_;
  size_t max_line_;
};

}  // namespace

Result<std::unique_ptr<AgentFactory>> make_exec_factory(const AgentSpec& spec, const FactoryOptions& options) {
  if (Status s = check_spec(spec); !s) return s.error();
  return std::unique_ptr<AgentFactory>(std::make_unique<ExecFactory>(spec.get("cmd"), options.request_timeout_s,
                                                                           options.max_reply_bytes));
}

}  // namespace spar::agent
