/* jit/hmac_sha256.h - SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), small
 * and self-contained: the cache authenticates its entries with a per-user
 * key (jit/cache.c, kernel_ext/jitprofile/_cache.py) and needs no crypto
 * library for it.  Test vectors: tests/c/test_hmac_sha256.c (FIPS 180-2
 * examples, RFC 4231). */
#ifndef JP_HMAC_SHA256_H
#define JP_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define JP_SHA256_SIZE 32

typedef struct jp_sha256 {
    uint32_t h[8];
    uint64_t total;             /* bytes hashed so far */
    uint8_t block[64];
    size_t used;                /* bytes waiting in block */
} jp_sha256;

void jp_sha256_init(jp_sha256 *s);
void jp_sha256_update(jp_sha256 *s, const void *data, size_t len);
void jp_sha256_final(jp_sha256 *s, uint8_t out[JP_SHA256_SIZE]);
void jp_sha256_digest(const void *data, size_t len, uint8_t out[JP_SHA256_SIZE]);

/* HMAC-SHA256 of msg under key (any length). */
void jp_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len, uint8_t out[JP_SHA256_SIZE]);

/* 1 when the two digests are equal, in time independent of where they differ. */
int jp_digest_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
