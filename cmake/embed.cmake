# Turns a text file into a C++ translation unit holding it as one string_view.
# Usage: cmake -DIN=file -DOUT=file.cc -DNAME=kPrelude -DNAMESPACE=spar::persona [-DINCLUDES=a,b] -P embed.cmake
# -DINCLUDES=a,b: files whose text replaces each "/*SPAR_INCLUDE <file name>*/" in IN (the
# transcript view shared by report.html and review.html).
file(READ ${IN} CONTENT)
if(INCLUDES)
  string(REPLACE "," ";" INCLUDE_LIST "${INCLUDES}")
  foreach(inc ${INCLUDE_LIST})
    get_filename_component(inc_name ${inc} NAME)
    file(READ ${inc} INC_CONTENT)
    string(FIND "${CONTENT}" "/*SPAR_INCLUDE ${inc_name}*/" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${IN}: no /*SPAR_INCLUDE ${inc_name}*/ to replace")
    endif()
    string(REPLACE "/*SPAR_INCLUDE ${inc_name}*/" "${INC_CONTENT}" CONTENT "${CONTENT}")
  endforeach()
endif()
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nextern const std::string_view ${NAME};\nconst std::string_view ${NAME} = R\"spar_embed(${CONTENT})spar_embed\";\n}\n")
