# Writes OUTPUT: a C file holding each of INPUTS (a |-separated list) as a NUL-terminated
# char array named masq_kernel_<file name with . as _>, so the kernels travel
# inside the binary. Run by CMake at build time whenever a kernel changes.
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(body "/* Generated from kernels/ by cmake/embed_kernels.cmake: do not edit. */\n")
foreach(input IN LISTS INPUTS)
  get_filename_component(name "${input}" NAME)
  string(MAKE_C_IDENTIFIER "masq_kernel_${name}" symbol)
  file(READ "${input}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "const char ${symbol}[] = {${bytes}0x00};\n")
endforeach()
file(WRITE "${OUTPUT}" "${body}")
