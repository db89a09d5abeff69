# sou_index: document readers (article text, JSONL[.gz]), the schema writer
# (document.c), the parallel index writer and the progress line; and the
# indexer program, a thin main.c over them.
add_library(sou_index STATIC
  ${CMAKE_CURRENT_LIST_DIR}/reader.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_article.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_jsonl.c
  ${CMAKE_CURRENT_LIST_DIR}/document.c
  ${CMAKE_CURRENT_LIST_DIR}/index_writer.c
  ${CMAKE_CURRENT_LIST_DIR}/progress.c)
target_include_directories(sou_index PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_index PUBLIC sou_text sou_shim PkgConfig::JANSSON ZLIB::ZLIB Threads::Threads)

add_executable(indexer ${CMAKE_CURRENT_LIST_DIR}/main.c)
target_link_libraries(indexer PRIVATE sou_index)
