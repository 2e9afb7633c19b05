# cmake -DIN=file -DOUT=file.cc -DNAMESPACE=ns -DFUNCTION=Name -P embed.cmake
# Writes a C++ source whose function returns the input file's bytes, so the binary carries them.
file(READ "${IN}" content)
string(FIND "${content}" ")pw_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nstd::string_view ${FUNCTION}() {\n  static constexpr char kText[] = R\"pw_embed(${content})pw_embed\";\n  return {kText, sizeof(kText) - 1};\n}\n}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
