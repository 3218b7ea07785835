/* tests/c/test_inline_chains.c - jit/inline_chains.c: interning by content,
 * ids stable and bounded, strings copied, unknown ids NULL. */
#include "jit/inline_chains.h"

#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

int
main(void)
{
    char file[64] = "/src/a.py";
    jp_inline_chain c, d;
    uint32_t id, again, other;
    const jp_inline_chain *got;

    memset(&c, 0, sizeof c);
    c.call_line = 12;
    c.n = 2;
    c.frames[0] = (jp_inline_frame){file, 3, 5};
    c.frames[1] = (jp_inline_frame){"/src/b.py", 20, 22};
    id = jp_inline_chain_intern(&c);
    CHECK(id >= 1 && id <= JP_INLINE_MAX_IDS);
    strcpy(file, "/src/zzz.py");              /* the table holds its own copy */
    got = jp_inline_chain_get(id);
    CHECK(got != NULL && got->n == 2 && got->call_line == 12);
    CHECK(got && strcmp(got->frames[0].filename, "/src/a.py") == 0);
    CHECK(got && got->frames[1].def_line == 20 && got->frames[1].line == 22);

    d = c;
    d.frames[0].filename = "/src/a.py";
    again = jp_inline_chain_intern(&d);       /* same content, same id */
    CHECK(again == id);
    d.frames[1].line = 23;
    other = jp_inline_chain_intern(&d);
    CHECK(other != 0 && other != id);

    CHECK(jp_inline_chain_get(0) == NULL);
    CHECK(jp_inline_chain_get(JP_INLINE_MAX_IDS) == NULL);   /* never handed out */
    d.n = 0;
    CHECK(jp_inline_chain_intern(&d) == 0);
    d.n = JP_INLINE_MAX_DEPTH + 1;
    CHECK(jp_inline_chain_intern(&d) == 0);

    /* many distinct chains: all kept, each found again by content */
    for (int i = 0; i < 5000; i++) {
        jp_inline_chain e = c;
        e.frames[0].filename = "/src/a.py";
        e.call_line = 1000 + i;
        uint32_t k = jp_inline_chain_intern(&e);
        CHECK(k != 0 && jp_inline_chain_intern(&e) == k);
        CHECK(jp_inline_chain_get(k) && jp_inline_chain_get(k)->call_line == 1000 + i);
    }
    if (failures)
        return 1;
    printf("inline_chains: ok\n");
    return 0;
}
