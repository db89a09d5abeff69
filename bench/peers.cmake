# bench/peers.cmake: the benchmarks' peer engines and load client, built only with
# -DSOU_BUILD_BENCH=ON (the bench/ scripts turn it on; CI does not).
#
# C++ is allowed here, and only here outside shim/: Lucene++ (CJKAnalyzer, QueryParser)
# and Xapian's TermGenerator/QueryParser with FLAG_CJK_NGRAM are C++ APIs, and the
# point of these programs is to use each peer the way its own users would.
#   xapian_cjk     stock Xapian CJK mode: index / search             (Xapian, jansson)
#   xapian_bigram  plain bigram BM25, title x2: index / search       (Xapian, sou_text: sou's tokenizer)
#   lucene_cjk     Lucene++ contrib CJKAnalyzer: index / search      (liblucene++-dev, libboost-dev)
#   fts5           SQLite FTS5, trigram tokenizer: index / search    (libsqlite3-dev), C
#   lineclient     searchd line-protocol client: ask / load          (jansson, pthreads), C
#   sou_docs       the documents sou's readers make of inputs, as JSONL for the peers (the
#                  seed articles of bench/relevance's combined set)  (sou_index), C
#   delayproxy     TCP relay that delays a server's answers          (pthreads), C: bench/cluster's
#                  stand-in for tc netem where the kernel has none
pkg_check_modules(LUCENEPP REQUIRED IMPORTED_TARGET liblucene++ liblucene++-contrib)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)

add_executable(xapian_cjk ${CMAKE_CURRENT_LIST_DIR}/peers/xapian_cjk.cc)
target_link_libraries(xapian_cjk PRIVATE PkgConfig::XAPIAN PkgConfig::JANSSON)

add_executable(xapian_bigram ${CMAKE_CURRENT_LIST_DIR}/peers/xapian_bigram.cc)
target_link_libraries(xapian_bigram PRIVATE PkgConfig::XAPIAN PkgConfig::JANSSON sou_text)

add_executable(sou_docs ${CMAKE_CURRENT_LIST_DIR}/peers/sou_docs.c)
target_link_libraries(sou_docs PRIVATE sou_index)

add_executable(lucene_cjk ${CMAKE_CURRENT_LIST_DIR}/peers/lucene_cjk.cc)
# Lucene++'s headers use boost (headers only here; the library links its own boost).
target_link_libraries(lucene_cjk PRIVATE PkgConfig::LUCENEPP PkgConfig::JANSSON)

add_executable(fts5 ${CMAKE_CURRENT_LIST_DIR}/peers/fts5.c)
target_link_libraries(fts5 PRIVATE PkgConfig::SQLITE3 PkgConfig::JANSSON)

add_executable(lineclient ${CMAKE_CURRENT_LIST_DIR}/peers/lineclient.c)
target_link_libraries(lineclient PRIVATE PkgConfig::JANSSON Threads::Threads)

add_executable(delayproxy ${CMAKE_CURRENT_LIST_DIR}/peers/delayproxy.c)
target_link_libraries(delayproxy PRIVATE Threads::Threads)

foreach(peer xapian_cjk xapian_bigram lucene_cjk fts5 lineclient delayproxy sou_docs)
  target_include_directories(${peer} PRIVATE ${CMAKE_CURRENT_LIST_DIR}/peers)
endforeach()
