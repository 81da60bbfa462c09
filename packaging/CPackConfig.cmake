# Packaging for Tidemark: installs the data in packaging/ and resources/ and sets up CPack for a
# Debian package. Included once from the root CMakeLists.txt, after the targets are defined:
#
#   include(${PROJECT_SOURCE_DIR}/packaging/CPackConfig.cmake)
#
# scripts/package.sh builds a Release package with it (build/package/tidemark_*.deb); the test
# labelled `package` (tests/package) packs the build tree it runs in and checks the result.
# The executables install themselves (install(TARGETS ...) next to each target).
#
# The paths below assume the package prefix /usr: the systemd unit starts /usr/bin/tidemark-cli.

include(GNUInstallDirs)

set(_tidemark_pkg_dir ${CMAKE_CURRENT_LIST_DIR})
set(_tidemark_res_dir ${PROJECT_SOURCE_DIR}/resources)
set(_tidemark_pkg_out ${PROJECT_BINARY_DIR}/packaging)
set(TIDEMARK_PACKAGE_CONTACT "Tidemark developers <tidemark@users.noreply.github.com>"
    CACHE STRING "The package's Maintainer field: \"Name <email>\" (dpkg and lintian want both)")

# gzip -9n: no name and no time stamp in the header, so the same input packs to the same bytes
# (lintian wants man pages and changelogs compressed, and reproducible).
function(_tidemark_gzip input output)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${input})
  execute_process(COMMAND gzip -9 -n -c ${input} OUTPUT_FILE ${output} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed on ${input} (exit ${rc})")
  endif()
endfunction()

# --- data files ------------------------------------------------------------------------------
if(TIDEMARK_BUILD_GUI)
  install(FILES ${_tidemark_pkg_dir}/io.github.tidemark.Tidemark.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${_tidemark_pkg_dir}/io.github.tidemark.Tidemark.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${_tidemark_res_dir}/icons/io.github.tidemark.Tidemark.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  # hicolor/NxN/apps/io.github.tidemark.Tidemark.png, rendered from the SVG
  # (resources/icons/render-png.sh).
  install(DIRECTORY ${_tidemark_res_dir}/icons/hicolor
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons
          FILES_MATCHING PATTERN "*.png")
  configure_file(${_tidemark_pkg_dir}/tidemark.1 ${_tidemark_pkg_out}/tidemark.1 @ONLY)
  _tidemark_gzip(${_tidemark_pkg_out}/tidemark.1 ${_tidemark_pkg_out}/tidemark.1.gz)
  install(FILES ${_tidemark_pkg_out}/tidemark.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

configure_file(${_tidemark_pkg_dir}/tidemark-cli.1 ${_tidemark_pkg_out}/tidemark-cli.1 @ONLY)
_tidemark_gzip(${_tidemark_pkg_out}/tidemark-cli.1 ${_tidemark_pkg_out}/tidemark-cli.1.gz)
install(FILES ${_tidemark_pkg_out}/tidemark-cli.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Installed, not enabled: it needs /etc/tidemark/tidemark.json and /etc/tidemark/token first.
# lib/ under the prefix /usr: usr/lib/systemd/system, where Debian 12's systemd and lintian look.
install(FILES ${_tidemark_pkg_dir}/tidemark-serve.service DESTINATION lib/systemd/system)

_tidemark_gzip(${_tidemark_pkg_dir}/changelog ${_tidemark_pkg_out}/changelog.gz)
install(FILES ${_tidemark_pkg_dir}/copyright ${_tidemark_pkg_out}/changelog.gz
              ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tidemark)

# The example project: two SQLite files made from SQL at build time (no binary databases in
# git), and a project file over them that `tidemark-cli validate` accepts as installed.
find_program(TIDEMARK_SQLITE3 sqlite3)
if(NOT TIDEMARK_SQLITE3)
  message(FATAL_ERROR "sqlite3 not found (apt-get install sqlite3, or scripts/install-deps.sh): "
                      "it builds the packaged example project's databases")
endif()
set(_tidemark_example_out ${_tidemark_pkg_out}/example)
add_custom_command(
  OUTPUT ${_tidemark_example_out}/source.db ${_tidemark_example_out}/mirror.db
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_tidemark_example_out}
  COMMAND ${CMAKE_COMMAND} -E rm -f ${_tidemark_example_out}/source.db
                                    ${_tidemark_example_out}/mirror.db
  # .output /dev/null: the journal_mode pragmas answer on stdout; errors still go to stderr.
  COMMAND ${TIDEMARK_SQLITE3} -batch ${_tidemark_example_out}/source.db ".output /dev/null"
          ".read ${_tidemark_pkg_dir}/example/source.sql"
  COMMAND ${TIDEMARK_SQLITE3} -batch ${_tidemark_example_out}/mirror.db ".output /dev/null"
          ".read ${_tidemark_pkg_dir}/example/mirror.sql"
  DEPENDS ${_tidemark_pkg_dir}/example/source.sql ${_tidemark_pkg_dir}/example/mirror.sql
  COMMENT "Building the example project's SQLite databases"
  VERBATIM)
add_custom_target(tidemark_example ALL
  DEPENDS ${_tidemark_example_out}/source.db ${_tidemark_example_out}/mirror.db)
install(FILES ${_tidemark_pkg_dir}/example/tidemark.json ${_tidemark_pkg_dir}/example/README
              ${_tidemark_example_out}/source.db ${_tidemark_example_out}/mirror.db
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tidemark/example)

# --- CPack -----------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME tidemark)
set(CPACK_PACKAGE_VENDOR "Tidemark")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "sync monitor and console for database mirrors")
# dpkg's extended description: lines of at most 80 columns (lintian), one leading space added
# by CPack.
set(CPACK_PACKAGE_DESCRIPTION
    "Tidemark keeps tables mirrored from a source database into a mirror\n\
database (SQLite, PostgreSQL, MariaDB/MySQL in any pairing, ClickHouse as a\n\
mirror) and shows per mapping the backlog, orphan rows, checkpoint, lag and\n\
throughput, and each connection's reconnect state. It finds and repairs rows\n\
that differ between source and mirror.\n\
.\n\
The desktop monitor is 'tidemark'; the same engine runs headless as\n\
'tidemark-cli', with a systemd unit (tidemark-serve.service) for servers.")
set(CPACK_PACKAGE_CONTACT "${TIDEMARK_PACKAGE_CONTACT}")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Library dependencies come from dpkg-shlibdeps (package dpkg-dev). QtSql's drivers and Qt's
# platform plugins are loaded at run time, so no linker sees them: without these the package
# installs fine and every connection fails with "Driver not loaded", or the window never opens.
find_program(TIDEMARK_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(TIDEMARK_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(WARNING "dpkg-shlibdeps not found (apt-get install dpkg-dev): a DEB built now "
                  "would not declare its library dependencies")
endif()
set(_tidemark_runtime_depends "libqt6sql6-sqlite, libqt6sql6-psql, libqt6sql6-mysql")
if(TIDEMARK_BUILD_GUI)
  string(APPEND _tidemark_runtime_depends ", qt6-qpa-plugins")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_tidemark_runtime_depends}")

# Qt HttpServer is a technology preview in Qt 6.4: its ABI may change in 6.5 without a new
# soname, so shlibdeps' lower bound alone would let a newer, incompatible library in. Whether
# a binary links it is read from the built binaries when cpack runs (packaging/cpackproject.cmake),
# so the bound follows what `serve` actually links, whichever target brings it in.
set(_tidemark_pack_binaries "$<TARGET_FILE:tidemark-cli>")
if(TIDEMARK_BUILD_GUI)
  string(APPEND _tidemark_pack_binaries ";$<TARGET_FILE:tidemark>")
endif()
file(GENERATE OUTPUT ${_tidemark_pkg_out}/binaries.cmake
     CONTENT "set(TIDEMARK_PACK_BINARIES \"${_tidemark_pack_binaries}\")\n")
set(CPACK_TIDEMARK_BINARIES_FILE ${_tidemark_pkg_out}/binaries.cmake)
set(CPACK_PROJECT_CONFIG_FILE ${_tidemark_pkg_dir}/cpackproject.cmake)
# Directories 0755 whatever the umask (see the script).
set(CPACK_PRE_BUILD_SCRIPTS ${_tidemark_pkg_dir}/cpackstaging.cmake)

include(CPack)
