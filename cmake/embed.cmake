# Turns a text file into a C++ translation unit holding it as one string_view.
# Usage: cmake -DIN=file -DOUT=file.cc -DNAME=kPrelude -DNAMESPACE=spar::persona -P embed.cmake
file(READ ${IN} CONTENT)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nextern const std::string_view ${NAME};\nconst std::string_view ${NAME} = R\"spar_embed(${CONTENT})spar_embed\";\n}\n")
