/* gpu/cuda/driver.h - the CUDA Driver API, loaded with dlopen (driver.c):
 * the package builds, imports and tests on machines without a GPU. */
#ifndef JP_CUDA_DRIVER_H
#define JP_CUDA_DRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t jp_devptr;

/* 0 when a device is usable; else -1 and *why says what is missing. */
int jp_cuda_init(const char **why);
int jp_cuda_device(char *name, size_t size, int *cc);
/* Load PTX (cuModuleLoadDataEx); on failure the JIT log is in *log. */
void *jp_cuda_load(const char *ptx, char *log, size_t log_size);
void *jp_cuda_function(void *module, const char *name);
int jp_cuda_launch(void *function, const unsigned grid[3], const unsigned block[3], unsigned shmem,
                   void *stream, void **params);
int jp_cuda_alloc(jp_devptr *ptr, size_t n);
int jp_cuda_free(jp_devptr ptr);
int jp_cuda_htod(jp_devptr dst, const void *src, size_t n);
int jp_cuda_dtoh(void *dst, jp_devptr src, size_t n);
int jp_cuda_sync(void);
/* The driver's text for the last failing call. */
const char *jp_cuda_error(void);

#endif
