# SymHelpers.cmake: one-line helpers so leaf CMakeLists stay short.

# sym_add_node(NAME SOURCES... [LIBS libs...]): a node library that tests
# can link (everything but main.c) and the symphony-NAME binary.
function(sym_add_node name)
    cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
    add_library(${name}_lib STATIC ${arg_SOURCES})
    target_include_directories(${name}_lib PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${name}_lib PUBLIC sym_common ${arg_LIBS})
    add_executable(symphony-${name} main.c)
    target_link_libraries(symphony-${name} PRIVATE ${name}_lib)
    install(TARGETS symphony-${name} RUNTIME DESTINATION bin)
endfunction()

# sym_add_test(NAME LABEL SOURCE [LIBS libs...]): a cmocka test executable
# registered with CTest under a label and the label's timeout.
function(sym_add_test name label source)
    cmake_parse_arguments(arg "" "" "LIBS" ${ARGN})
    add_executable(${name} ${source})
    target_link_libraries(${name} PRIVATE sym_common PkgConfig::CMOCKA
        ${arg_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    set(timeout 10)
    if(label STREQUAL "node")
        set(timeout 30)
    elseif(label STREQUAL "integration")
        set(timeout 120)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS ${label}
        TIMEOUT ${timeout})
endfunction()

# sym_add_script_test(NAME LABEL SCRIPT): a shell test run from the
# repository root with the build directory in SYMPHONY_BIN_DIR.
function(sym_add_script_test name label script)
    add_test(NAME ${name} COMMAND bash ${CMAKE_SOURCE_DIR}/${script}
        WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT 300
        ENVIRONMENT "SYMPHONY_BUILD_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# sym_add_fuzz(NAME SOURCE [LIBS libs...]): a fuzz target over one decoder
# of outside bytes. SOURCE defines LLVMFuzzerTestOneInput. With SYM_FUZZ
# it becomes the libFuzzer binary fuzz_NAME (run by `make fuzz`); in every
# other build it becomes replay_NAME, a CTest test that feeds it each file
# of tests/fuzz/corpus/NAME and tests/fuzz/crashes/NAME.
function(sym_add_fuzz name source)
    cmake_parse_arguments(arg "" "" "LIBS" ${ARGN})
    set(dir ${CMAKE_SOURCE_DIR}/tests/fuzz)
    if(SYM_FUZZ)
        add_executable(fuzz_${name} ${source})
        target_link_libraries(fuzz_${name} PRIVATE sym_common ${arg_LIBS})
        target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
        add_dependencies(sym_fuzzers fuzz_${name})
    else()
        add_executable(replay_${name} ${source} ${dir}/fuzz_replay.c)
        target_link_libraries(replay_${name} PRIVATE sym_common ${arg_LIBS})
        add_test(NAME fuzz_replay_${name} COMMAND replay_${name}
            ${dir}/corpus/${name} ${dir}/crashes/${name})
        set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS fuzz
            TIMEOUT 120)
    endif()
endfunction()
