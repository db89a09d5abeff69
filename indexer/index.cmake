# sou_index: document readers (article text, JSONL[.gz]), the schema writer
# (document.c), the parallel index writer and the progress line; and the
# indexer program, a thin main.c over them.
add_library(sou_index STATIC
  ${CMAKE_CURRENT_LIST_DIR}/reader.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_article.c
  ${CMAKE_CURRENT_LIST_DIR}/article_rules.c
  ${CMAKE_CURRENT_LIST_DIR}/reader_jsonl.c
  ${CMAKE_CURRENT_LIST_DIR}/document.c
  ${CMAKE_CURRENT_LIST_DIR}/replaces.c
  ${CMAKE_CURRENT_LIST_DIR}/facets.c
  ${CMAKE_CURRENT_LIST_DIR}/shard.c
  ${CMAKE_CURRENT_LIST_DIR}/index_writer.c
  ${CMAKE_CURRENT_LIST_DIR}/progress.c
  ${CMAKE_CURRENT_LIST_DIR}/synonyms.c
  ${CMAKE_CURRENT_LIST_DIR}/title_terms.c)
target_include_directories(sou_index PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_index PUBLIC sou_text sou_json sou_schema sou_shim PkgConfig::JANSSON ZLIB::ZLIB Threads::Threads)

add_executable(indexer ${CMAKE_CURRENT_LIST_DIR}/main.c)
target_link_libraries(indexer PRIVATE sou_index)
# The synonym list a new index gets (synonyms.h): the one shipped here,
# installed as share/sou/synonyms.txt, which an installed indexer finds beside
# itself; SOU_SYNONYMS_DEFAULT is where a build tree's indexer looks.
set(SOU_SYNONYMS_DEFAULT "${CMAKE_CURRENT_LIST_DIR}/synonyms.txt" CACHE FILEPATH
    "synonym rules written into a new index when indexer is given no --synonyms")
target_compile_definitions(indexer PRIVATE SOU_SYNONYMS_DEFAULT="${SOU_SYNONYMS_DEFAULT}")
install(TARGETS indexer RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/synonyms.txt DESTINATION ${CMAKE_INSTALL_DATADIR}/sou)

# Xapian's in-memory change buffers are std::maps of small nodes: with
# jemalloc (Debian libjemalloc2) the indexer needs about 14 % less CPU than
# with glibc's malloc (measured on 30,000 xwlb stories, README "Documents and
# the indexer").  Optional: without it the indexer is the same, only slower.
# Not under the sanitizers, which bring their own allocator.
if(NOT SOU_SANITIZE)
  find_library(SOU_JEMALLOC NAMES jemalloc libjemalloc.so.2)
  if(SOU_JEMALLOC)
    target_link_libraries(indexer PRIVATE ${SOU_JEMALLOC})
  else()
    message(STATUS "jemalloc not found (apt-get install libjemalloc2): indexer uses glibc malloc")
  endif()
endif()
