#include <csignal>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // A peer that hangs up must surface as an error on that connection, never kill the run.
  std::signal(SIGPIPE, SIG_IGN);
  // A file past the size limit (ulimit -f) must fail its write with EFBIG, which stops the run
  // with the reason, instead of killing spar mid-line.
  std::signal(SIGXFSZ, SIG_IGN);
  return spar::cli::main(argc, argv);
}
