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
  ${CMAKE_CURRENT_LIST_DIR}/passage.c)
target_include_directories(sou_text PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_text PUBLIC m)

# sou_json: the one compact JSON writer, for the document data the indexer
# stores and for every answer searchd sends; and fields.c, an index's facets
# and labels as the database metadata holds them (indexer and searchd).
add_library(sou_json STATIC ${CMAKE_CURRENT_LIST_DIR}/json_line.c ${CMAKE_CURRENT_LIST_DIR}/fields.c)
target_include_directories(sou_json PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_json PUBLIC sou_text PkgConfig::JANSSON)
