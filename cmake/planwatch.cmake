# Helpers that give every layer the same shape: a library from the folder's .cc files,
# one gtest binary from its *_test.cc files, fuzz targets that replay their corpus in tests.

set(PW_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-qual
                -Wimplicit-fallthrough -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports std::string copies inlined at -O2/-O3 as overlapping (GCC bug 105329).
  list(APPEND PW_WARNINGS -Wno-restrict)
endif()

# pw_library(NAME name [DEPS targets...]): every .cc below the current folder except tests,
# benchmarks and fuzz targets. Linking only the layers below enforces the layer order.
function(pw_library)
  cmake_parse_arguments(ARG "" "NAME" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  list(FILTER srcs EXCLUDE REGEX "(_test|_benchmark|_fuzz)\\.cc$")
  if(NOT srcs)  # a layer with headers only
    add_library(${ARG_NAME} INTERFACE)
    target_include_directories(${ARG_NAME} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${ARG_NAME} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(${ARG_NAME} STATIC ${srcs})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${ARG_NAME} PRIVATE ${PW_WARNINGS})
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# pw_test(NAME name DEPS targets... [FILTER gtest-filter]): one gtest binary from every *_test.cc
# below the folder, run by ctest in shards (pw_gtest_shards); FILTER limits the tests those shards
# run (e.g. "-Postgres*", for tests the folder registers itself with other properties).
function(pw_test)
  cmake_parse_arguments(ARG "" "NAME;FILTER" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(PW_TEST_FILTER)
    list(FILTER srcs INCLUDE REGEX "${PW_TEST_FILTER}")
  endif()
  if(NOT srcs)
    return()
  endif()
  add_executable(${ARG_NAME} ${srcs})
  # The sanitized builds compile the code under test at -O1 and the tests themselves at -O0: a
  # test body is mostly gtest's macros, and -O0 compiles them in half the time under ASan
  # (org_tree_test.cc: 60 s at -O1, 27 s at -O0).
  target_compile_options(${ARG_NAME} PRIVATE ${PW_WARNINGS} $<$<CONFIG:Debug>:-O0>)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  # About 30 tests per shard, counted from the sources' TEST lines.
  set(count 0)
  foreach(src IN LISTS srcs)
    file(STRINGS ${src} tests REGEX "^(TEST|TEST_F|TEST_P|TYPED_TEST)\\(")
    list(LENGTH tests n)
    math(EXPR count "${count} + ${n}")
  endforeach()
  math(EXPR shards "(${count} + 29) / 30")
  pw_gtest_shards(TARGET ${ARG_NAME} NAME ${ARG_NAME} SHARDS ${shards} FILTER "${ARG_FILTER}")
endfunction()

# pw_gtest_shards(TARGET binary NAME prefix SHARDS n [FILTER gtest-filter] [ENVIRONMENT vars...]
#                 [PROPERTIES ctest-properties...]): ctest runs the binary as n tests
# <prefix>.<i>of<n>, each one process running every n-th test (gtest's GTEST_SHARD_INDEX). One
# process per test cost about 0.4 s of ASan start-up and exit each, half of the unit tests' time;
# a shard still fails by its tests' names (gtest's summary, shown on failure).
function(pw_gtest_shards)
  cmake_parse_arguments(ARG "" "TARGET;NAME;SHARDS;FILTER" "ENVIRONMENT;PROPERTIES" ${ARGN})
  set(args --gtest_brief=1)
  if(ARG_FILTER)
    list(APPEND args --gtest_filter=${ARG_FILTER})
  endif()
  if(ARG_SHARDS LESS 1)
    set(ARG_SHARDS 1)
  endif()
  math(EXPR last "${ARG_SHARDS} - 1")
  foreach(i RANGE ${last})
    set(name ${ARG_NAME}.${i}of${ARG_SHARDS})
    add_test(NAME ${name} COMMAND ${ARG_TARGET} ${args})
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "GTEST_TOTAL_SHARDS=${ARG_SHARDS};GTEST_SHARD_INDEX=${i};PW_SOURCE_DIR=${PROJECT_SOURCE_DIR};${ARG_ENVIRONMENT}"
      ${ARG_PROPERTIES})
  endforeach()
endfunction()

# pw_fuzz(NAME name SOURCE file DEPS targets...): with PW_FUZZ a libFuzzer binary; otherwise
# a replay binary that feeds every file of fuzz/corpus/<name>/ to the target, run by ctest.
function(pw_fuzz)
  cmake_parse_arguments(ARG "" "NAME;SOURCE" "DEPS" ${ARGN})
  if(PW_FUZZ)
    add_executable(${ARG_NAME}_fuzz ${ARG_SOURCE})
    target_compile_options(${ARG_NAME}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${ARG_NAME}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
  else()
    add_executable(${ARG_NAME}_fuzz ${ARG_SOURCE} ${PROJECT_SOURCE_DIR}/tests/fuzz_replay_main.cc)
    add_test(NAME fuzz_replay.${ARG_NAME}
             COMMAND ${ARG_NAME}_fuzz ${PROJECT_SOURCE_DIR}/fuzz/corpus/${ARG_NAME})
  endif()
  target_compile_options(${ARG_NAME}_fuzz PRIVATE ${PW_WARNINGS})
  target_include_directories(${ARG_NAME}_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/tests)  # fuzz_fixture.h
  target_link_libraries(${ARG_NAME}_fuzz PRIVATE ${ARG_DEPS})
  if(NOT TARGET fuzzers)
    add_custom_target(fuzzers)  # every fuzz target: what the `fuzz` build preset builds
  endif()
  add_dependencies(fuzzers ${ARG_NAME}_fuzz)
endfunction()
