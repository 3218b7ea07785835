/* jit/random.h - the generator behind np.random in jit code (random.c). */
#ifndef JP_RANDOM_H
#define JP_RANDOM_H
#include <stdint.h>
void jp_random_seed(uint32_t seed);
double jp_random_double(void);
double jp_random_gauss(void);
int64_t jp_random_randint(int64_t low, int64_t high);     /* [low, high) */
#endif
