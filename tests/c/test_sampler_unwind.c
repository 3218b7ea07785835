/* tests/c/test_sampler_unwind.c - native capture from a real SIGPROF:
 * libunwind steps through C frames, and through a "JIT" stub (machine code
 * in anonymous memory, no unwind info, registered in the JIT symbol
 * registry) by its frame pointer; the ELF symbolizer names the frames from
 * .symtab (static functions) and .dynsym (libm). */
#define _GNU_SOURCE
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "jit/symbols.h"
#include "sampler/symbolize_elf.h"
#include "sampler/unwind.h"

#define CHECK(c)                                                            \
    do {                                                                    \
        if (!(c)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
            return 1;                                                       \
        }                                                                   \
    } while (0)

static uint64_t ips[256];
static int n_ips, truncated;

static void
on_prof(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    n_ips = jp_unwind_capture(uc, ips, 256, &truncated);
}

__attribute__((noinline)) static void
leaf_callback(void)
{
    raise(SIGPROF);
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static int
outer_c_function(void (*stub)(void (*)(void)))
{
    stub(leaf_callback);
    __asm__ volatile("" ::: "memory");
    return n_ips;
}

static int
find_name(const char *want)
{
    for (int i = 0; i < n_ips; i++) {
        jp_native_sym s;
        jp_symbolize((uintptr_t)ips[i] - (i > 0), &s);
        if (s.function && strcmp(s.function, want) == 0)
            return i;
    }
    return -1;
}

int
main(void)
{
    /* push rbp; mov rbp,rsp; call rdi; pop rbp; ret */
    static const unsigned char code[] = {0x55, 0x48, 0x89, 0xe5, 0xff, 0xd7, 0x5d, 0xc3};
    struct sigaction sa;
    unsigned char *mem;
    int i_leaf, i_outer, i_jit = -1;
    jp_native_sym s;
    double (*volatile cosp)(double) = cos;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_prof;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGPROF, &sa, NULL);

    mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(mem != MAP_FAILED);
    memcpy(mem, code, sizeof code);
    CHECK(jp_symbols_add((uintptr_t)mem, (uintptr_t)mem + sizeof code, "stub",
                         "float64", "fake.py", 7, NULL, 0) == 0);

    CHECK(outer_c_function((void (*)(void (*)(void)))mem) > 3);
    i_leaf = find_name("leaf_callback");
    i_outer = find_name("outer_c_function");
    for (int i = 0; i < n_ips; i++)
        if (jp_symbols_find(ips[i] - (i > 0)) != NULL)
            i_jit = i;
    CHECK(i_leaf >= 0);
    CHECK(i_jit > i_leaf);          /* stepped into the stub ... */
    CHECK(i_outer > i_jit);         /* ... and out of it, by rbp */
    CHECK(find_name("main") > i_outer);
    CHECK(strcmp(jp_symbols_find(ips[i_jit] - 1)->display, "stub [jit float64]") == 0);

    jp_symbolize((uintptr_t)(void *)cosp + 1, &s);
    CHECK(s.function != NULL && strstr(s.function, "cos") != NULL);
    CHECK(strstr(s.object_short, "libm") != NULL);
    jp_symbolize(4096, &s);
    CHECK(s.function == NULL);
    jp_symbolize_reset();
    printf("ok: %d frames, jit frame at %d\n", n_ips, i_jit);
    return 0;
}
