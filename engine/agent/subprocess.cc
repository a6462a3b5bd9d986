#include "agent/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace spar::agent {

namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// argv[0] as a path: PATH lookup happens here, in the parent, because the child may only
// call async-signal-safe functions between fork and exec.
std::string resolve(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return program;
}

// Closes every fd from `first` up, in a child between fork and exec (async-signal-safe).
void close_from(int first) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0u, 0u) == 0) return;
#endif
  for (int fd = first; fd < 65536; ++fd) ::close(fd);
}

// Forks the reaper of process group `pgid` (see subprocess.h): a grandchild of spar in its own
// session, so no terminal signal reaches it and spar never has to reap it. Returns the write
// end of its pipe, or -1 when it could not be started (the group then relies on PDEATHSIG).
int start_reaper(pid_t pgid) {
  int life[2] = {-1, -1};
  if (::pipe2(life, O_CLOEXEC)) return -1;
  pid_t middle = ::fork();
  if (middle == 0) {
    // Async-signal-safe calls only, up to _exit.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    struct sigaction ign = {};
    ign.sa_handler = SIG_IGN;
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE}) ::sigaction(sig, &ign, nullptr);
    ::dup2(life[0], 0);  // clears close-on-exec on the copy
    close_from(1);       // the write end, and every other fd of spar's (other reapers' pipes too)
    char c = 0;
    ssize_t n;
    do {
      n = ::read(0, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) ::kill(-pgid, SIGKILL);  // spar is gone without standing us down
    ::_exit(0);
  }
  ::close(life[0]);
  if (middle < 0) {
    ::close(life[1]);
    return -1;
  }
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  return life[1];
}

}  // namespace

Result<std::unique_ptr<Subprocess>> Subprocess::spawn(const std::vector<std::string>& argv) {
  if (argv.empty()) return make_error(ErrorKind::exec, "nothing to run");
  std::string path = resolve(argv[0]);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, report[2] = {-1, -1};
  auto close_all = [&] {
    for (int* p : {in, out, err, report}) {
      close_fd(p[0]);
      close_fd(p[1]);
    }
  };
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC) ||
      ::pipe2(report, O_CLOEXEC)) {
    int e = errno;
    close_all();
    return make_error(ErrorKind::exec, std::string("cannot create pipes: ") + std::strerror(e));
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    close_all();
    return make_error(ErrorKind::exec, std::string("cannot fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
#ifdef SYS_close_range
    ::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);  // no inherited sockets
#endif
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(path.c_str(), args.data());
    int e = errno;
    [[maybe_unused]] ssize_t n = ::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so the group exists before anyone signals it
  close_fd(in[0]);
  close_fd(out[1]);
  close_fd(err[1]);
  close_fd(report[1]);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  close_fd(report[0]);
  if (n == sizeof exec_errno) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    close_all();
    return make_error(ErrorKind::exec, "cannot run " + path + ": " + std::strerror(exec_errno));
  }
  auto p = std::unique_ptr<Subprocess>(new Subprocess());
  p->pid_ = pid;
  p->in_ = in[1];
  p->out_ = out[0];
  p->err_ = err[0];
  p->running_ = true;
  p->lifeline_ = start_reaper(pid);
  for (int fd : {p->in_, p->out_, p->err_}) set_nonblocking(fd);
#ifdef F_SETPIPE_SZ
  ::fcntl(p->in_, F_SETPIPE_SZ, 1 << 20);  // room for big requests; failure is harmless
#endif
  return p;
}

Subprocess::~Subprocess() {
  terminate(std::chrono::milliseconds(0));
  close_fd(in_);
  close_fd(out_);
  close_fd(err_);
}

void Subprocess::close_stdin() { close_fd(in_); }

void Subprocess::stand_down_reaper() {
  if (lifeline_ < 0) return;
  char c = 1;
  [[maybe_unused]] ssize_t n = write_no_sigpipe(lifeline_, &c, 1);
  close_fd(lifeline_);
}

void Subprocess::reaped(int status) {
  running_ = false;
  stand_down_reaper();
  if (WIFEXITED(status)) {
    status_text_ = "exited with status " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    status_text_ = "killed by signal " + std::to_string(WTERMSIG(status));
  } else {
    status_text_ = "ended";
  }
}

bool Subprocess::exited() {
  if (!running_) return true;
  siginfo_t info = {};
  int r = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  if (r == 0 && info.si_pid == pid_) {
    // The child is a zombie, so its pid (the group id) is still taken: kill what it left
    // behind in its group, then reap it.
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped(status);
  } else if (r < 0 && errno == ECHILD) {
    running_ = false;
    status_text_ = "ended";
    stand_down_reaper();
  }
  return !running_;
}

void Subprocess::terminate(std::chrono::milliseconds grace) {
  if (exited()) return;
  ::kill(-pid_, SIGTERM);
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (exited()) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped(status);
}

ssize_t write_no_sigpipe(int fd, const char* data, size_t size) {
  // Block SIGPIPE for this thread, write, and swallow a SIGPIPE the write raised.
  sigset_t pipe_set, old_set, pending;
  ::sigemptyset(&pipe_set);
  ::sigaddset(&pipe_set, SIGPIPE);
  ::sigpending(&pending);
  bool was_pending = ::sigismember(&pending, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  size_t done = 0;
  ssize_t result = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      result = -1;
      break;
    }
    done += static_cast<size_t>(n);
  }
  int saved = errno;
  if (result < 0 && saved == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (::sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = saved;
  return result < 0 ? -1 : static_cast<ssize_t>(done);
}

bool read_available(int fd, std::string& out, size_t max) {
  char buf[65536];
  while (out.size() < max) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
  return true;
}

void append_tail(std::string& tail, std::string_view more, size_t max) {
  tail.append(more);
  if (tail.size() > max) tail.erase(0, tail.size() - max);
}

}  // namespace spar::agent
