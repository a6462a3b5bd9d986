#include <csignal>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // A peer that hangs up must surface as an error on that connection, never kill the run.
  std::signal(SIGPIPE, SIG_IGN);
  return spar::cli::main(argc, argv);
}
