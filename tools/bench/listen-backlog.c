// LD_PRELOAD shim for scripts/bench: raises every listen() backlog to at least 4096.
// spar-mock-agent listens with cpp-httplib's compiled-in backlog of 5 (Debian's libcpp-httplib
// is a shared library, so CPPHTTPLIB_LISTEN_BACKLOG cannot be overridden at build time). The
// bench runs the mock with this shim so its figures measure the tools, not the accept queue.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>

int listen(int fd, int backlog) {
  static int (*real_listen)(int, int);
  if (!real_listen) real_listen = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
  return real_listen(fd, backlog < 4096 ? 4096 : backlog);
}
