/* jit/random.c - np.random inside jit code: its own Mersenne Twister state
 * per thread (like Numba), seeded and drawn exactly as NumPy's legacy
 * RandomState does, so np.random.seed(s) followed by random(), normal(),
 * uniform() or randint() in jit code gives NumPy's own sequence. */
#include "jit/random.h"

#include <math.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#define MT_N 624
#define MT_M 397

typedef struct mt_state {
    uint32_t key[MT_N];
    int pos;
    int has_gauss;
    double gauss;
    int seeded;
} mt_state;

static __thread mt_state state;

void
jp_random_seed(uint32_t seed)
{
    state.key[0] = seed;
    for (int i = 1; i < MT_N; i++)
        state.key[i] = 1812433253u * (state.key[i - 1] ^ (state.key[i - 1] >> 30)) + (uint32_t)i;
    state.pos = MT_N;
    state.has_gauss = 0;
    state.gauss = 0.0;
    state.seeded = 1;
}

static void
mt_generate(void)
{
    static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
    int kk;
    uint32_t y;
    for (kk = 0; kk < MT_N - MT_M; kk++) {
        y = (state.key[kk] & 0x80000000u) | (state.key[kk + 1] & 0x7fffffffu);
        state.key[kk] = state.key[kk + MT_M] ^ (y >> 1) ^ mag01[y & 1];
    }
    for (; kk < MT_N - 1; kk++) {
        y = (state.key[kk] & 0x80000000u) | (state.key[kk + 1] & 0x7fffffffu);
        state.key[kk] = state.key[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1];
    }
    y = (state.key[MT_N - 1] & 0x80000000u) | (state.key[0] & 0x7fffffffu);
    state.key[MT_N - 1] = state.key[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1];
    state.pos = 0;
}

static uint32_t
next_uint32(void)
{
    uint32_t y;
    if (!state.seeded)
        jp_random_seed((uint32_t)time(NULL) ^ (uint32_t)getpid() ^ (uint32_t)(uintptr_t)&state);
    if (state.pos == MT_N)
        mt_generate();
    y = state.key[state.pos++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

double
jp_random_double(void)
{
    int32_t a = (int32_t)(next_uint32() >> 5), b = (int32_t)(next_uint32() >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double
jp_random_gauss(void)
{
    double x1, x2, r2, f;
    if (state.has_gauss) {
        state.has_gauss = 0;
        return state.gauss;
    }
    do {
        x1 = 2.0 * jp_random_double() - 1.0;
        x2 = 2.0 * jp_random_double() - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    f = sqrt(-2.0 * log(r2) / r2);
    state.gauss = f * x1;
    state.has_gauss = 1;
    return f * x2;
}

/* An integer in [low, high) by masked rejection, as RandomState.randint. */
int64_t
jp_random_randint(int64_t low, int64_t high)
{
    uint64_t rng = (uint64_t)high - (uint64_t)low - 1, mask = rng, val;
    if (rng == 0)
        return low;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    if (rng <= 0xffffffffu) {
        while ((val = (next_uint32() & mask)) > rng)
            ;
    } else {
        do {
            uint64_t hi = next_uint32();
            val = ((hi << 32) | next_uint32()) & mask;
        } while (val > rng);
    }
    return (int64_t)((uint64_t)low + val);
}
