# Packaging for Tidemark: installs the data in packaging/ and sets up CPack for a Debian package.
# Included once from the root CMakeLists.txt, after the targets are defined:
#
#   include(${PROJECT_SOURCE_DIR}/packaging/CPackConfig.cmake)
#
# then:  cmake --build build/release && (cd build/release && cpack -G DEB)
# The executables install themselves (install(TARGETS ...) next to each target).
#
# The paths below assume the package prefix /usr: the systemd unit starts /usr/bin/tidemark-cli.

include(GNUInstallDirs)

set(_tidemark_pkg_dir ${CMAKE_CURRENT_LIST_DIR})

# --- data files ------------------------------------------------------------------------------
if(TIDEMARK_BUILD_GUI)
  install(FILES ${_tidemark_pkg_dir}/io.github.tidemark.Tidemark.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${_tidemark_pkg_dir}/io.github.tidemark.Tidemark.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${_tidemark_pkg_dir}/icons/io.github.tidemark.Tidemark.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()
# Installed, not enabled: it needs /etc/tidemark/tidemark.json first.
install(FILES ${_tidemark_pkg_dir}/tidemark-serve.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tidemark)

# --- CPack -----------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME tidemark)
set(CPACK_PACKAGE_VENDOR "Tidemark")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Tidemark keeps tables mirrored from a source database into a mirror database\n\
(SQLite, PostgreSQL, MariaDB/MySQL in any pairing) and shows per mapping the backlog,\n\
orphan rows, checkpoint, lag and throughput, and each connection's reconnect state.\n\
The desktop monitor is 'tidemark'; the same engine runs headless as 'tidemark-cli',\n\
with a systemd unit (tidemark-serve.service) for servers.")
# TODO(maintainers): a real contact address; dpkg wants "Name <email>".
set(CPACK_PACKAGE_CONTACT "Tidemark developers")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/")

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

include(CPack)
