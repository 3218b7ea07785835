/* tests/c/test_sampler_calltree.c - profile interning and reductions: self
 * and total per function (recursion counted once), thread counts, folded
 * stacks, per-thread filtering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiler/calltree.h"

#define CHECK(c)                                                            \
    do {                                                                    \
        if (!(c)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
            return 1;                                                       \
        }                                                                   \
    } while (0)

int
main(void)
{
    jp_profile p;
    uint32_t main_f, rec_f, sort_f, fr_main, fr_rec, fr_rec2, fr_sort, t1, t2, n1, n2, n3;
    jp_func_stat *st;
    size_t n;
    uint64_t total;
    char *folded;

    CHECK(jp_profile_init(&p) == 0);
    main_f = jp_profile_func(&p, "<module>", "a.py", "a", 1, JP_CAT_PYTHON);
    rec_f = jp_profile_func(&p, "rec", "a.py", "a", 3, JP_CAT_PYTHON);
    sort_f = jp_profile_func(&p, "npy_quicksort", "libnp.so", "libnp.so", 0, JP_CAT_NATIVE);
    CHECK(jp_profile_func(&p, "rec", "a.py", "a", 3, JP_CAT_PYTHON) == rec_f);
    fr_main = jp_profile_frame(&p, main_f, 10);
    fr_rec = jp_profile_frame(&p, rec_f, 4);
    fr_rec2 = jp_profile_frame(&p, rec_f, 5);
    fr_sort = jp_profile_frame(&p, sort_f, 0);
    CHECK(fr_rec != fr_rec2 && jp_profile_frame(&p, rec_f, 4) == fr_rec);
    {
        uint32_t a[] = {fr_main, fr_rec, fr_rec2, fr_rec};          /* recursion */
        uint32_t b[] = {fr_main, fr_rec, fr_sort};
        uint32_t c[] = {fr_main};
        n1 = jp_profile_path(&p, a, 4);
        n2 = jp_profile_path(&p, b, 3);
        n3 = jp_profile_path(&p, c, 1);
        CHECK(jp_profile_path(&p, a, 4) == n1);
    }
    t1 = jp_profile_thread(&p, 100, 100);
    t2 = jp_profile_thread(&p, 100, 101);
    jp_profile_thread_name(&p, t2, "worker");
    CHECK(strcmp(jp_profile_str(&p, p.threads.v[t2].name), "worker") == 0);
    for (int i = 0; i < 6; i++)
        CHECK(jp_profile_add_sample(&p, t1, n1, (uint64_t)i, 1) == 0);
    CHECK(jp_profile_add_sample(&p, t2, n2, 7, 3) == 0);
    CHECK(jp_profile_add_sample(&p, t1, n3, 8, 1) == 0);
    CHECK(jp_profile_add_sample(&p, 99, n3, 8, 1) < 0);

    CHECK(jp_calltree_stats(&p, -1, -1, &st, &n, &total) == 0);
    CHECK(total == 10 && n == 3);
    CHECK(st[0].func == rec_f && st[0].self == 6 && st[0].total == 9 && st[0].threads == 2);
    CHECK(st[1].func == sort_f && st[1].self == 3 && st[1].total == 3 && st[1].threads == 1);
    CHECK(st[2].func == main_f && st[2].self == 1 && st[2].total == 10 && st[2].threads == 2);
    free(st);

    CHECK(jp_calltree_stats(&p, 100, 101, &st, &n, &total) == 0);
    CHECK(total == 3 && n == 3 && st[0].func == sort_f);
    free(st);

    folded = jp_calltree_collapsed(&p, -1, -1);
    CHECK(folded != NULL);
    CHECK(strstr(folded, "<module>;rec;rec;rec 6\n") != NULL);
    CHECK(strstr(folded, "<module>;rec;npy_quicksort 3\n") != NULL);
    CHECK(strstr(folded, "<module> 1\n") != NULL);
    free(folded);
    jp_profile_clear(&p);
    printf("ok\n");
    return 0;
}
