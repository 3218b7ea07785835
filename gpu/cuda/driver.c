/* gpu/cuda/driver.c - the CUDA Driver API through dlopen("libcuda.so.1")
 * with the versioned entry points (cuMemAlloc_v2, ...), the device's
 * primary context, and the error text of the last failure. */
#include "gpu/cuda/driver.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;

static struct {
    int state;              /* 0 untried, 1 ready, -1 unavailable */
    char why[600];
    char last[512];
    void *lib;
    CUdevice dev;
    CUcontext ctx;
    CUresult (*cuInit)(unsigned);
    CUresult (*cuDeviceGetCount)(int *);
    CUresult (*cuDeviceGet)(CUdevice *, int);
    CUresult (*cuDeviceGetName)(char *, int, CUdevice);
    CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
    CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
    CUresult (*cuCtxSetCurrent)(CUcontext);
    CUresult (*cuModuleLoadDataEx)(void **, const void *, unsigned, int *, void **);
    CUresult (*cuModuleGetFunction)(void **, void *, const char *);
    CUresult (*cuLaunchKernel)(void *, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                               void *, void **, void **);
    CUresult (*cuMemAlloc)(jp_devptr *, size_t);
    CUresult (*cuMemFree)(jp_devptr);
    CUresult (*cuMemcpyHtoD)(jp_devptr, const void *, size_t);
    CUresult (*cuMemcpyDtoH)(void *, jp_devptr, size_t);
    CUresult (*cuCtxSynchronize)(void);
    CUresult (*cuGetErrorString)(CUresult, const char **);
} D;

#define CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR 75
#define CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR 76
#define CU_JIT_ERROR_LOG_BUFFER 5
#define CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES 6

static int
check(CUresult r, const char *what)
{
    const char *text = NULL;
    if (r == 0)
        return 0;
    if (D.cuGetErrorString)
        D.cuGetErrorString(r, &text);
    snprintf(D.last, sizeof D.last, "%s failed: %s (CUDA error %d)", what, text ? text : "unknown", r);
    return -1;
}

const char *
jp_cuda_error(void)
{
    return D.last[0] ? D.last : D.why;
}

static void *
sym(const char *name)
{
    return D.lib ? dlsym(D.lib, name) : NULL;
}

int
jp_cuda_init(const char **why)
{
    int count = 0;
    if (D.state == 1)
        return 0;
    if (D.state == -1) {
        *why = D.why;
        return -1;
    }
    D.state = -1;
    D.lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (D.lib == NULL) {
        snprintf(D.why, sizeof D.why, "no CUDA driver: libcuda.so.1 cannot be loaded (%s)", dlerror());
        *why = D.why;
        return -1;
    }
    *(void **)&D.cuInit = sym("cuInit");
    *(void **)&D.cuDeviceGetCount = sym("cuDeviceGetCount");
    *(void **)&D.cuDeviceGet = sym("cuDeviceGet");
    *(void **)&D.cuDeviceGetName = sym("cuDeviceGetName");
    *(void **)&D.cuDeviceGetAttribute = sym("cuDeviceGetAttribute");
    *(void **)&D.cuDevicePrimaryCtxRetain = sym("cuDevicePrimaryCtxRetain");
    *(void **)&D.cuCtxSetCurrent = sym("cuCtxSetCurrent");
    *(void **)&D.cuModuleLoadDataEx = sym("cuModuleLoadDataEx");
    *(void **)&D.cuModuleGetFunction = sym("cuModuleGetFunction");
    *(void **)&D.cuLaunchKernel = sym("cuLaunchKernel");
    *(void **)&D.cuMemAlloc = sym("cuMemAlloc_v2");
    *(void **)&D.cuMemFree = sym("cuMemFree_v2");
    *(void **)&D.cuMemcpyHtoD = sym("cuMemcpyHtoD_v2");
    *(void **)&D.cuMemcpyDtoH = sym("cuMemcpyDtoH_v2");
    *(void **)&D.cuCtxSynchronize = sym("cuCtxSynchronize");
    *(void **)&D.cuGetErrorString = sym("cuGetErrorString");
    if (!D.cuInit || !D.cuDeviceGet || !D.cuDevicePrimaryCtxRetain || !D.cuModuleLoadDataEx
        || !D.cuLaunchKernel || !D.cuMemAlloc || !D.cuMemcpyHtoD || !D.cuMemcpyDtoH) {
        snprintf(D.why, sizeof D.why, "libcuda.so.1 lacks Driver API entry points");
        *why = D.why;
        return -1;
    }
    if (check(D.cuInit(0), "cuInit") < 0 || check(D.cuDeviceGetCount(&count), "cuDeviceGetCount") < 0) {
        snprintf(D.why, sizeof D.why, "%s", D.last);
        *why = D.why;
        return -1;
    }
    if (count == 0) {
        snprintf(D.why, sizeof D.why, "no CUDA device is present");
        *why = D.why;
        return -1;
    }
    if (check(D.cuDeviceGet(&D.dev, 0), "cuDeviceGet") < 0
        || check(D.cuDevicePrimaryCtxRetain(&D.ctx, D.dev), "cuDevicePrimaryCtxRetain") < 0
        || check(D.cuCtxSetCurrent(D.ctx), "cuCtxSetCurrent") < 0) {
        snprintf(D.why, sizeof D.why, "%s", D.last);
        *why = D.why;
        return -1;
    }
    D.state = 1;
    return 0;
}

int
jp_cuda_device(char *name, size_t size, int *cc)
{
    int major = 0, minor = 0;
    if (D.state != 1)
        return -1;
    if (D.cuDeviceGetName)
        D.cuDeviceGetName(name, (int)size, D.dev);
    D.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, D.dev);
    D.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, D.dev);
    *cc = major * 10 + minor;
    return 0;
}

void *
jp_cuda_load(const char *ptx, char *log, size_t log_size)
{
    void *module = NULL;
    int options[2] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[2] = {log, (void *)(uintptr_t)log_size};
    log[0] = '\0';
    D.cuCtxSetCurrent(D.ctx);
    if (check(D.cuModuleLoadDataEx(&module, ptx, 2, options, values), "cuModuleLoadDataEx") < 0)
        return NULL;
    return module;
}

void *
jp_cuda_function(void *module, const char *name)
{
    void *fn = NULL;
    if (check(D.cuModuleGetFunction(&fn, module, name), "cuModuleGetFunction") < 0)
        return NULL;
    return fn;
}

int
jp_cuda_launch(void *function, const unsigned grid[3], const unsigned block[3], unsigned shmem, void *stream,
               void **params)
{
    D.cuCtxSetCurrent(D.ctx);
    return check(D.cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0], block[1], block[2], shmem,
                                  stream, params, NULL), "cuLaunchKernel");
}

int
jp_cuda_alloc(jp_devptr *ptr, size_t n)
{
    D.cuCtxSetCurrent(D.ctx);
    return check(D.cuMemAlloc(ptr, n ? n : 1), "cuMemAlloc");
}

int
jp_cuda_free(jp_devptr ptr)
{
    return D.state == 1 ? check(D.cuMemFree(ptr), "cuMemFree") : 0;
}

int
jp_cuda_htod(jp_devptr dst, const void *src, size_t n)
{
    return n ? check(D.cuMemcpyHtoD(dst, src, n), "cuMemcpyHtoD") : 0;
}

int
jp_cuda_dtoh(void *dst, jp_devptr src, size_t n)
{
    return n ? check(D.cuMemcpyDtoH(dst, src, n), "cuMemcpyDtoH") : 0;
}

int
jp_cuda_sync(void)
{
    return D.cuCtxSynchronize ? check(D.cuCtxSynchronize(), "cuCtxSynchronize") : 0;
}
