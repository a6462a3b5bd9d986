// The spar command line: parses arguments and dispatches to the engine. Nothing else.
// Exit codes: 0 success (gates held), 1 gates failed or regression, 2 usage or input error.
#pragma once

namespace spar::cli {

int main(int argc, char** argv);

}  // namespace spar::cli
