# Turns a text file into a C++ translation unit holding it as one string.
# Usage: cmake -DIN=file -DOUT=file.cc -P embed.cmake
file(READ ${IN} CONTENT)
string(LENGTH "${CONTENT}" LEN)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace spar::persona {\nextern const std::string_view kPrelude;\nconst std::string_view kPrelude = R\"spar_prelude(${CONTENT})spar_prelude\";\n}\n")
