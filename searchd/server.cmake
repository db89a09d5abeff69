# searchd/server.cmake: the daemon and the client.
#   sou_server  everything but the two mains (config, log, workers, HTTP, the
#               line protocol, stats, server, client), so tests link it
#   searchd     the daemon (main.c)
#   sou         the command-line client (sou_main.c)
if(NOT TARGET sou_search)
  message(STATUS "searchd/server.cmake: sou_search not defined yet; skipping sou_server, searchd and sou")
  return()
endif()

add_library(sou_server STATIC
  ${CMAKE_CURRENT_LIST_DIR}/config.c
  ${CMAKE_CURRENT_LIST_DIR}/log.c
  ${CMAKE_CURRENT_LIST_DIR}/stats.c
  ${CMAKE_CURRENT_LIST_DIR}/access_log.c
  ${CMAKE_CURRENT_LIST_DIR}/workers.c
  ${CMAKE_CURRENT_LIST_DIR}/line.c
  ${CMAKE_CURRENT_LIST_DIR}/http.c
  ${CMAKE_CURRENT_LIST_DIR}/server.c
  ${CMAKE_CURRENT_LIST_DIR}/client.c)
target_include_directories(sou_server PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_server PUBLIC sou_search sou_json PkgConfig::LIBEVENT PkgConfig::JANSSON Threads::Threads m)
if(TARGET sou_web)
  target_link_libraries(sou_server PRIVATE sou_web)
  target_compile_definitions(sou_server PRIVATE SOU_HAVE_WEB=1)
endif()

add_executable(searchd ${CMAKE_CURRENT_LIST_DIR}/main.c)
target_link_libraries(searchd PRIVATE sou_server)

add_executable(sou ${CMAKE_CURRENT_LIST_DIR}/sou_main.c)
target_link_libraries(sou PRIVATE sou_server)

# searchd is a daemon (sbin, searchd(8)); indexer and sou are user commands.
install(TARGETS searchd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS sou RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
