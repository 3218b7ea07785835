/* tests/c/test_hsa_runtime.c - gpu/hsa/runtime.c without an AMD GPU: init
 * fails with a reason (the library missing, or no /dev/kfd), every call
 * after it fails cleanly with that reason, and the COV5 hidden arguments
 * land at the offsets LLVM's AMDGPU backend lists (AMDGPUUsage; checked
 * against llc-19 in tests/python/test_roc_runtime.py).
 * Usage: test_hsa_runtime [--hidden-library] */
#include "gpu/hsa/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: FAILED %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                     \
        }                                                                   \
    } while (0)

static uint32_t
u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint16_t
u16(const unsigned char *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static void
test_hidden_args(void)
{
    unsigned char seg[512];
    const uint32_t groups[3] = {4, 3, 1}, items[3] = {64, 2, 1};
    uint64_t q;
    memset(seg, 0xAA, sizeof seg);
    /* explicit arguments end at 145: the block starts at 152 */
    CHECK(jp_hsa_hidden_args(seg, 408, 145, groups, items, 96, 0x1234) == 256);
    CHECK(seg[151] == 0xAA);                          /* padding before it untouched */
    CHECK(u32(seg + 152) == 4 && u32(seg + 156) == 3 && u32(seg + 160) == 1);
    CHECK(u16(seg + 164) == 64 && u16(seg + 166) == 2 && u16(seg + 168) == 1);
    CHECK(u16(seg + 170) == 0 && u16(seg + 172) == 0 && u16(seg + 174) == 0);
    CHECK(u16(seg + 216) == 2);                       /* hidden_grid_dims */
    CHECK(u32(seg + 152 + 120) == 96);                /* hidden_dynamic_lds_size */
    memcpy(&q, seg + 352, 8);
    CHECK(q == 0x1234);                               /* hidden_queue_ptr */
    CHECK(seg[408] == 0xAA);                          /* nothing past the segment */
    /* no room for a hidden block: nothing written */
    memset(seg, 0xAA, sizeof seg);
    CHECK(jp_hsa_hidden_args(seg, 16, 12, groups, items, 0, 0) == 0);
    CHECK(seg[0] == 0xAA && seg[15] == 0xAA);
    /* a partial block (a segment cut short): only what fits */
    CHECK(jp_hsa_hidden_args(seg, 64, 8, groups, items, 0, 0) == 56);
    CHECK(seg[64] == 0xAA);
}

static void
test_no_device(int hidden)
{
    const char *why = NULL, *why2 = NULL;
    uint64_t p = 0;
    jp_hsa_agent_info a[4];
    jp_hsa_kernel k = {0, 0, 0, 0};
    const uint32_t one[3] = {1, 1, 1};
    uint64_t s, e;
    char buf[8];

    if (!hidden && access("/dev/kfd", F_OK) == 0) {
        printf("skip: /dev/kfd exists\n");
        return;
    }
    CHECK(jp_hsa_init(&why) == -1 && why != NULL);
    CHECK(jp_hsa_init(&why2) == -1 && why2 == why);   /* tried once, the answer kept */
    if (hidden)
        CHECK(strstr(why, "libhsa-runtime64.so.1 not found (apt-get install libhsa-runtime64-1)") != NULL);
    else if (strstr(why, "not found") == NULL)          /* the library is installed */
        CHECK(strstr(why, "/dev/kfd") != NULL && strstr(why, "0x1008") != NULL);
    CHECK(jp_hsa_alloc(&p, 64) == -1 && strcmp(jp_hsa_error(), why) == 0);
    CHECK(jp_hsa_agents(a, 4) == -1);
    CHECK(jp_hsa_htod(0, buf, sizeof buf) == -1 && jp_hsa_dtoh(buf, 0, sizeof buf) == -1);
    CHECK(jp_hsa_load("\x7f" "ELF", 4) == NULL && strcmp(jp_hsa_error(), why) == 0);
    CHECK(jp_hsa_launch(&k, one, one, 0, buf, 0, &s, &e) == -1 && s == 0 && e == 0);
    CHECK(jp_hsa_free(0) == 0);
    jp_hsa_unload(NULL);
    printf("reason: %s\n", why);
}

int
main(int argc, char **argv)
{
    int hidden = argc > 1 && strcmp(argv[1], "--hidden-library") == 0;
    if (hidden)
        setenv("JITPROFILE_HSA_LIBRARY", "/nonexistent/libhsa-runtime64.so.1", 1);
    test_hidden_args();
    test_no_device(hidden);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
