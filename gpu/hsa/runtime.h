/* gpu/hsa/runtime.h - the HSA runtime (AMD GPUs), loaded with dlopen
 * (runtime.c): the package builds, imports and tests on machines without
 * the library or a GPU; every call then fails with the reason. */
#ifndef JP_HSA_RUNTIME_H
#define JP_HSA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

typedef struct jp_hsa_agent_info {
    char name[64];          /* "gfx90a" */
    char isa[128];          /* "amdgcn-amd-amdhsa--gfx90a:sramecc+:xnack-" */
    char product[64];       /* marketing name, may be empty */
    uint32_t wavefront, compute_units, queue_max;
    int is_gpu;
} jp_hsa_agent_info;

typedef struct jp_hsa_kernel {
    uint64_t object;        /* the kernel descriptor's address */
    uint32_t kernarg_size, group_size, private_size;
} jp_hsa_kernel;

typedef struct jp_hsa_exe jp_hsa_exe;

/* 0 when an AMD GPU is usable (hsa_init done once, thread-safe); else -1
 * and *why says what is missing.  JITPROFILE_HSA_LIBRARY overrides the
 * library's name (tests hide it with a path that does not exist). */
int jp_hsa_init(const char **why);
/* The agents (GPUs first, the device kernels run on is index 0); the count
 * filled, at most cap. */
int jp_hsa_agents(jp_hsa_agent_info *out, int cap);
/* Device memory (coarse-grained, the GPU's own pool). */
int jp_hsa_alloc(uint64_t *ptr, size_t n);
int jp_hsa_free(uint64_t ptr);
/* Synchronous copies (hsa_memory_copy) between host memory and the device. */
int jp_hsa_htod(uint64_t dst, const void *src, size_t n);
int jp_hsa_dtoh(void *dst, uint64_t src, size_t n);
/* Load a code object (a copy of it is kept) into a frozen executable. */
jp_hsa_exe *jp_hsa_load(const void *code, size_t size);
void jp_hsa_unload(jp_hsa_exe *exe);
/* The kernel `name` (its symbol name.kd) of an executable. */
int jp_hsa_kernel_get(jp_hsa_exe *exe, const char *name, jp_hsa_kernel *out);
/* Dispatch k on groups[3] workgroups of items[3] work-items with the
 * explicit arguments args[0..size) (hidden COV5 arguments are appended
 * when the kernarg segment has room for them) and wait for it.  The
 * kernel's start/end on CLOCK_MONOTONIC (ns) in start_ns / end_ns (0 when
 * the runtime gives no times).  Call without the GIL. */
int jp_hsa_launch(const jp_hsa_kernel *k, const uint32_t groups[3], const uint32_t items[3],
                  uint32_t dynamic_lds, const void *args, size_t size, uint64_t *start_ns,
                  uint64_t *end_ns);
/* The text of this thread's last failing call. */
const char *jp_hsa_error(void);
/* Write the COV5 hidden arguments into seg[0..seg_size) after
 * `explicit_end` bytes of explicit ones (at that end aligned to 8, as LLVM
 * places them); the bytes filled, 0 when the segment has no room (a
 * kernel that uses none).  queue: the hsa_queue_t's address. */
size_t jp_hsa_hidden_args(unsigned char *seg, size_t seg_size, size_t explicit_end,
                          const uint32_t groups[3], const uint32_t items[3], uint32_t dynamic_lds,
                          uint64_t queue);

#endif
