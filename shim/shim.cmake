# sou_shim: the C API over Xapian (sou_xapian.h), the only C++ in sou.
add_library(sou_shim STATIC
  ${CMAKE_CURRENT_LIST_DIR}/sx_error.cc
  ${CMAKE_CURRENT_LIST_DIR}/sx_db.cc
  ${CMAKE_CURRENT_LIST_DIR}/sx_doc.cc
  ${CMAKE_CURRENT_LIST_DIR}/sx_query.cc
  ${CMAKE_CURRENT_LIST_DIR}/sx_enquire.cc
  ${CMAKE_CURRENT_LIST_DIR}/sx_remote.cc
  ${CMAKE_CURRENT_LIST_DIR}/sx_stub.cc)
target_include_directories(sou_shim PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sou_shim PUBLIC PkgConfig::XAPIAN)
# C programs link this static C++ library: they need the C++ runtime too.
target_link_libraries(sou_shim PUBLIC stdc++)
