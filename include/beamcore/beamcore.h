/*
 * beamcore.h — public C API of libbeamcore.
 *
 * This header is the stable C ABI contract of the library: everything a host
 * may rely on is declared here, with C linkage and plain C types. Internal C++
 * headers are not part of the contract and may change at any time.
 */
#ifndef BEAMCORE_BEAMCORE_H_
#define BEAMCORE_BEAMCORE_H_

#include <stdint.h>

#ifndef BEAM_EXPORT
#define BEAM_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Returns the library version as a NUL-terminated "MAJOR.MINOR.PATCH" string
 * (e.g. "0.1.0"). The pointer refers to static storage owned by the library;
 * it is never NULL and must not be freed.
 */
BEAM_EXPORT const char* beam_version_string(void);

/**
 * Returns the library version encoded as (MAJOR << 16) | (MINOR << 8) | PATCH,
 * e.g. 0x000100 for 0.1.0.
 */
BEAM_EXPORT unsigned beam_version_number(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BEAMCORE_BEAMCORE_H_ */
