# FindBoringSSL
# -------------
# Finds BoringSSL as packaged by Debian's android-libboringssl-dev:
#   headers:  /usr/include/android/openssl/*.h
#   library:  /usr/lib/<multiarch>/android/libcrypto.so (SONAME libcrypto.so.0)
#
# The system may also have OpenSSL installed in /usr/include/openssl, so the
# BoringSSL include dir is passed with -I (not -isystem) to guarantee that
# <openssl/sha.h> etc. resolve to BoringSSL, never OpenSSL.
#
# Hints: BoringSSL_ROOT (prefix containing include/ and lib/).
#
# Result variables:
#   BoringSSL_FOUND, BoringSSL_INCLUDE_DIR, BoringSSL_CRYPTO_LIBRARY,
#   BoringSSL_LIBRARY_DIR (for rpaths),
#   BoringSSL_RUNTIME_LIBRARY  absolute path of the run-time library (the file
#                              named by its SONAME, libcrypto.so.0) — what
#                              libbeamcore dlopen()s (src/hash/boringssl.h)
# Imported targets:
#   BoringSSL::headers (include directory only, no link; defines BEAM_EXPECT_BORINGSSL=1)
#   BoringSSL::crypto  (headers + link to the library; defines BEAM_EXPECT_BORINGSSL=1)

include(FindPackageHandleStandardArgs)

set(_beam_bssl_lib_hints)
if(BoringSSL_ROOT)
  list(APPEND _beam_bssl_lib_hints "${BoringSSL_ROOT}/lib" "${BoringSSL_ROOT}/lib64")
endif()
if(CMAKE_LIBRARY_ARCHITECTURE)
  list(APPEND _beam_bssl_lib_hints "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/android")
endif()
list(APPEND _beam_bssl_lib_hints /usr/lib/x86_64-linux-gnu/android /usr/lib/android)

set(_beam_bssl_inc_hints)
if(BoringSSL_ROOT)
  list(APPEND _beam_bssl_inc_hints "${BoringSSL_ROOT}/include")
endif()
list(APPEND _beam_bssl_inc_hints /usr/include/android)

# openssl/base.h exists only in BoringSSL (OpenSSL has no such header).
find_path(BoringSSL_INCLUDE_DIR
  NAMES openssl/base.h
  HINTS ${_beam_bssl_inc_hints}
  NO_DEFAULT_PATH)

find_library(BoringSSL_CRYPTO_LIBRARY
  NAMES crypto
  HINTS ${_beam_bssl_lib_hints}
  NO_DEFAULT_PATH)

# Sanity: make sure the header really is BoringSSL's.
if(BoringSSL_INCLUDE_DIR AND EXISTS "${BoringSSL_INCLUDE_DIR}/openssl/base.h")
  file(STRINGS "${BoringSSL_INCLUDE_DIR}/openssl/base.h" _beam_bssl_marker
       REGEX "define[ \t]+OPENSSL_IS_BORINGSSL")
  if(NOT _beam_bssl_marker)
    message(STATUS "FindBoringSSL: ${BoringSSL_INCLUDE_DIR}/openssl/base.h is not BoringSSL")
    set(BoringSSL_INCLUDE_DIR "BoringSSL_INCLUDE_DIR-NOTFOUND" CACHE PATH "" FORCE)
  endif()
endif()

# The run-time file: libcrypto.so.0 (the package android-libboringssl), not the
# development symlink libcrypto.so (android-libboringssl-dev).
if(BoringSSL_CRYPTO_LIBRARY AND NOT BoringSSL_RUNTIME_LIBRARY)
  get_filename_component(_beam_bssl_dir "${BoringSSL_CRYPTO_LIBRARY}" DIRECTORY)
  find_file(BoringSSL_RUNTIME_LIBRARY
    NAMES libcrypto.so.0
    HINTS "${_beam_bssl_dir}"
    NO_DEFAULT_PATH)
  if(NOT BoringSSL_RUNTIME_LIBRARY)
    # Not the Debian layout: fall back to the file the link name points at.
    file(REAL_PATH "${BoringSSL_CRYPTO_LIBRARY}" _beam_bssl_real)
    set(BoringSSL_RUNTIME_LIBRARY "${_beam_bssl_real}" CACHE FILEPATH
        "BoringSSL library loaded at run time" FORCE)
  endif()
endif()

find_package_handle_standard_args(BoringSSL
  REQUIRED_VARS BoringSSL_CRYPTO_LIBRARY BoringSSL_INCLUDE_DIR BoringSSL_RUNTIME_LIBRARY)

if(BoringSSL_FOUND)
  get_filename_component(BoringSSL_LIBRARY_DIR "${BoringSSL_CRYPTO_LIBRARY}" DIRECTORY)
  set(BoringSSL_INCLUDE_DIRS "${BoringSSL_INCLUDE_DIR}")
  set(BoringSSL_LIBRARIES "${BoringSSL_CRYPTO_LIBRARY}")

  if(NOT TARGET BoringSSL::headers)
    add_library(BoringSSL::headers INTERFACE IMPORTED)
    set_target_properties(BoringSSL::headers PROPERTIES
      IMPORTED_NO_SYSTEM TRUE  # -I, not -isystem: must win over /usr/include/openssl
      INTERFACE_COMPILE_DEFINITIONS "BEAM_EXPECT_BORINGSSL=1")
    target_include_directories(BoringSSL::headers BEFORE INTERFACE "${BoringSSL_INCLUDE_DIR}")
  endif()

  if(NOT TARGET BoringSSL::crypto)
    add_library(BoringSSL::crypto SHARED IMPORTED)
    # A full-path IMPORTED_LOCATION in a non-implicit directory makes CMake add
    # that directory to the BUILD_RPATH of everything that links it.
    set_target_properties(BoringSSL::crypto PROPERTIES
      IMPORTED_LOCATION "${BoringSSL_CRYPTO_LIBRARY}"
      IMPORTED_NO_SYSTEM TRUE  # -I, not -isystem: must win over /usr/include/openssl
      INTERFACE_COMPILE_DEFINITIONS "BEAM_EXPECT_BORINGSSL=1")
    target_include_directories(BoringSSL::crypto BEFORE INTERFACE "${BoringSSL_INCLUDE_DIR}")
  endif()
endif()

mark_as_advanced(BoringSSL_INCLUDE_DIR BoringSSL_CRYPTO_LIBRARY BoringSSL_RUNTIME_LIBRARY)
