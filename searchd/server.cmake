# searchd/server.cmake: the daemon and the client, on top of sou_search.
#   sou_server  the daemon but its main (config, log, stats, access log,
#               workers, HTTP, the line protocol, server), so tests link it
#   sou_client  the client's library (line-protocol connection, rendering)
#   sou_hostport HOST:PORT parsing, shared by the two
#   searchd     the daemon (main.c)
#   sou         the command-line client (sou_main.c): sou_client, and
#               sou_search for --db
add_library(sou_server STATIC
  ${CMAKE_CURRENT_LIST_DIR}/config.c
  ${CMAKE_CURRENT_LIST_DIR}/log.c
  ${CMAKE_CURRENT_LIST_DIR}/stats.c
  ${CMAKE_CURRENT_LIST_DIR}/access_log.c
  ${CMAKE_CURRENT_LIST_DIR}/workers.c
  ${CMAKE_CURRENT_LIST_DIR}/line.c
  ${CMAKE_CURRENT_LIST_DIR}/http.c
  ${CMAKE_CURRENT_LIST_DIR}/server.c)
target_include_directories(sou_server PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_server PUBLIC sou_search sou_json sou_hostport PkgConfig::LIBEVENT PkgConfig::JANSSON
                      Threads::Threads m)
target_link_libraries(sou_server PRIVATE sou_web)

add_library(sou_client STATIC ${CMAKE_CURRENT_LIST_DIR}/client.c)
target_include_directories(sou_client PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_client PUBLIC sou_search sou_json sou_hostport PkgConfig::JANSSON)

# HOST:PORT, parsed one way for the listeners and the client.
add_library(sou_hostport STATIC ${CMAKE_CURRENT_LIST_DIR}/hostport.c)
target_include_directories(sou_hostport PUBLIC ${CMAKE_CURRENT_LIST_DIR})

add_executable(searchd ${CMAKE_CURRENT_LIST_DIR}/main.c)
target_link_libraries(searchd PRIVATE sou_server)

add_executable(sou ${CMAKE_CURRENT_LIST_DIR}/sou_main.c)
target_link_libraries(sou PRIVATE sou_client sou_search)

# searchd is a daemon (sbin, searchd(8)); indexer and sou are user commands.
install(TARGETS searchd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS sou RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
