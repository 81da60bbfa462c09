# Run by cpack after it installed the files into its staging folder, before it packs them
# (CPACK_PRE_BUILD_SCRIPTS). Every directory in the package is 0755 whatever the umask of the
# one who builds it: CMake creates directories with mkdir(0755), which the umask narrows, so
# under umask 077 the package would ship usr/share/... as 0700 and dpkg would install them so,
# unreadable for every user but root. Files keep the modes install() gave them.
if(NOT IS_DIRECTORY "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
  message(FATAL_ERROR "cpackstaging.cmake: no staging folder '${CPACK_TEMPORARY_INSTALL_DIRECTORY}'")
endif()
file(CHMOD_RECURSE "${CPACK_TEMPORARY_INSTALL_DIRECTORY}"
     DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                           WORLD_READ WORLD_EXECUTE)
