/* gpu/hsa/runtime.c - the HSA runtime through dlopen("libhsa-runtime64.so.1"):
 * hsa_init once, the GPU and CPU agents, memory pools (kernarg, fine-grained
 * host, coarse-grained device), copies, code object -> frozen executable ->
 * kernel symbol name.kd, one profiled AQL queue, the dispatch packet with its
 * COV5 hidden arguments, the completion wait, and the kernel's start/end
 * from HSA's own dispatch timestamps mapped onto CLOCK_MONOTONIC.
 * References: hsa.h / hsa_ext_amd.h 5.2.3; LLVM libc's amdhsa-loader;
 * AMDGPUUsage "Code Object V5 Metadata" for the hidden arguments. */
#include "gpu/hsa/runtime.h"
#include "gpu/hsa/hsa_abi.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HSA_SONAME "libhsa-runtime64.so.1"
#define MAX_AGENTS 16

typedef hsa_status_t (*agent_cb)(hsa_agent_t, void *);
typedef hsa_status_t (*pool_cb)(hsa_amd_memory_pool_t, void *);
typedef hsa_status_t (*isa_cb)(hsa_isa_t, void *);
typedef void (*queue_cb)(hsa_status_t, hsa_queue_t *, void *);

static struct {
    int state;                  /* 1 ready, -1 unavailable */
    char why[700];
    void *lib;
    hsa_agent_t gpu, cpu;
    int have_cpu;
    hsa_amd_memory_pool_t kernarg_pool, host_pool, device_pool;
    int have_kernarg, have_host, have_device;
    jp_hsa_agent_info agents[MAX_AGENTS];
    int nagents;
    hsa_agent_t agent_handles[MAX_AGENTS];
    hsa_queue_t *queue;
    volatile int queue_error;   /* a status the queue's callback reported */
    /* HSA system clock -> CLOCK_MONOTONIC: ns = mono0 + (ticks - ticks0) * scale */
    uint64_t ticks0, mono0;
    double ns_per_tick;

    hsa_status_t (*init)(void);
    hsa_status_t (*shut_down)(void);
    hsa_status_t (*status_string)(hsa_status_t, const char **);
    hsa_status_t (*system_get_info)(int, void *);
    hsa_status_t (*iterate_agents)(agent_cb, void *);
    hsa_status_t (*agent_get_info)(hsa_agent_t, int, void *);
    hsa_status_t (*agent_iterate_isas)(hsa_agent_t, isa_cb, void *);
    hsa_status_t (*isa_get_info_alt)(hsa_isa_t, int, void *);
    hsa_status_t (*iterate_pools)(hsa_agent_t, pool_cb, void *);
    hsa_status_t (*pool_get_info)(hsa_amd_memory_pool_t, int, void *);
    hsa_status_t (*pool_allocate)(hsa_amd_memory_pool_t, size_t, uint32_t, void **);
    hsa_status_t (*pool_free)(void *);
    hsa_status_t (*allow_access)(uint32_t, const hsa_agent_t *, const uint32_t *, const void *);
    hsa_status_t (*memory_copy)(void *, const void *, size_t);
    hsa_status_t (*reader_create)(const void *, size_t, hsa_code_object_reader_t *);
    hsa_status_t (*reader_destroy)(hsa_code_object_reader_t);
    hsa_status_t (*exe_create)(int, int, const char *, hsa_executable_t *);
    hsa_status_t (*exe_load)(hsa_executable_t, hsa_agent_t, hsa_code_object_reader_t, const char *,
                             hsa_loaded_code_object_t *);
    hsa_status_t (*exe_freeze)(hsa_executable_t, const char *);
    hsa_status_t (*exe_destroy)(hsa_executable_t);
    hsa_status_t (*exe_symbol)(hsa_executable_t, const char *, const hsa_agent_t *, hsa_executable_symbol_t *);
    hsa_status_t (*symbol_info)(hsa_executable_symbol_t, int, void *);
    hsa_status_t (*queue_create)(hsa_agent_t, uint32_t, uint32_t, queue_cb, void *, uint32_t, uint32_t,
                                 hsa_queue_t **);
    uint64_t (*add_write_index)(const hsa_queue_t *, uint64_t);
    uint64_t (*load_read_index)(const hsa_queue_t *);
    hsa_status_t (*signal_create)(hsa_signal_value_t, uint32_t, const hsa_agent_t *, hsa_signal_t *);
    hsa_status_t (*signal_destroy)(hsa_signal_t);
    void (*signal_store)(hsa_signal_t, hsa_signal_value_t);
    hsa_signal_value_t (*signal_wait)(hsa_signal_t, int, hsa_signal_value_t, uint64_t, int);
    hsa_status_t (*set_profiler_enabled)(hsa_queue_t *, int);
    hsa_status_t (*dispatch_time)(hsa_agent_t, hsa_signal_t, hsa_amd_profiling_dispatch_time_t *);
} H;

struct jp_hsa_exe {
    void *code;                 /* the reader reads from it: kept for the executable's life */
    hsa_code_object_reader_t reader;
    hsa_executable_t exe;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local char last[700];

const char *
jp_hsa_error(void)
{
    return last[0] ? last : H.why;
}

static const char *
status_text(hsa_status_t s)
{
    const char *text = NULL;
    if (H.status_string == NULL || H.status_string(s, &text) != HSA_STATUS_SUCCESS || text == NULL)
        return "unknown status";
    return text;
}

static int
check(hsa_status_t s, const char *what)
{
    if (s == HSA_STATUS_SUCCESS)
        return 0;
    snprintf(last, sizeof last, "%s failed: %s (HSA status 0x%x)", what, status_text(s), (unsigned)s);
    return -1;
}

static void *
sym(const char *name, int *missing)
{
    void *p = dlsym(H.lib, name);
    if (p == NULL)
        (*missing)++;
    return p;
}

static uint64_t
mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
load_symbols(void)
{
    int missing = 0;
    *(void **)&H.init = sym("hsa_init", &missing);
    *(void **)&H.shut_down = sym("hsa_shut_down", &missing);
    *(void **)&H.status_string = sym("hsa_status_string", &missing);
    *(void **)&H.system_get_info = sym("hsa_system_get_info", &missing);
    *(void **)&H.iterate_agents = sym("hsa_iterate_agents", &missing);
    *(void **)&H.agent_get_info = sym("hsa_agent_get_info", &missing);
    *(void **)&H.agent_iterate_isas = sym("hsa_agent_iterate_isas", &missing);
    *(void **)&H.isa_get_info_alt = sym("hsa_isa_get_info_alt", &missing);
    *(void **)&H.iterate_pools = sym("hsa_amd_agent_iterate_memory_pools", &missing);
    *(void **)&H.pool_get_info = sym("hsa_amd_memory_pool_get_info", &missing);
    *(void **)&H.pool_allocate = sym("hsa_amd_memory_pool_allocate", &missing);
    *(void **)&H.pool_free = sym("hsa_amd_memory_pool_free", &missing);
    *(void **)&H.allow_access = sym("hsa_amd_agents_allow_access", &missing);
    *(void **)&H.memory_copy = sym("hsa_memory_copy", &missing);
    *(void **)&H.reader_create = sym("hsa_code_object_reader_create_from_memory", &missing);
    *(void **)&H.reader_destroy = sym("hsa_code_object_reader_destroy", &missing);
    *(void **)&H.exe_create = sym("hsa_executable_create_alt", &missing);
    *(void **)&H.exe_load = sym("hsa_executable_load_agent_code_object", &missing);
    *(void **)&H.exe_freeze = sym("hsa_executable_freeze", &missing);
    *(void **)&H.exe_destroy = sym("hsa_executable_destroy", &missing);
    *(void **)&H.exe_symbol = sym("hsa_executable_get_symbol_by_name", &missing);
    *(void **)&H.symbol_info = sym("hsa_executable_symbol_get_info", &missing);
    *(void **)&H.queue_create = sym("hsa_queue_create", &missing);
    *(void **)&H.add_write_index = sym("hsa_queue_add_write_index_relaxed", &missing);
    *(void **)&H.load_read_index = sym("hsa_queue_load_read_index_scacquire", &missing);
    *(void **)&H.signal_create = sym("hsa_signal_create", &missing);
    *(void **)&H.signal_destroy = sym("hsa_signal_destroy", &missing);
    *(void **)&H.signal_store = sym("hsa_signal_store_screlease", &missing);
    *(void **)&H.signal_wait = sym("hsa_signal_wait_scacquire", &missing);
    *(void **)&H.set_profiler_enabled = sym("hsa_amd_profiling_set_profiler_enabled", &missing);
    *(void **)&H.dispatch_time = sym("hsa_amd_profiling_get_dispatch_time", &missing);
    return missing;
}

static hsa_status_t
isa_name(hsa_isa_t isa, void *data)
{
    char *out = data;
    uint32_t len = 0;
    char buf[256];
    if (H.isa_get_info_alt(isa, HSA_ISA_INFO_NAME_LENGTH, &len) != HSA_STATUS_SUCCESS || len >= sizeof buf)
        return HSA_STATUS_SUCCESS;
    memset(buf, 0, sizeof buf);
    if (H.isa_get_info_alt(isa, HSA_ISA_INFO_NAME, buf) != HSA_STATUS_SUCCESS)
        return HSA_STATUS_SUCCESS;
    snprintf(out, sizeof ((jp_hsa_agent_info *)0)->isa, "%.127s", buf);
    return HSA_STATUS_INFO_BREAK;       /* the first (the agent's own) is enough */
}

static hsa_status_t
visit_agent(hsa_agent_t agent, void *unused)
{
    uint32_t device = 0, feature = 0;
    jp_hsa_agent_info *a;
    (void)unused;
    if (H.agent_get_info(agent, HSA_AGENT_INFO_DEVICE, &device) != HSA_STATUS_SUCCESS)
        return HSA_STATUS_SUCCESS;
    if (device == HSA_DEVICE_TYPE_CPU && !H.have_cpu) {
        H.cpu = agent;
        H.have_cpu = 1;
    }
    if (device != HSA_DEVICE_TYPE_GPU || H.nagents == MAX_AGENTS)
        return HSA_STATUS_SUCCESS;
    H.agent_get_info(agent, HSA_AGENT_INFO_FEATURE, &feature);
    if (!(feature & HSA_AGENT_FEATURE_KERNEL_DISPATCH))
        return HSA_STATUS_SUCCESS;
    a = &H.agents[H.nagents];
    memset(a, 0, sizeof *a);
    a->is_gpu = 1;
    H.agent_get_info(agent, HSA_AGENT_INFO_NAME, a->name);
    a->name[sizeof a->name - 1] = '\0';
    H.agent_get_info(agent, HSA_AMD_AGENT_INFO_PRODUCT_NAME, a->product);
    a->product[sizeof a->product - 1] = '\0';
    H.agent_get_info(agent, HSA_AGENT_INFO_WAVEFRONT_SIZE, &a->wavefront);
    H.agent_get_info(agent, HSA_AMD_AGENT_INFO_COMPUTE_UNIT_COUNT, &a->compute_units);
    H.agent_get_info(agent, HSA_AGENT_INFO_QUEUE_MAX_SIZE, &a->queue_max);
    H.agent_iterate_isas(agent, isa_name, a->isa);
    H.agent_handles[H.nagents++] = agent;
    return HSA_STATUS_SUCCESS;
}

/* Pools of the CPU agent (kernarg, fine-grained host) and of the GPU
 * (coarse-grained device memory). */
static hsa_status_t
visit_pool(hsa_amd_memory_pool_t pool, void *is_gpu)
{
    uint32_t segment = 0, flags = 0;
    int alloc_ok = 0;
    if (H.pool_get_info(pool, HSA_AMD_MEMORY_POOL_INFO_SEGMENT, &segment) != HSA_STATUS_SUCCESS
        || segment != HSA_AMD_SEGMENT_GLOBAL)
        return HSA_STATUS_SUCCESS;
    H.pool_get_info(pool, HSA_AMD_MEMORY_POOL_INFO_RUNTIME_ALLOC_ALLOWED, &alloc_ok);
    if (!alloc_ok || H.pool_get_info(pool, HSA_AMD_MEMORY_POOL_INFO_GLOBAL_FLAGS, &flags) != HSA_STATUS_SUCCESS)
        return HSA_STATUS_SUCCESS;
    if (*(int *)is_gpu) {
        if ((flags & HSA_AMD_MEMORY_POOL_GLOBAL_FLAG_COARSE_GRAINED) && !H.have_device) {
            H.device_pool = pool;
            H.have_device = 1;
        }
        return HSA_STATUS_SUCCESS;
    }
    if ((flags & HSA_AMD_MEMORY_POOL_GLOBAL_FLAG_KERNARG_INIT) && !H.have_kernarg) {
        H.kernarg_pool = pool;
        H.have_kernarg = 1;
    }
    if ((flags & HSA_AMD_MEMORY_POOL_GLOBAL_FLAG_FINE_GRAINED) && !H.have_host) {
        H.host_pool = pool;
        H.have_host = 1;
    }
    return HSA_STATUS_SUCCESS;
}

static void
on_queue_error(hsa_status_t status, hsa_queue_t *q, void *unused)
{
    (void)q;
    (void)unused;
    __atomic_store_n(&H.queue_error, status, __ATOMIC_RELEASE);
}

/* Read the HSA system clock and CLOCK_MONOTONIC together (the tightest of
 * a few tries): the line that maps dispatch times onto the sampler's clock. */
static void
clock_anchor(void)
{
    uint64_t freq = 0, best = UINT64_MAX;
    H.ns_per_tick = 0.0;
    if (H.system_get_info(HSA_SYSTEM_INFO_TIMESTAMP_FREQUENCY, &freq) != HSA_STATUS_SUCCESS || freq == 0)
        return;
    H.ns_per_tick = 1e9 / (double)freq;
    for (int i = 0; i < 5; i++) {
        uint64_t a = mono_ns(), t = 0, b;
        if (H.system_get_info(HSA_SYSTEM_INFO_TIMESTAMP, &t) != HSA_STATUS_SUCCESS)
            return;
        b = mono_ns();
        if (b - a < best) {
            best = b - a;
            H.ticks0 = t;
            H.mono0 = a + (b - a) / 2;
        }
    }
}

static uint64_t
ticks_to_mono(uint64_t t)
{
    double d;
    if (H.ns_per_tick == 0.0 || t == 0)
        return 0;
    d = (double)(int64_t)(t - H.ticks0) * H.ns_per_tick;
    return (uint64_t)((int64_t)H.mono0 + (int64_t)d);
}

static void
fail(const char *fmt, const char *a, const char *b)
{
    snprintf(H.why, sizeof H.why, fmt, a, b);
    H.state = -1;
}

static void
init_once(void)
{
    const char *env = getenv("JITPROFILE_HSA_LIBRARY");
    const char *libname = env && env[0] ? env : HSA_SONAME;
    hsa_status_t s;
    int is_gpu;
    uint32_t qsize;

    H.state = -1;
    H.lib = dlopen(libname, RTLD_NOW | RTLD_LOCAL);
    if (H.lib == NULL) {
        const char *err = dlerror();
        fail("no AMD GPU runtime: " HSA_SONAME " not found (apt-get install libhsa-runtime64-1): %s%s",
             err ? err : libname, "");
        return;
    }
    if (load_symbols() != 0) {
        fail("%s lacks HSA entry points (hsa_init, hsa_amd_*)%s", libname, "");
        return;
    }
    if ((s = H.init()) != HSA_STATUS_SUCCESS) {
        char status[300];
        const char *kfd = access("/dev/kfd", F_OK) != 0
                              ? "/dev/kfd does not exist: no AMD GPU or no amdgpu kernel driver"
                          : access("/dev/kfd", R_OK | W_OK) != 0
                              ? "/dev/kfd is not readable and writable by this user (the render group)"
                              : "/dev/kfd is present";
        snprintf(status, sizeof status, "hsa_init failed with 0x%x (%s)", (unsigned)s, status_text(s));
        fail("no AMD GPU: %s; %s", status, kfd);
        return;
    }
    H.iterate_agents(visit_agent, NULL);
    if (H.nagents == 0 || !H.have_cpu) {
        H.shut_down();
        fail("no AMD GPU: the HSA runtime found %s%s", H.nagents ? "no CPU agent" : "no GPU agent with kernel dispatch",
             "");
        return;
    }
    H.gpu = H.agent_handles[0];
    is_gpu = 0;
    H.iterate_pools(H.cpu, visit_pool, &is_gpu);
    is_gpu = 1;
    H.iterate_pools(H.gpu, visit_pool, &is_gpu);
    if (!H.have_kernarg || !H.have_device) {
        H.shut_down();
        fail("no AMD GPU: the HSA runtime offers no %s memory pool%s", H.have_kernarg ? "device" : "kernarg", "");
        return;
    }
    qsize = H.agents[0].queue_max;
    if (qsize == 0 || qsize > 1024)
        qsize = 1024;
    if ((s = H.queue_create(H.gpu, qsize, HSA_QUEUE_TYPE_MULTI, on_queue_error, NULL, UINT32_MAX, UINT32_MAX,
                            &H.queue)) != HSA_STATUS_SUCCESS) {
        check(s, "hsa_queue_create");
        H.shut_down();
        fail("no AMD GPU: %.600s%s", last, "");
        return;
    }
    H.set_profiler_enabled(H.queue, 1);
    clock_anchor();
    H.state = 1;
}

int
jp_hsa_init(const char **why)
{
    pthread_once(&once, init_once);
    if (H.state == 1)
        return 0;
    *why = H.why;
    return -1;
}

static int
ready(void)
{
    const char *why;
    if (jp_hsa_init(&why) == 0)
        return 0;
    snprintf(last, sizeof last, "%s", why);
    return -1;
}

int
jp_hsa_agents(jp_hsa_agent_info *out, int cap)
{
    int n = 0;
    if (ready() < 0)
        return -1;
    for (; n < H.nagents && n < cap; n++)
        out[n] = H.agents[n];
    return n;
}

int
jp_hsa_alloc(uint64_t *ptr, size_t n)
{
    void *p = NULL;
    if (ready() < 0)
        return -1;
    if (check(H.pool_allocate(H.device_pool, n ? n : 1, 0, &p), "hsa_amd_memory_pool_allocate") < 0)
        return -1;
    *ptr = (uint64_t)(uintptr_t)p;
    return 0;
}

int
jp_hsa_free(uint64_t ptr)
{
    if (H.state != 1 || ptr == 0)
        return 0;
    return check(H.pool_free((void *)(uintptr_t)ptr), "hsa_amd_memory_pool_free");
}

int
jp_hsa_htod(uint64_t dst, const void *src, size_t n)
{
    if (ready() < 0)
        return -1;
    return n ? check(H.memory_copy((void *)(uintptr_t)dst, src, n), "hsa_memory_copy") : 0;
}

int
jp_hsa_dtoh(void *dst, uint64_t src, size_t n)
{
    if (ready() < 0)
        return -1;
    return n ? check(H.memory_copy(dst, (const void *)(uintptr_t)src, n), "hsa_memory_copy") : 0;
}

jp_hsa_exe *
jp_hsa_load(const void *code, size_t size)
{
    jp_hsa_exe *e;
    if (ready() < 0)
        return NULL;
    if ((e = calloc(1, sizeof *e)) == NULL || (e->code = malloc(size ? size : 1)) == NULL) {
        free(e);
        snprintf(last, sizeof last, "out of memory");
        return NULL;
    }
    memcpy(e->code, code, size);
    if (check(H.reader_create(e->code, size, &e->reader), "hsa_code_object_reader_create_from_memory") < 0)
        goto fail_code;
    if (check(H.exe_create(HSA_PROFILE_FULL, HSA_DEFAULT_FLOAT_ROUNDING_MODE_DEFAULT, NULL, &e->exe),
              "hsa_executable_create_alt") < 0)
        goto fail_reader;
    if (check(H.exe_load(e->exe, H.gpu, e->reader, NULL, NULL), "hsa_executable_load_agent_code_object") < 0
        || check(H.exe_freeze(e->exe, NULL), "hsa_executable_freeze") < 0)
        goto fail_exe;
    return e;
fail_exe:
    H.exe_destroy(e->exe);
fail_reader:
    H.reader_destroy(e->reader);
fail_code:
    free(e->code);
    free(e);
    return NULL;
}

void
jp_hsa_unload(jp_hsa_exe *e)
{
    if (e == NULL)
        return;
    if (H.state == 1) {
        H.exe_destroy(e->exe);          /* the executable before its reader (hsa.h) */
        H.reader_destroy(e->reader);
    }
    free(e->code);
    free(e);
}

int
jp_hsa_kernel_get(jp_hsa_exe *e, const char *name, jp_hsa_kernel *out)
{
    char kd[512];
    hsa_executable_symbol_t s;
    if (ready() < 0)
        return -1;
    snprintf(kd, sizeof kd, "%.500s.kd", name);
    if (check(H.exe_symbol(e->exe, kd, &H.gpu, &s), "hsa_executable_get_symbol_by_name") < 0) {
        size_t k = strlen(last);
        snprintf(last + k, sizeof last - k, ": no kernel %.300s in the code object", kd);
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (check(H.symbol_info(s, HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_OBJECT, &out->object),
              "hsa_executable_symbol_get_info") < 0
        || check(H.symbol_info(s, HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_KERNARG_SEGMENT_SIZE, &out->kernarg_size),
                 "hsa_executable_symbol_get_info") < 0
        || check(H.symbol_info(s, HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_GROUP_SEGMENT_SIZE, &out->group_size),
                 "hsa_executable_symbol_get_info") < 0
        || check(H.symbol_info(s, HSA_EXECUTABLE_SYMBOL_INFO_KERNEL_PRIVATE_SEGMENT_SIZE, &out->private_size),
                 "hsa_executable_symbol_get_info") < 0)
        return -1;
    return 0;
}

/* COV5 hidden kernel arguments (AMDGPUUsage, "Code Object V5 Metadata"),
 * offsets from the start of the hidden block, which LLVM places at the
 * explicit arguments' end aligned to 8. */
enum {
    HID_BLOCK_COUNT = 0,        /* u32 x3: workgroups per dimension */
    HID_GROUP_SIZE = 12,        /* u16 x3 */
    HID_REMAINDER = 18,         /* u16 x3: items of the partial last group */
    HID_GLOBAL_OFFSET = 40,     /* u64 x3 */
    HID_GRID_DIMS = 64,         /* u16 */
    HID_DYNAMIC_LDS = 120,      /* u32: hidden_dynamic_lds_size */
    HID_QUEUE_PTR = 200,        /* u64: the hsa_queue_t the packet is on */
    HID_SIZE = 256,
    /* left 0: printf/hostcall buffers, multigrid sync, heap, default queue,
     * completion action (none of them is used by jitprofile's kernels) */
};

size_t
jp_hsa_hidden_args(unsigned char *seg, size_t seg_size, size_t explicit_end, const uint32_t groups[3],
                   const uint32_t items[3], uint32_t dynamic_lds, uint64_t queue)
{
    size_t base = (explicit_end + 7) & ~(size_t)7, n;
    uint16_t dims = groups[2] * items[2] > 1 ? 3 : groups[1] * items[1] > 1 ? 2 : 1;
    unsigned char hid[HID_SIZE];
    if (seg_size <= base)
        return 0;
    memset(hid, 0, sizeof hid);
    for (int d = 0; d < 3; d++) {
        uint32_t count = groups[d];
        uint16_t size = (uint16_t)items[d], rem = 0;    /* groups * items: no partial group */
        memcpy(hid + HID_BLOCK_COUNT + 4 * d, &count, 4);
        memcpy(hid + HID_GROUP_SIZE + 2 * d, &size, 2);
        memcpy(hid + HID_REMAINDER + 2 * d, &rem, 2);
    }
    memcpy(hid + HID_GRID_DIMS, &dims, 2);
    memcpy(hid + HID_DYNAMIC_LDS, &dynamic_lds, 4);
    memcpy(hid + HID_QUEUE_PTR, &queue, 8);
    n = seg_size - base < HID_SIZE ? seg_size - base : HID_SIZE;
    memcpy(seg + base, hid, n);
    return n;
}

static uint16_t
packet_header(void)
{
    return (uint16_t)(HSA_PACKET_TYPE_KERNEL_DISPATCH << HSA_PACKET_HEADER_TYPE
                      | 1 << HSA_PACKET_HEADER_BARRIER
                      | HSA_FENCE_SCOPE_SYSTEM << HSA_PACKET_HEADER_SCACQUIRE_FENCE_SCOPE
                      | HSA_FENCE_SCOPE_SYSTEM << HSA_PACKET_HEADER_SCRELEASE_FENCE_SCOPE);
}

int
jp_hsa_launch(const jp_hsa_kernel *k, const uint32_t groups[3], const uint32_t items[3], uint32_t dynamic_lds,
              const void *args, size_t size, uint64_t *start_ns, uint64_t *end_ns)
{
    size_t seg_size = k->kernarg_size > size ? k->kernarg_size : size;
    void *seg = NULL;
    hsa_signal_t done = {0};
    hsa_kernel_dispatch_packet_t *pkt;
    hsa_amd_profiling_dispatch_time_t t = {0, 0};
    uint64_t id, grid[3];
    uint16_t dims;
    int rc = -1;

    *start_ns = *end_ns = 0;
    if (ready() < 0)
        return -1;
    if (__atomic_load_n(&H.queue_error, __ATOMIC_ACQUIRE) != 0)
        return check(H.queue_error, "the kernel queue (broken by an earlier kernel's error)");
    for (int d = 0; d < 3; d++) {
        grid[d] = (uint64_t)groups[d] * items[d];
        if (items[d] == 0 || groups[d] == 0 || items[d] > 1024 || grid[d] > UINT32_MAX) {
            snprintf(last, sizeof last, "bad launch dimension %d: %u groups of %u items", d, groups[d], items[d]);
            return -1;
        }
    }
    if (size > k->kernarg_size) {
        /* the argument types do not match the kernel: refuse rather than run on garbage */
        snprintf(last, sizeof last, "the kernel takes %u bytes of arguments, %zu given (argument types do not match"
                 " the code object's kernel)", k->kernarg_size, size);
        return -1;
    }
    dims = grid[2] > 1 ? 3 : grid[1] > 1 ? 2 : 1;
    if (check(H.pool_allocate(H.kernarg_pool, seg_size < 16 ? 16 : seg_size, 0, &seg),
              "hsa_amd_memory_pool_allocate (kernarg)") < 0)
        return -1;
    if (check(H.allow_access(1, &H.gpu, NULL, seg), "hsa_amd_agents_allow_access") < 0)
        goto out;
    memset(seg, 0, seg_size);
    memcpy(seg, args, size);
    jp_hsa_hidden_args(seg, seg_size, size, groups, items, dynamic_lds, (uint64_t)(uintptr_t)H.queue);
    if (check(H.signal_create(1, 0, NULL, &done), "hsa_signal_create") < 0)
        goto out;

    pthread_mutex_lock(&queue_lock);    /* one producer at a time keeps the ring simple */
    id = H.add_write_index(H.queue, 1);
    while (id - H.load_read_index(H.queue) >= H.queue->size)
        sched_yield();
    pkt = (hsa_kernel_dispatch_packet_t *)H.queue->base_address + (id & (H.queue->size - 1));
    pkt->workgroup_size_x = (uint16_t)items[0];
    pkt->workgroup_size_y = (uint16_t)items[1];
    pkt->workgroup_size_z = (uint16_t)items[2];
    pkt->reserved0 = 0;
    pkt->grid_size_x = (uint32_t)grid[0];
    pkt->grid_size_y = (uint32_t)grid[1];
    pkt->grid_size_z = (uint32_t)grid[2];
    pkt->private_segment_size = k->private_size;
    pkt->group_segment_size = k->group_size + dynamic_lds;
    pkt->kernel_object = k->object;
    pkt->kernarg_address = seg;
    pkt->reserved2 = 0;
    pkt->completion_signal = done;
    __atomic_store_n((uint32_t *)pkt,
                     (uint32_t)packet_header() | (uint32_t)dims << (16 + HSA_KERNEL_DISPATCH_PACKET_SETUP_DIMENSIONS),
                     __ATOMIC_RELEASE);
    H.signal_store(H.queue->doorbell_signal, (hsa_signal_value_t)id);
    pthread_mutex_unlock(&queue_lock);

    /* wait in slices (the timeout is a hint in system-clock ticks: ~100 ms at
     * the usual 1 GHz) so that a queue error ends the wait */
    while (H.signal_wait(done, HSA_SIGNAL_CONDITION_EQ, 0, 100000000u, HSA_WAIT_STATE_BLOCKED) != 0) {
        int qerr = __atomic_load_n(&H.queue_error, __ATOMIC_ACQUIRE);
        if (qerr != 0) {
            check(qerr, "the kernel's queue");
            goto out_signal_leak;
        }
    }
    if (H.dispatch_time(H.gpu, done, &t) == HSA_STATUS_SUCCESS) {
        *start_ns = ticks_to_mono(t.start);
        *end_ns = ticks_to_mono(t.end);
    }
    rc = 0;
    H.signal_destroy(done);
out:
    if (seg)
        H.pool_free(seg);
    return rc;
out_signal_leak:
    /* the packet may still reference the signal and the kernarg segment:
     * both are left allocated rather than freed under the device */
    return -1;
}
