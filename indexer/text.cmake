# sou_text: the tokenizer (UTF-8 decoding, normalisation, bigrams with
# positions and byte ranges).  Pure C, no dependencies: the indexer, the query
# side and the highlighter all link it.  t2s_table.c is generated (and
# committed) by indexer/tools/gen_t2s_table.py; the build never needs OpenCC.
add_library(sou_text STATIC
  ${CMAKE_CURRENT_LIST_DIR}/utf8.c
  ${CMAKE_CURRENT_LIST_DIR}/strbuf.c
  ${CMAKE_CURRENT_LIST_DIR}/normalize.c
  ${CMAKE_CURRENT_LIST_DIR}/t2s_table.c
  ${CMAKE_CURRENT_LIST_DIR}/tokenize.c
  ${CMAKE_CURRENT_LIST_DIR}/segment.c
  ${CMAKE_CURRENT_LIST_DIR}/passage.c
  ${CMAKE_CURRENT_LIST_DIR}/nearcopy.c)
target_include_directories(sou_text PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_text PUBLIC m Threads::Threads)

# sou_json: the one compact JSON writer, for the document data the indexer
# stores and for every answer searchd sends; and fields.c, an index's facets
# and labels as the database metadata holds them (indexer and searchd).
add_library(sou_json STATIC ${CMAKE_CURRENT_LIST_DIR}/json_line.c ${CMAKE_CURRENT_LIST_DIR}/fields.c)
target_include_directories(sou_json PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_json PUBLIC sou_text PkgConfig::JANSSON)

# The lexicon queries are segmented with (segment.h: sou_lexicon_shared):
# jieba's dictionary as Debian's python3-jieba ships it, then sou's own words.
find_file(SOU_JIEBA_DICT dict.txt PATHS /usr/lib/python3/dist-packages/jieba /usr/share/python3-jieba
          NO_DEFAULT_PATH)
if(NOT SOU_JIEBA_DICT)
  message(FATAL_ERROR "jieba's dictionary (dict.txt) not found: install python3-jieba (scripts/setup.sh does)")
endif()
set(SOU_LEXICON_DEFAULT "${SOU_JIEBA_DICT}" CACHE STRING
    "':'-separated lexicon files searchd loads when none is configured")
target_compile_definitions(sou_text PRIVATE SOU_LEXICON_DEFAULT="${SOU_LEXICON_DEFAULT}")
