# Read by cpack when it packs (CPACK_PROJECT_CONFIG_FILE), after the binaries are built.
#
# Qt HttpServer (what `tidemark-cli serve` answers HTTP with) is a technology preview in
# Qt 6.4, and its ABI is not kept between minor versions although the soname stays: shlibdeps
# only says ">= 6.4", so a later libqt6httpserver6 would install and break serve at run time.
# When a packed binary links it, the package also says "<< 6.5~".
include(${CPACK_TIDEMARK_BINARIES_FILE})
set(_tidemark_links_httpserver FALSE)
foreach(_bin IN LISTS TIDEMARK_PACK_BINARIES)
  execute_process(COMMAND readelf -d ${_bin} OUTPUT_VARIABLE _dynamic ERROR_VARIABLE _err
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "cpackproject.cmake: readelf -d ${_bin} failed (${_rc}): ${_err}")
  endif()
  if(_dynamic MATCHES "\\(NEEDED\\)[^\n]*\\[libQt6HttpServer\\.so")
    set(_tidemark_links_httpserver TRUE)
  endif()
endforeach()
if(_tidemark_links_httpserver AND NOT CPACK_DEBIAN_PACKAGE_DEPENDS MATCHES "libqt6httpserver6")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libqt6httpserver6 (<< 6.5~)")
endif()
