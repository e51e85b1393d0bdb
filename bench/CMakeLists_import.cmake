# import_parse_bench FILE [FORMAT] [REPEAT] [MAX_EVENTS]: times the importers on a whole file.
add_executable(import_parse_bench ${CMAKE_CURRENT_LIST_DIR}/import_parse_bench.cc)
target_link_libraries(import_parse_bench PRIVATE clientele::importers)
