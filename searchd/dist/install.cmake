# searchd/dist/install.cmake: what `cmake --install` puts around the
# programs (which each module installs itself), and the Debian package.
#
#   cmake --install build --prefix P    P/bin/{indexer,sou}, P/sbin/searchd,
#                                       P/share/man/man{1,8}/..., P/etc/sou/searchd.conf,
#                                       P/lib/systemd/system/searchd.service,
#                                       P/share/doc/sou/...
#   cd build && cpack -G DEB            sou_<version>_<arch>.deb for prefix /usr
#
# The config file and the unit's paths are worked out when installing, not
# when configuring, because `--prefix` and CPack choose the prefix then:
# under /usr the config goes to /etc (as GNUInstallDirs does for /usr),
# elsewhere to PREFIX/etc, and the unit's ExecStart names the installed
# searchd and config file.

install(CODE "set(SOU_DIST_DIR \"${CMAKE_CURRENT_LIST_DIR}\")
set(SOU_DIST_OUT \"${CMAKE_BINARY_DIR}/dist\")
set(SOU_SBINDIR_REL \"${CMAKE_INSTALL_SBINDIR}\")")
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(SOU_SYSCONFDIR "/etc")
  else()
    set(SOU_SYSCONFDIR "${CMAKE_INSTALL_PREFIX}/etc")
  endif()
  set(SOU_SBINDIR "${CMAKE_INSTALL_PREFIX}/${SOU_SBINDIR_REL}")
  configure_file("${SOU_DIST_DIR}/searchd.service.in" "${SOU_DIST_OUT}/searchd.service" @ONLY)
  file(INSTALL "${SOU_DIST_OUT}/searchd.service"
       DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  file(INSTALL "${SOU_DIST_DIR}/searchd.conf" DESTINATION "${SOU_SYSCONFDIR}/sou")
]])
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md" PATTERN "man" EXCLUDE)

# The Debian package (cpack -G DEB): dependencies from dpkg-shlibdeps, the
# user and the service from the maintainer scripts, /etc/sou/searchd.conf a
# conffile (kept when the admin edited it).
set(CPACK_PACKAGE_NAME sou)
set(CPACK_PACKAGE_VENDOR "sou")
set(CPACK_PACKAGE_CONTACT "sou maintainers <sou@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "full-text search engine for Chinese articles")
set(CPACK_PACKAGE_DESCRIPTION
    "sou indexes Chinese articles as positional bigrams in a Xapian database
and answers whole questions with ranked results and highlighted passages:
a search page, an HTTP/JSON API and a line protocol (searchd), and a
terminal client (sou).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# python3-jieba: its dict.txt is the lexicon queries are segmented with
# (searchd/search/CMakeLists.txt); dpkg-shlibdeps cannot see a data file.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, python3-jieba")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/postinst ${CMAKE_CURRENT_LIST_DIR}/prerm ${CMAKE_CURRENT_LIST_DIR}/postrm
    ${CMAKE_CURRENT_LIST_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
include(CPack)
