/* tests/c/test_hmac_sha256.c - jit/hmac_sha256.c against published vectors:
 * SHA-256 of "", "abc" and the 448-bit message (FIPS 180-2 appendix B), a
 * million 'a's (streamed in odd pieces), and HMAC-SHA256 test cases 1-4, 6
 * and 7 of RFC 4231 (case 5 is a truncated output). */
#include "jit/hmac_sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void
check(const char *what, const uint8_t *got, const char *want_hex)
{
    char hex[2 * JP_SHA256_SIZE + 1];
    for (int i = 0; i < JP_SHA256_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", got[i]);
    if (strcmp(hex, want_hex) != 0) {
        fprintf(stderr, "FAIL %s\n  got  %s\n  want %s\n", what, hex, want_hex);
        failures++;
    }
}

static void
fill(uint8_t *buf, size_t n, uint8_t v)
{
    memset(buf, v, n);
}

int
main(void)
{
    uint8_t out[JP_SHA256_SIZE], key[131], data[152];

    jp_sha256_digest("", 0, out);
    check("sha256('')", out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    jp_sha256_digest("abc", 3, out);
    check("sha256('abc')", out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    {
        const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        jp_sha256_digest(m, strlen(m), out);
        check("sha256(448 bits)", out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    {
        /* a million 'a's, fed in pieces that straddle block boundaries */
        jp_sha256 s;
        char chunk[997];
        size_t left = 1000000;
        memset(chunk, 'a', sizeof chunk);
        jp_sha256_init(&s);
        while (left) {
            size_t n = left < sizeof chunk ? left : sizeof chunk;
            jp_sha256_update(&s, chunk, n);
            left -= n;
        }
        jp_sha256_final(&s, out);
        check("sha256(10^6 x 'a')", out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    /* RFC 4231 */
    fill(key, 20, 0x0b);
    jp_hmac_sha256(key, 20, "Hi There", 8, out);
    check("rfc4231 case 1", out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    jp_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out);
    check("rfc4231 case 2", out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    fill(key, 20, 0xaa);
    fill(data, 50, 0xdd);
    jp_hmac_sha256(key, 20, data, 50, out);
    check("rfc4231 case 3", out, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    for (int i = 0; i < 25; i++)
        key[i] = (uint8_t)(i + 1);
    fill(data, 50, 0xcd);
    jp_hmac_sha256(key, 25, data, 50, out);
    check("rfc4231 case 4", out, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    fill(key, 131, 0xaa);
    {
        const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
        jp_hmac_sha256(key, 131, m, strlen(m), out);
        check("rfc4231 case 6", out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }
    {
        const char *m = "This is a test using a larger than block-size key and a larger than block-size data. "
                        "The key needs to be hashed before being used by the HMAC algorithm.";
        jp_hmac_sha256(key, 131, m, strlen(m), out);
        check("rfc4231 case 7", out, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    }
    {
        uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 5};
        if (!jp_digest_equal(a, a, 4) || jp_digest_equal(a, b, 4)) {
            fprintf(stderr, "FAIL jp_digest_equal\n");
            failures++;
        }
    }
    if (failures)
        return 1;
    printf("hmac_sha256: all vectors match\n");
    return 0;
}
