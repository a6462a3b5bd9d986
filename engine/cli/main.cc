#include "cli/cli.h"

int main(int argc, char** argv) { return spar::cli::main(argc, argv); }
