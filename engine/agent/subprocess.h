// Subprocess: a child process with pipes on stdin, stdout and stderr, for the exec adapter
// and the spawned spar-mock-agent.
//
// The child runs in its own process group, and no process of that group outlives spar or the
// child itself:
// - when the child exits (or is terminated), the rest of its group is killed before the child
//   is reaped (so the group id cannot have been reused);
// - a small reaper process, forked beside the child in its own session, holds the read end of
//   a pipe whose write end only spar holds; when spar ends in any way (exit, SIGTERM, kill -9,
//   a crash) the pipe closes and the reaper kills the whole group. When spar stops the child
//   itself, it tells the reaper to stand down first.
// The child also gets PR_SET_PDEATHSIG(SIGKILL). Linux delivers that signal when the *thread*
// that spawned the child exits, so spawn from a thread that lives as long as the child should.
// Our pipe ends are close-on-exec, so children spawned concurrently by other threads never
// inherit them.
//
// Thread-safety: one instance is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace spar::agent {

class Subprocess {
 public:
  // Starts argv[0] (looked up in PATH when it has no '/') with `argv`. Our ends of the
  // pipes are non-blocking. An exec failure (no such file...) is an "exec" error.
  static Result<std::unique_ptr<Subprocess>> spawn(const std::vector<std::string>& argv);

  ~Subprocess();  // terminate(0ms) if still running, then closes the pipes
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  void close_stdin();

  // Non-blocking: true once the child has exited (reaped); `status_text` then describes how,
  // e.g. "exited with status 1" or "killed by signal 9".
  bool exited();
  const std::string& status_text() const { return status_text_; }

  // SIGTERM to the child's process group, up to `grace` for it to exit, then SIGKILL; reaps.
  void terminate(std::chrono::milliseconds grace);

 private:
  Subprocess() = default;
  void reaped(int status);
  void stand_down_reaper();

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  int lifeline_ = -1;  // write end of the reaper's pipe; closing it unwritten kills the group
  bool running_ = false;
  std::string status_text_;
};

// Writes all of `data` to a blocking-or-not fd without raising SIGPIPE when the reader is
// gone. Returns bytes written (may be short on EAGAIN), or -1 with errno set.
ssize_t write_no_sigpipe(int fd, const char* data, size_t size);

// Reads everything currently available from a non-blocking fd into `out`. Returns false at
// end of file or on an error other than EAGAIN.
// Stops early once `out` holds `max` bytes or more (the fd then stays readable).
bool read_available(int fd, std::string& out, size_t max = static_cast<size_t>(-1));

// Keeps the last `max` bytes of `tail` after appending `more`.
void append_tail(std::string& tail, std::string_view more, size_t max = 2048);

}  // namespace spar::agent
