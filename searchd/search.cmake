# sou_search: query parsing, stopwords, query building and ranking, the
# passage highlighter and the searcher that answers with JSON (search.h).
add_library(sou_search STATIC
  ${CMAKE_CURRENT_LIST_DIR}/errors.c
  ${CMAKE_CURRENT_LIST_DIR}/query_parse.c
  ${CMAKE_CURRENT_LIST_DIR}/stopwords.c
  ${CMAKE_CURRENT_LIST_DIR}/query_build.c
  ${CMAKE_CURRENT_LIST_DIR}/highlight.c
  ${CMAKE_CURRENT_LIST_DIR}/group.c
  ${CMAKE_CURRENT_LIST_DIR}/facet_search.c
  ${CMAKE_CURRENT_LIST_DIR}/related.c
  ${CMAKE_CURRENT_LIST_DIR}/suggest.c
  ${CMAKE_CURRENT_LIST_DIR}/stored.c
  ${CMAKE_CURRENT_LIST_DIR}/shards.c
  ${CMAKE_CURRENT_LIST_DIR}/search.c)
target_include_directories(sou_search PUBLIC ${CMAKE_CURRENT_LIST_DIR} ${PROJECT_SOURCE_DIR}/indexer)
target_link_libraries(sou_search PUBLIC sou_text sou_json sou_shim PkgConfig::JANSSON Threads::Threads m)

# sou-eval: relevance and latency of sou_search in-process (bench/sou_eval.c).
add_executable(sou-eval ${PROJECT_SOURCE_DIR}/bench/sou_eval.c)
target_link_libraries(sou-eval PRIVATE sou_search m)
