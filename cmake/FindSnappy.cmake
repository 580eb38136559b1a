# FindSnappy
# ----------
# Finds Google's snappy as packaged by Debian's libsnappy-dev:
#   header:   /usr/include/snappy.h
#   library:  /usr/lib/<multiarch>/libsnappy.so (SONAME libsnappy.so.1)
#
# Only the header and the library are looked for (find_path / find_library): the
# package's own SnappyConfig.cmake is not needed.
#
# Hints: Snappy_ROOT (prefix containing include/ and lib/).
#
# Result variables: Snappy_FOUND, Snappy_INCLUDE_DIR, Snappy_LIBRARY.
# Imported target:  Snappy::snappy

include(FindPackageHandleStandardArgs)

find_path(Snappy_INCLUDE_DIR NAMES snappy.h HINTS ${Snappy_ROOT} PATH_SUFFIXES include)
find_library(Snappy_LIBRARY NAMES snappy HINTS ${Snappy_ROOT} PATH_SUFFIXES lib lib64)
mark_as_advanced(Snappy_INCLUDE_DIR Snappy_LIBRARY)

find_package_handle_standard_args(Snappy REQUIRED_VARS Snappy_LIBRARY Snappy_INCLUDE_DIR)

if(Snappy_FOUND AND NOT TARGET Snappy::snappy)
  add_library(Snappy::snappy UNKNOWN IMPORTED)
  set_target_properties(Snappy::snappy PROPERTIES
    IMPORTED_LOCATION "${Snappy_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Snappy_INCLUDE_DIR}")
endif()
