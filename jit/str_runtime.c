/* jit/str_runtime.c - the string runtime (see str_runtime.h): making,
 * slicing, searching, splitting and joining UCS4 strings, conversions to
 * and from numbers with CPython's texts, format specs, and boxing.  Pure C
 * without the GIL except boxing. */
#include "jit/str_runtime.h"
#include "jit/list_runtime.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(mi) ((jp_str *)(mi)->data)

/* ---- errors -------------------------------------------------------------------- */

static __thread char err_text[512];

const char *
jp_str_error_text(void)
{
    return err_text;
}

static int32_t
fail(int32_t *status, int32_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_text, sizeof err_text, fmt, ap);
    va_end(ap);
    *status = code;
    return code;
}

/* ---- making strings -------------------------------------------------------------- */

jp_meminfo *
jp_str_new(int64_t length)
{
    jp_meminfo *mi;
    if (length < 0 || length > (INT64_MAX - 64) / 4)
        return NULL;
    mi = jp_nrt_alloc_inline((int64_t)sizeof(jp_str) + 4 * length);    /* one malloc */
    if (mi == NULL)
        return NULL;
    S(mi)->length = length;
    S(mi)->hash = -1;
    return mi;
}

static jp_meminfo *
from_ucs4(const uint32_t *p, int64_t n)
{
    jp_meminfo *mi = jp_str_new(n);
    if (mi && n)
        memcpy(S(mi)->data, p, (size_t)n * 4);
    return mi;
}

static jp_meminfo *
from_ascii(const char *p, int64_t n)
{
    jp_meminfo *mi = jp_str_new(n);
    if (mi)
        for (int64_t i = 0; i < n; i++)
            S(mi)->data[i] = (unsigned char)p[i];
    return mi;
}

jp_meminfo *
jp_str_from_utf8(const char *text, int64_t nbytes)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + nbytes;
    int64_t n = 0;
    jp_meminfo *mi;
    uint32_t *d;
    for (const unsigned char *q = p; q < end; q++)
        n += (*q & 0xC0) != 0x80;
    if ((mi = jp_str_new(n)) == NULL)
        return NULL;
    d = S(mi)->data;
    while (p < end) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more)
            c &= 0x3F >> more;
        while (more-- && p < end)
            c = (c << 6) | (*p++ & 0x3F);
        *d++ = c;
    }
    return mi;
}

/* ---- immortal strings: constants and one-character strings ---------------------------
 * A string constant of jit code is made once per process (interned by its
 * text) and never freed: its refcount starts so high that increfs and
 * decrefs never bring it to zero, and it is not counted among the live
 * blocks (it is no leak).  Compiled code caches the pointer in a global of
 * its module, so a constant costs a load after its first use.  The 256
 * one-character strings of Latin-1 are immortal too (s[i] and `for ch in s`
 * allocate nothing for them, as in CPython). */

#define IMMORTAL_REFS (INT64_MAX / 2)

static jp_meminfo *
immortal(const uint32_t *p, int64_t n)
{
    jp_meminfo *mi = malloc(sizeof *mi);
    jp_str *s = mi ? malloc(sizeof(jp_str) + 4 * (size_t)(n ? n : 1)) : NULL;
    if (s == NULL) {
        free(mi);
        return NULL;
    }
    s->length = n;
    s->hash = -1;
    if (n)
        memcpy(s->data, p, (size_t)n * 4);
    mi->refcount = IMMORTAL_REFS;
    mi->data = s;
    mi->size = sizeof(jp_str) + 4 * (size_t)n;
    mi->dtor = NULL;
    mi->adopted = 0;
    return mi;
}

typedef struct interned {
    struct interned *next;
    char *text;
    int64_t nbytes;
    jp_meminfo *mi;
} interned;

static interned *intern_table[1024];
static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;

/* the string of a constant's UTF-8 text, made once per process; NULL if no memory */
static jp_meminfo *
jp_str_intern(const char *text, int64_t nbytes)
{
    uint64_t h = 1469598103934665603ULL;
    interned *e;
    jp_meminfo *tmp, *mi = NULL;
    for (int64_t i = 0; i < nbytes; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
    pthread_mutex_lock(&intern_lock);
    for (e = intern_table[h % 1024]; e; e = e->next)
        if (e->nbytes == nbytes && memcmp(e->text, text, (size_t)nbytes) == 0) {
            mi = e->mi;
            goto done;
        }
    if ((tmp = jp_str_from_utf8(text, nbytes)) == NULL)
        goto done;
    mi = immortal(S(tmp)->data, S(tmp)->length);
    jp_nrt_decref(tmp);
    e = mi ? malloc(sizeof *e) : NULL;
    if (e == NULL || (e->text = malloc((size_t)nbytes + 1)) == NULL) {
        free(e);
        mi = NULL;      /* (the immortal block is lost: out of memory anyway) */
        goto done;
    }
    memcpy(e->text, text, (size_t)nbytes);
    e->nbytes = nbytes;
    e->mi = mi;
    e->next = intern_table[h % 1024];
    intern_table[h % 1024] = e;
done:
    pthread_mutex_unlock(&intern_lock);
    return mi;
}

static jp_meminfo *latin1[256];

static jp_meminfo *
one_char(uint32_t c)
{
    jp_meminfo *mi;
    if (c >= 256)
        return from_ucs4(&c, 1);
    mi = __atomic_load_n(&latin1[c], __ATOMIC_ACQUIRE);
    if (mi == NULL && (mi = immortal(&c, 1)) != NULL) {
        jp_meminfo *expected = NULL;
        if (!__atomic_compare_exchange_n(&latin1[c], &expected, mi, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            free(mi->data);
            free(mi);
            mi = expected;
        }
    }
    return mi;
}

/* UTF-8 (surrogates passed through) into a per-thread buffer; NULL if no memory. */
static char *
to_utf8(jp_meminfo *mi, int64_t *nbytes)
{
    static __thread char *buf;
    static __thread size_t cap;
    jp_str *s = S(mi);
    size_t need = (size_t)s->length * 4 + 1, k = 0;
    if (need > cap) {
        char *nb = realloc(buf, need);
        if (nb == NULL)
            return NULL;
        buf = nb;
        cap = need;
    }
    for (int64_t i = 0; i < s->length; i++) {
        uint32_t c = s->data[i];
        if (c < 0x80) {
            buf[k++] = (char)c;
        } else if (c < 0x800) {
            buf[k++] = (char)(0xC0 | (c >> 6));
            buf[k++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            buf[k++] = (char)(0xE0 | (c >> 12));
            buf[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[k++] = (char)(0x80 | (c & 0x3F));
        } else {
            buf[k++] = (char)(0xF0 | (c >> 18));
            buf[k++] = (char)(0x80 | ((c >> 12) & 0x3F));
            buf[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[k++] = (char)(0x80 | (c & 0x3F));
        }
    }
    buf[k] = 0;
    if (nbytes)
        *nbytes = (int64_t)k;
    return buf;
}

/* The text of a string for print() and exception messages (valid until the next call). */
static const char *
jp_str_utf8(jp_meminfo *mi)
{
    const char *p = to_utf8(mi, NULL);
    return p ? p : "";
}

/* ---- operators ----------------------------------------------------------------- */

static jp_meminfo *
jp_str_concat(jp_meminfo *a, jp_meminfo *b)
{
    int64_t na = S(a)->length, nb = S(b)->length;
    jp_meminfo *mi = jp_str_new(na + nb);
    if (mi == NULL)
        return NULL;
    memcpy(S(mi)->data, S(a)->data, (size_t)na * 4);
    memcpy(S(mi)->data + na, S(b)->data, (size_t)nb * 4);
    return mi;
}

static jp_meminfo *
jp_str_repeat(jp_meminfo *a, int64_t n)
{
    int64_t na = S(a)->length;
    jp_meminfo *mi;
    if (n < 0)
        n = 0;
    if (na && n > INT64_MAX / 4 / na)
        return NULL;
    if ((mi = jp_str_new(na * n)) == NULL)
        return NULL;
    for (int64_t i = 0; i < n; i++)
        memcpy(S(mi)->data + i * na, S(a)->data, (size_t)na * 4);
    return mi;
}

/* s[i], i already wrapped and checked by compiled code */
static jp_meminfo *
jp_str_char(jp_meminfo *a, int64_t i)
{
    return one_char(S(a)->data[i]);
}

/* flags: bit 0 start given, bit 1 stop given, bit 2 step given (as list slices) */
static jp_meminfo *
jp_str_slice(jp_meminfo *a, int64_t start, int64_t stop, int64_t step, int64_t flags, int32_t *status)
{
    int64_t n = S(a)->length, len;
    jp_meminfo *mi;
    if (!(flags & 4))
        step = 1;
    if (step == 0) {
        fail(status, JP_STR_EVALUE, "slice step cannot be zero");
        return NULL;
    }
    if (!(flags & 1))
        start = step < 0 ? n - 1 : 0;
    else if (start < 0)
        start = start + n < 0 ? (step < 0 ? -1 : 0) : start + n;
    else if (start >= n)
        start = step < 0 ? n - 1 : n;
    if (!(flags & 2))
        stop = step < 0 ? -1 : n;
    else if (stop < 0)
        stop = stop + n < 0 ? (step < 0 ? -1 : 0) : stop + n;
    else if (stop >= n)
        stop = step < 0 ? n - 1 : n;
    if (step < 0)
        len = stop < start ? (start - stop - 1) / (-step) + 1 : 0;
    else
        len = start < stop ? (stop - start - 1) / step + 1 : 0;
    if ((mi = jp_str_new(len)) == NULL) {
        fail(status, JP_STR_EMEMORY, "out of memory");
        return NULL;
    }
    for (int64_t i = 0; i < len; i++)
        S(mi)->data[i] = S(a)->data[start + i * step];
    return mi;
}

static int64_t
jp_str_cmp(jp_meminfo *a, jp_meminfo *b)
{
    int64_t na, nb, n;
    if (a == NULL || b == NULL)
        return 0;       /* min()/max() compare with their empty start slot before using it */
    na = S(a)->length;
    nb = S(b)->length;
    n = na < nb ? na : nb;
    for (int64_t i = 0; i < n; i++)
        if (S(a)->data[i] != S(b)->data[i])
            return S(a)->data[i] < S(b)->data[i] ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

static int64_t
jp_str_eq(jp_meminfo *a, jp_meminfo *b)
{
    if (a == b)
        return 1;
    return S(a)->length == S(b)->length
           && memcmp(S(a)->data, S(b)->data, (size_t)S(a)->length * 4) == 0;
}

/* ---- searching ------------------------------------------------------------------- */

/* Python's start/end arguments adjusted to [0, n] (flags: bit 0 start, bit 1 end given). */
static void
adjust(int64_t n, int64_t *start, int64_t *end, int64_t flags)
{
    if (!(flags & 1))
        *start = 0;
    if (!(flags & 2))
        *end = n;
    if (*end > n)
        *end = n;
    else if (*end < 0 && (*end += n) < 0)
        *end = 0;
    if (*start < 0 && (*start += n) < 0)
        *start = 0;
}

static int
match_at(const uint32_t *h, const uint32_t *nd, int64_t m)
{
    return m == 0 || (h[0] == nd[0] && memcmp(h, nd, (size_t)m * 4) == 0);
}

/* index of sub in a[start:end] (the first, or the last when reverse), -1 if absent */
static int64_t
jp_str_find(jp_meminfo *a, jp_meminfo *sub, int64_t start, int64_t end, int64_t flags, int64_t reverse)
{
    int64_t n = S(a)->length, m = S(sub)->length;
    adjust(n, &start, &end, flags);
    if (end - start < m || start > n)
        return -1;
    if (reverse) {
        for (int64_t i = end - m; i >= start; i--)
            if (match_at(S(a)->data + i, S(sub)->data, m))
                return i;
    } else {
        for (int64_t i = start; i <= end - m; i++)
            if (match_at(S(a)->data + i, S(sub)->data, m))
                return i;
    }
    return -1;
}

static int64_t
jp_str_count(jp_meminfo *a, jp_meminfo *sub, int64_t start, int64_t end, int64_t flags)
{
    int64_t n = S(a)->length, m = S(sub)->length, k = 0;
    adjust(n, &start, &end, flags);
    if (end - start < m || start > n)
        return 0;
    if (m == 0)
        return end - start + 1;
    for (int64_t i = start; i <= end - m;)
        if (match_at(S(a)->data + i, S(sub)->data, m)) {
            k++;
            i += m;
        } else {
            i++;
        }
    return k;
}

/* startswith (at_end 0) / endswith (at_end 1) */
static int64_t
jp_str_affix(jp_meminfo *a, jp_meminfo *sub, int64_t start, int64_t end, int64_t flags, int64_t at_end)
{
    int64_t n = S(a)->length, m = S(sub)->length;
    adjust(n, &start, &end, flags);
    if (start > n || end - start < m)
        return 0;
    return match_at(S(a)->data + (at_end ? end - m : start), S(sub)->data, m);
}

/* ---- split and join --------------------------------------------------------------- */

static int
is_space(uint32_t c)
{
    return Py_UNICODE_ISSPACE(c);
}

static int
append(jp_list *l, jp_meminfo *item)
{
    if (item == NULL || jp_list_reserve(l, l->size + 1) < 0) {
        jp_nrt_decref(item);
        return -1;
    }
    ((jp_meminfo **)l->items)[l->size++] = item;
    return 0;
}

static jp_meminfo *
new_str_list(void)
{
    int32_t off = 0;
    return jp_list_new(8, 0, 1, &off);
}

/* s.split(sep, maxsplit) (sep NULL: runs of whitespace); rsplit when reverse */
static jp_meminfo *
jp_str_split(jp_meminfo *a, jp_meminfo *sep, int64_t maxsplit, int64_t reverse, int32_t *status)
{
    const uint32_t *d = S(a)->data;
    int64_t n = S(a)->length;
    jp_meminfo *out = new_str_list();
    jp_list *l;
    if (out == NULL)
        goto nomem;
    l = out->data;
    if (maxsplit < 0)
        maxsplit = INT64_MAX;
    if (sep == NULL) {
        if (!reverse) {
            int64_t i = 0;
            for (;;) {
                int64_t j;
                while (i < n && is_space(d[i]))
                    i++;
                if (i == n)
                    break;
                if (maxsplit-- == 0) {      /* the rest, trailing whitespace kept (CPython) */
                    if (append(l, from_ucs4(d + i, n - i)) < 0)
                        goto nomem;
                    break;
                }
                for (j = i; j < n && !is_space(d[j]); j++)
                    ;
                if (append(l, from_ucs4(d + i, j - i)) < 0)
                    goto nomem;
                i = j;
            }
        } else {
            int64_t i = n;
            for (;;) {
                int64_t j;
                while (i > 0 && is_space(d[i - 1]))
                    i--;
                if (i == 0)
                    break;
                if (maxsplit-- == 0) {      /* the rest, leading whitespace kept */
                    if (append(l, from_ucs4(d, i)) < 0)
                        goto nomem;
                    break;
                }
                for (j = i; j > 0 && !is_space(d[j - 1]); j--)
                    ;
                if (append(l, from_ucs4(d + j, i - j)) < 0)
                    goto nomem;
                i = j;
            }
            jp_list_reverse(l);
        }
        return out;
    }
    {
        int64_t m = S(sep)->length;
        const uint32_t *sd = S(sep)->data;
        if (m == 0) {
            jp_nrt_decref(out);
            fail(status, JP_STR_EVALUE, "empty separator");
            return NULL;
        }
        if (!reverse) {
            int64_t i = 0, last = 0;
            while (maxsplit > 0 && i + m <= n) {
                if (match_at(d + i, sd, m)) {
                    if (append(l, from_ucs4(d + last, i - last)) < 0)
                        goto nomem;
                    i += m;
                    last = i;
                    maxsplit--;
                } else {
                    i++;
                }
            }
            if (append(l, from_ucs4(d + last, n - last)) < 0)
                goto nomem;
        } else {
            int64_t i = n - m, last = n;
            while (maxsplit > 0 && i >= 0) {
                if (match_at(d + i, sd, m)) {
                    if (append(l, from_ucs4(d + i + m, last - i - m)) < 0)
                        goto nomem;
                    last = i;
                    i -= m;
                    maxsplit--;
                } else {
                    i--;
                }
            }
            if (append(l, from_ucs4(d, last)) < 0)
                goto nomem;
            jp_list_reverse(l);
        }
    }
    return out;
nomem:
    jp_nrt_decref(out);
    fail(status, JP_STR_EMEMORY, "out of memory");
    return NULL;
}

static int
line_break(uint32_t c)
{
    return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E
           || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* s.splitlines(keepends) */
static jp_meminfo *
jp_str_splitlines(jp_meminfo *a, int64_t keepends)
{
    const uint32_t *d = S(a)->data;
    int64_t n = S(a)->length, i = 0;
    jp_meminfo *out = new_str_list();
    if (out == NULL)
        return NULL;
    while (i < n) {
        int64_t j = i, eol;
        while (j < n && !line_break(d[j]))
            j++;
        eol = j;
        if (j < n)
            j += d[j] == '\r' && j + 1 < n && d[j + 1] == '\n' ? 2 : 1;
        if (append(out->data, from_ucs4(d + i, (keepends ? j : eol) - i)) < 0) {
            jp_nrt_decref(out);
            return NULL;
        }
        i = j;
    }
    return out;
}

/* s.partition(sep) (rpartition when reverse): three new strings into out */
static void
jp_str_partition(jp_meminfo *a, jp_meminfo *sep, int64_t reverse, jp_meminfo **out, int32_t *status)
{
    int64_t n = S(a)->length, m = S(sep)->length, i;
    out[0] = out[1] = out[2] = NULL;
    if (m == 0) {
        fail(status, JP_STR_EVALUE, "empty separator");
        return;
    }
    i = jp_str_find(a, sep, 0, 0, 0, reverse);
    if (i < 0) {
        jp_nrt_incref(a);
        out[reverse ? 2 : 0] = a;
        out[1] = from_ucs4(NULL, 0);
        out[reverse ? 0 : 2] = from_ucs4(NULL, 0);
    } else {
        out[0] = from_ucs4(S(a)->data, i);
        out[1] = from_ucs4(S(sep)->data, m);
        out[2] = from_ucs4(S(a)->data + i + m, n - i - m);
    }
    if (out[0] == NULL || out[1] == NULL || out[2] == NULL) {
        for (int k = 0; k < 3; k++)
            jp_nrt_decref(out[k]);
        out[0] = out[1] = out[2] = NULL;
        fail(status, JP_STR_EMEMORY, "out of memory");
    }
}

/* s.expandtabs(tabsize) */
static jp_meminfo *
jp_str_expandtabs(jp_meminfo *a, int64_t tabsize)
{
    const uint32_t *d = S(a)->data;
    int64_t n = S(a)->length, total = 0, col = 0, k = 0;
    jp_meminfo *mi;
    for (int64_t i = 0; i < n; i++) {
        if (d[i] == '\t') {
            int64_t add = tabsize > 0 ? tabsize - col % tabsize : 0;
            total += add;
            col += add;
        } else {
            total++;
            col = d[i] == '\n' || d[i] == '\r' ? 0 : col + 1;
        }
    }
    if ((mi = jp_str_new(total)) == NULL)
        return NULL;
    col = 0;
    for (int64_t i = 0; i < n; i++) {
        if (d[i] == '\t') {
            int64_t add = tabsize > 0 ? tabsize - col % tabsize : 0;
            for (int64_t j = 0; j < add; j++)
                S(mi)->data[k++] = ' ';
            col += add;
        } else {
            S(mi)->data[k++] = d[i];
            col = d[i] == '\n' || d[i] == '\r' ? 0 : col + 1;
        }
    }
    return mi;
}

/* sep.join(list of str) */
static jp_meminfo *
jp_str_join(jp_meminfo *sep, jp_meminfo *list)
{
    jp_list *l = list->data;
    jp_meminfo **items = (jp_meminfo **)l->items;
    int64_t total = 0, ns = S(sep)->length, k = 0;
    jp_meminfo *mi;
    for (int64_t i = 0; i < l->size; i++)
        total += S(items[i])->length + (i ? ns : 0);
    if ((mi = jp_str_new(total)) == NULL)
        return NULL;
    for (int64_t i = 0; i < l->size; i++) {
        if (i) {
            memcpy(S(mi)->data + k, S(sep)->data, (size_t)ns * 4);
            k += ns;
        }
        memcpy(S(mi)->data + k, S(items[i])->data, (size_t)S(items[i])->length * 4);
        k += S(items[i])->length;
    }
    return mi;
}

/* ---- transformations ---------------------------------------------------------------- */

static int
in_chars(uint32_t c, jp_meminfo *chars)
{
    if (chars == NULL)
        return is_space(c);
    for (int64_t i = 0; i < S(chars)->length; i++)
        if (S(chars)->data[i] == c)
            return 1;
    return 0;
}

/* which: 1 lstrip, 2 rstrip, 3 strip; chars NULL: whitespace */
static jp_meminfo *
jp_str_strip(jp_meminfo *a, jp_meminfo *chars, int64_t which)
{
    int64_t i = 0, j = S(a)->length;
    if (which & 1)
        while (i < j && in_chars(S(a)->data[i], chars))
            i++;
    if (which & 2)
        while (j > i && in_chars(S(a)->data[j - 1], chars))
            j--;
    if (i == 0 && j == S(a)->length) {
        jp_nrt_incref(a);       /* nothing to strip: the same string, as CPython */
        return a;
    }
    return from_ucs4(S(a)->data + i, j - i);
}

/* op: 0 upper, 1 lower, 2 capitalize, 3 title, 4 swapcase */
static jp_meminfo *
jp_str_case(jp_meminfo *a, int64_t op)
{
    int64_t n = S(a)->length;
    jp_meminfo *mi = jp_str_new(n);
    int prev_cased = 0;
    if (mi == NULL)
        return NULL;
    for (int64_t i = 0; i < n; i++) {
        Py_UCS4 c = S(a)->data[i], r;
        switch (op) {
        case 0: r = Py_UNICODE_TOUPPER(c); break;
        case 1: r = Py_UNICODE_TOLOWER(c); break;
        case 2: r = i == 0 ? Py_UNICODE_TOUPPER(c) : Py_UNICODE_TOLOWER(c); break;
        case 3:
            r = prev_cased ? Py_UNICODE_TOLOWER(c) : Py_UNICODE_TOUPPER(c);
            prev_cased = Py_UNICODE_ISUPPER(c) || Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c);
            break;
        default:
            r = Py_UNICODE_ISUPPER(c) ? Py_UNICODE_TOLOWER(c)
                : Py_UNICODE_ISLOWER(c) ? Py_UNICODE_TOUPPER(c) : c;
            break;
        }
        S(mi)->data[i] = r;
    }
    return mi;
}

/* op: 0 isdigit, 1 isalpha, 2 isspace, 3 isupper, 4 islower, 5 isalnum, 6 isdecimal,
 * 7 isnumeric, 8 istitle, 9 isascii, 10 isprintable */
static int64_t
jp_str_is(jp_meminfo *a, int64_t op)
{
    int64_t n = S(a)->length;
    const uint32_t *d = S(a)->data;
    int cased = 0, prev_cased = 0;
    if (n == 0)
        return op == 9 || op == 10;
    for (int64_t i = 0; i < n; i++) {
        Py_UCS4 c = d[i];
        switch (op) {
        case 0: if (!Py_UNICODE_ISDIGIT(c)) return 0; break;
        case 1: if (!Py_UNICODE_ISALPHA(c)) return 0; break;
        case 2: if (!Py_UNICODE_ISSPACE(c)) return 0; break;
        case 3:
            if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c))
                return 0;
            cased |= Py_UNICODE_ISUPPER(c);
            break;
        case 4:
            if (Py_UNICODE_ISUPPER(c) || Py_UNICODE_ISTITLE(c))
                return 0;
            cased |= Py_UNICODE_ISLOWER(c);
            break;
        case 5: if (!Py_UNICODE_ISALNUM(c)) return 0; break;
        case 6: if (!Py_UNICODE_ISDECIMAL(c)) return 0; break;
        case 7: if (!Py_UNICODE_ISNUMERIC(c)) return 0; break;
        case 8:
            if (Py_UNICODE_ISUPPER(c) || Py_UNICODE_ISTITLE(c)) {
                if (prev_cased)
                    return 0;
                prev_cased = cased = 1;
            } else if (Py_UNICODE_ISLOWER(c)) {
                if (!prev_cased)
                    return 0;
                prev_cased = cased = 1;
            } else {
                prev_cased = 0;
            }
            break;
        case 9: if (c >= 128) return 0; break;
        default: if (!Py_UNICODE_ISPRINTABLE(c)) return 0; break;
        }
    }
    return op == 3 || op == 4 || op == 8 ? cased : 1;
}

static jp_meminfo *
jp_str_replace(jp_meminfo *a, jp_meminfo *old, jp_meminfo *rep, int64_t count)
{
    int64_t n = S(a)->length, m = S(old)->length, r = S(rep)->length, k, total, o = 0, i = 0;
    jp_meminfo *mi;
    if (count < 0)
        count = INT64_MAX;
    k = jp_str_count(a, old, 0, 0, 0);
    if (k > count)
        k = count;
    total = n + k * (r - m);
    if ((mi = jp_str_new(total)) == NULL)
        return NULL;
    if (m == 0) {
        for (int64_t t = 0; t <= n; t++) {
            if (t < k) {
                memcpy(S(mi)->data + o, S(rep)->data, (size_t)r * 4);
                o += r;
            }
            if (t < n)
                S(mi)->data[o++] = S(a)->data[t];
        }
        return mi;
    }
    while (i < n) {
        if (k > 0 && i + m <= n && match_at(S(a)->data + i, S(old)->data, m)) {
            memcpy(S(mi)->data + o, S(rep)->data, (size_t)r * 4);
            o += r;
            i += m;
            k--;
        } else {
            S(mi)->data[o++] = S(a)->data[i++];
        }
    }
    return mi;
}

/* mode: 0 ljust, 1 rjust, 2 center, 3 zfill */
static jp_meminfo *
jp_str_pad(jp_meminfo *a, int64_t width, jp_meminfo *fillstr, int64_t mode, int32_t *status)
{
    int64_t n = S(a)->length, left, pad;
    uint32_t fill = ' ';
    jp_meminfo *mi;
    if (fillstr) {
        if (S(fillstr)->length != 1) {
            fail(status, JP_STR_ETYPE, "The fill character must be exactly one character long");
            return NULL;
        }
        fill = S(fillstr)->data[0];
    }
    if (width <= n)
        return from_ucs4(S(a)->data, n);
    pad = width - n;
    if (mode == 3)
        fill = '0';
    left = mode == 0 ? 0 : mode == 1 || mode == 3 ? pad : pad / 2 + (pad & width & 1);
    if ((mi = jp_str_new(width)) == NULL) {
        fail(status, JP_STR_EMEMORY, "out of memory");
        return NULL;
    }
    for (int64_t i = 0; i < width; i++)
        S(mi)->data[i] = fill;
    memcpy(S(mi)->data + left, S(a)->data, (size_t)n * 4);
    if (mode == 3 && n && (S(a)->data[0] == '+' || S(a)->data[0] == '-')) {
        S(mi)->data[0] = S(a)->data[0];
        S(mi)->data[left] = '0';
    }
    return mi;
}

/* ---- conversions ----------------------------------------------------------------- */

/* decimal digits of m, sign first when neg (printf is ten times slower here) */
static jp_meminfo *
from_decimal(uint64_t m, int neg)
{
    char buf[24];
    int k = sizeof buf;
    do {
        buf[--k] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (neg)
        buf[--k] = '-';
    return from_ascii(buf + k, (int64_t)sizeof buf - k);
}

static jp_meminfo *
jp_str_from_int(int64_t v)
{
    return from_decimal(v < 0 ? 0ULL - (uint64_t)v : (uint64_t)v, v < 0);
}

static jp_meminfo *
jp_str_from_uint(uint64_t v)
{
    return from_decimal(v, 0);
}

static jp_meminfo *
jp_str_from_bool(int64_t v)
{
    return v ? from_ascii("True", 4) : from_ascii("False", 5);
}

/* Whether the p digits d (first at exponent e) read back as x. */
static int
reads_back(const char *d, int p, int e, double x)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%c.%.*se%d", d[0], p - 1, d + 1, e);
    return strtod(buf, NULL) == x;
}

/* The shortest digits that read back as x (x finite, positive): digits
 * without a point into dig, the decimal exponent of the first one.  At each
 * length p the candidates are x's decimal expansion cut to p digits and that
 * plus one unit in the last place (the correctly rounded text is one of
 * them, and may not be the one that reads back); the first length where one
 * reads back wins, the nearer when both do, as CPython's repr. */
static int
shortest_digits(double x, char *dig, int *exp10)
{
    char buf[64], full[48] = {0};
    int nf = 0, e;
    /* 40 significant digits: enough to place x between two 17-digit texts */
    snprintf(buf, sizeof buf, "%.39e", x);
    for (const char *q = buf; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            full[nf++] = *q;
    e = atoi(strchr(buf, 'e') + 1);
    /* a normal double whose shortest text has at most 15 digits is, rounded
     * correctly to 15 digits, that text padded with zeros (it lies closer to
     * it than half a unit of the 15th digit): skip the shorter lengths */
    for (int p = x >= DBL_MIN ? 15 : 1; p <= 17; p++) {
        char up[24];
        int eu = e, down_ok, up_ok, carry = 1;
        memcpy(up, full, (size_t)p);
        for (int i = p - 1; i >= 0 && carry; i--) {
            if (up[i] == '9') {
                up[i] = '0';
            } else {
                up[i]++;
                carry = 0;
            }
        }
        if (carry) {            /* 99..9 + 1: 10..0, one exponent up */
            memmove(up + 1, up, (size_t)p - 1);
            up[0] = '1';
            eu++;
        }
        down_ok = reads_back(full, p, e, x);
        up_ok = reads_back(up, p, eu, x);
        if (p == 15 && x >= DBL_MIN) {
            /* only the correctly rounded one can be the padded shortest text */
            int half = full[p] == '5' && strspn(full + p + 1, "0") == (size_t)(nf - p - 1);
            int rounds_up = half ? (full[p - 1] - '0') % 2 == 1 : full[p] >= '5';
            if (rounds_up)
                down_ok = 0;
            else
                up_ok = 0;
        }
        if (down_ok || up_ok) {
            /* both: the nearer, by the digits after the cut; a tie
             * (exactly half) to the even last digit, as correct rounding */
            int half = full[p] == '5' && strspn(full + p + 1, "0") == (size_t)(nf - p - 1);
            int take_up = up_ok && (!down_ok || (half ? (full[p - 1] - '0') % 2 == 1 : full[p] >= '5'));
            memcpy(dig, take_up ? up : full, (size_t)p);
            *exp10 = take_up ? eu : e;
            while (p > 1 && dig[p - 1] == '0')
                p--;
            dig[p] = 0;
            return p;
        }
    }
    memcpy(dig, full, 17);      /* (not reached: 17 digits always read back) */
    dig[17] = 0;
    *exp10 = e;
    return 17;
}

/* digits d (nd of them, first at exponent e) in fixed notation; min_frac: digits after the point */
static int
fixed_text(char *out, int neg, const char *d, int nd, int e, int dot0)
{
    int k = 0;
    if (neg)
        out[k++] = '-';
    if (e < 0) {
        out[k++] = '0';
        out[k++] = '.';
        for (int i = 0; i < -e - 1; i++)
            out[k++] = '0';
        memcpy(out + k, d, (size_t)nd);
        k += nd;
    } else {
        for (int i = 0; i <= e; i++)
            out[k++] = i < nd ? d[i] : '0';
        if (nd > e + 1) {
            out[k++] = '.';
            memcpy(out + k, d + e + 1, (size_t)(nd - e - 1));
            k += nd - e - 1;
        } else if (dot0) {
            out[k++] = '.';
            out[k++] = '0';
        }
    }
    out[k] = 0;
    return k;
}

static int
sci_text(char *out, int neg, const char *d, int nd, int e)
{
    int k = 0;
    if (neg)
        out[k++] = '-';
    out[k++] = d[0];
    if (nd > 1) {
        out[k++] = '.';
        memcpy(out + k, d + 1, (size_t)nd - 1);
        k += nd - 1;
    }
    return k + sprintf(out + k, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
}

/* repr(x): CPython's shortest round-trip text */
static int
float_repr(double x, char *out)
{
    char dig[24];
    int e, nd;
    if (isnan(x))
        return sprintf(out, "nan");
    if (isinf(x))
        return sprintf(out, x < 0 ? "-inf" : "inf");
    if (x == 0)
        return sprintf(out, signbit(x) ? "-0.0" : "0.0");
    nd = shortest_digits(fabs(x), dig, &e);
    if (e >= -4 && e < 16)
        return fixed_text(out, x < 0, dig, nd, e, 1);
    return sci_text(out, x < 0, dig, nd, e);
}

static jp_meminfo *
jp_str_from_double(double x)
{
    char buf[64];
    int n = float_repr(x, buf);
    return from_ascii(buf, n);
}

/* repr(s): quotes and escapes as CPython writes them */
static jp_meminfo *
jp_str_repr(jp_meminfo *a)
{
    int64_t n = S(a)->length, k = 0;
    const uint32_t *d = S(a)->data;
    int has_sq = 0, has_dq = 0;
    uint32_t q;
    jp_meminfo *mi;
    for (int64_t i = 0; i < n; i++) {
        has_sq |= d[i] == '\'';
        has_dq |= d[i] == '"';
    }
    q = has_sq && !has_dq ? '"' : '\'';
    if ((mi = jp_str_new(n * 10 + 2)) == NULL)
        return NULL;
    {
        uint32_t *o = S(mi)->data;
        o[k++] = q;
        for (int64_t i = 0; i < n; i++) {
            uint32_t c = d[i];
            char esc[16];
            int ne = 0;
            if (c == q || c == '\\')
                ne = sprintf(esc, "\\%c", (char)c);
            else if (c == '\n')
                ne = sprintf(esc, "\\n");
            else if (c == '\r')
                ne = sprintf(esc, "\\r");
            else if (c == '\t')
                ne = sprintf(esc, "\\t");
            else if (c < 0x20 || c == 0x7F)
                ne = sprintf(esc, "\\x%02x", c);
            else if (c >= 0x80 && !Py_UNICODE_ISPRINTABLE(c))
                ne = c <= 0xFF ? sprintf(esc, "\\x%02x", c)
                     : c <= 0xFFFF ? sprintf(esc, "\\u%04x", c) : sprintf(esc, "\\U%08x", c);
            if (ne)
                for (int j = 0; j < ne; j++)
                    o[k++] = (unsigned char)esc[j];
            else
                o[k++] = c;
        }
        o[k++] = q;
    }
    S(mi)->length = k;      /* the block is larger than the text: fine for an immutable string */
    return mi;
}

/* The string's text for an error message, as repr() shows it (truncated). */
static const char *
quoted(jp_meminfo *a)
{
    static __thread char buf[256];
    jp_meminfo *r = jp_str_repr(a);
    const char *u = r ? to_utf8(r, NULL) : NULL;
    snprintf(buf, sizeof buf, "%s", u ? u : "''");
    jp_nrt_decref(r);
    return buf;
}

/* The ASCII text between leading and trailing whitespace (digits of any
 * script mapped to ASCII), or -1 when a character cannot be part of a number. */
static int
number_text(jp_meminfo *a, char *out, size_t cap)
{
    int64_t i = 0, j = S(a)->length;
    size_t k = 0;
    while (i < j && is_space(S(a)->data[i]))
        i++;
    while (j > i && is_space(S(a)->data[j - 1]))
        j--;
    for (; i < j; i++) {
        uint32_t c = S(a)->data[i];
        if (c >= 128) {
            int dv = Py_UNICODE_TODECIMAL(c);
            if (dv < 0)
                return -1;
            c = (uint32_t)('0' + dv);
        }
        if (k + 1 >= cap)
            return -1;
        out[k++] = (char)c;
    }
    out[k] = 0;
    return (int)k;
}

/* int(s, base) */
static int64_t
jp_str_to_int(jp_meminfo *a, int64_t base, int32_t *status)
{
    char buf[128], clean[128], *end;
    int n = number_text(a, buf, sizeof buf), k = 0, prev_us = 1;
    long long v;
    const char *p = buf;
    if (base != 0 && (base < 2 || base > 36)) {
        fail(status, JP_STR_EVALUE, "int() base must be >= 2 and <= 36, or 0");
        return 0;
    }
    if (n <= 0)
        goto bad;
    /* underscores between digits, as Python allows */
    if (*p == '+' || *p == '-')
        clean[k++] = *p++;
    if (p[0] == '0' && (p[1] | 32) == (base == 16 ? 'x' : base == 8 ? 'o' : base == 2 ? 'b' : 0)) {
        p += 2;
        prev_us = 0;
    }
    for (; *p; p++) {
        if (*p == '_') {
            if (prev_us)
                goto bad;
            prev_us = 1;
            continue;
        }
        prev_us = 0;
        clean[k++] = *p;
    }
    clean[k] = 0;
    if (prev_us || k == 0 || (k == 1 && (clean[0] == '+' || clean[0] == '-')) || clean[k - 1] == ' ')
        goto bad;
    errno = 0;
    v = strtoll(clean, &end, (int)base);
    if (*end || end == clean || clean[(clean[0] == '+' || clean[0] == '-')] == ' ')
        goto bad;
    if (errno == ERANGE) {
        fail(status, JP_STR_EOVERFLOW, "int too large to convert to int64");
        return 0;
    }
    return v;
bad:
    fail(status, JP_STR_EVALUE, "invalid literal for int() with base %lld: %s", (long long)base, quoted(a));
    return 0;
}

static double
jp_str_to_float(jp_meminfo *a, int32_t *status)
{
    char buf[512], clean[512], *end;
    int n = number_text(a, buf, sizeof buf), k = 0;
    double v;
    if (n <= 0)
        goto bad;
    for (int i = 0; i < n; i++) {
        if (buf[i] == '_') {
            if (i == 0 || i == n - 1 || !(buf[i - 1] >= '0' && buf[i - 1] <= '9')
                || !(buf[i + 1] >= '0' && buf[i + 1] <= '9'))
                goto bad;
            continue;
        }
        if (buf[i] == ' ' || (buf[i] | 32) == 'x')
            goto bad;       /* no hex floats, as float() */
        clean[k++] = buf[i];
    }
    clean[k] = 0;
    {
        const char *p = clean + (clean[0] == '+' || clean[0] == '-');
        /* strtod takes "infinity", "nan(...)" and "inf": Python takes the first and "nan" */
        if ((p[0] | 32) == 'n' && strlen(p) != 3)
            goto bad;
    }
    v = strtod(clean, &end);
    if (*end || end == clean)
        goto bad;
    return v;
bad:
    fail(status, JP_STR_EVALUE, "could not convert string to float: %s", quoted(a));
    return 0;
}

static int64_t
jp_str_ord(jp_meminfo *a, int32_t *status)
{
    if (S(a)->length != 1) {
        fail(status, JP_STR_ETYPE, "ord() expected a character, but string of length %lld found",
             (long long)S(a)->length);
        return 0;
    }
    return S(a)->data[0];
}

static jp_meminfo *
jp_str_chr(int64_t i, int32_t *status)
{
    uint32_t c = (uint32_t)i;
    jp_meminfo *mi;
    if (i < 0 || i > 0x10FFFF) {
        fail(status, JP_STR_EVALUE, "chr() arg not in range(0x110000)");
        return NULL;
    }
    if ((mi = one_char(c)) == NULL)
        fail(status, JP_STR_EMEMORY, "out of memory");
    return mi;
}

/* ---- format specs (f-strings, format()) -------------------------------------------------- */

typedef struct spec {
    uint32_t fill;
    char align;         /* '<', '>', '^', '=' or 0 */
    char sign;          /* '+', '-', ' ' */
    int alt, zero, grouping;
    int64_t width, precision;   /* -1: none */
    char type;          /* 0: none */
} spec;

static int
parse_spec(const char *p, spec *s, int32_t *status)
{
    const char *text = p;
    memset(s, 0, sizeof *s);
    s->fill = ' ';
    s->sign = '-';
    s->width = s->precision = -1;
    if (*p && (p[1] == '<' || p[1] == '>' || p[1] == '^' || p[1] == '=')) {
        s->fill = (unsigned char)p[0];
        s->align = p[1];
        p += 2;
    } else if (*p == '<' || *p == '>' || *p == '^' || *p == '=') {
        s->align = *p++;
    }
    if (*p == '+' || *p == '-' || *p == ' ')
        s->sign = *p++;
    if (*p == '#') {
        s->alt = 1;
        p++;
    }
    if (*p == '0') {
        s->zero = 1;
        p++;
    }
    if (*p >= '0' && *p <= '9')
        for (s->width = 0; *p >= '0' && *p <= '9'; p++)
            s->width = s->width * 10 + (*p - '0');
    if (*p == ',' || *p == '_')
        s->grouping = *p++;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return fail(status, JP_STR_EVALUE, "Format specifier missing precision");
        for (s->precision = 0; *p >= '0' && *p <= '9'; p++)
            s->precision = s->precision * 10 + (*p - '0');
    }
    if (*p)
        s->type = *p++;
    if (*p)
        return fail(status, JP_STR_EVALUE, "Invalid format specifier '%s'", text);
    if (s->zero && !s->align) {
        s->fill = '0';
        s->align = '=';
    }
    return 0;
}

/* sign + body (ASCII digits), grouped and padded per the spec, as a new string */
static jp_meminfo *
pad_number(const spec *s, int neg, const char *prefix, const char *body, int32_t *status)
{
    char grouped[512];
    const char *b = body;
    char sign[2] = {0, 0};
    int64_t nsign, nbody, total, left = 0, pad, k = 0;
    char align = s->align ? s->align : '>';
    jp_meminfo *mi;
    if (neg)
        sign[0] = '-';
    else if (s->sign == '+' || s->sign == ' ')
        sign[0] = s->sign;
    if (s->grouping) {
        /* group the integer digits of body */
        size_t nint = strspn(body, "0123456789abcdefABCDEF"), gk = 0, step = s->type == 'x' || s->type == 'X'
                        || s->type == 'b' || s->type == 'o' ? 4 : 3;
        if (strchr(body, 'e') || strchr(body, 'E'))
            nint = strspn(body, "0123456789");
        for (size_t i = 0; i < nint && gk < sizeof grouped - 2; i++) {
            if (i && (nint - i) % step == 0)
                grouped[gk++] = (char)s->grouping;
            grouped[gk++] = body[i];
        }
        snprintf(grouped + gk, sizeof grouped - gk, "%s", body + nint);
        b = grouped;
    }
    nsign = (int64_t)strlen(sign) + (int64_t)strlen(prefix);
    nbody = (int64_t)strlen(b);
    total = nsign + nbody;
    pad = s->width > total ? s->width - total : 0;
    if (align == '<')
        left = 0;
    else if (align == '^')
        left = pad / 2;
    else
        left = pad;
    if ((mi = jp_str_new(total + pad)) == NULL) {
        fail(status, JP_STR_EMEMORY, "out of memory");
        return NULL;
    }
    {
        uint32_t *o = S(mi)->data;
        if (align != '=')
            for (int64_t i = 0; i < left; i++)
                o[k++] = s->fill;
        for (const char *p = sign; *p; p++)
            o[k++] = (unsigned char)*p;
        for (const char *p = prefix; *p; p++)
            o[k++] = (unsigned char)*p;
        if (align == '=')
            for (int64_t i = 0; i < pad; i++)
                o[k++] = s->fill;
        for (const char *p = b; *p; p++)
            o[k++] = (unsigned char)*p;
        while (k < total + pad)
            o[k++] = s->fill;
    }
    return mi;
}

static jp_meminfo *
format_double(double x, const spec *s, int32_t *status)
{
    char body[512];
    char type = s->type;
    int64_t prec = s->precision;
    int neg = signbit(x) && !isnan(x);
    double ax = fabs(x);
    int pct = 0;
    if (type == '%') {
        ax *= 100;
        type = 'f';
        pct = 1;
    }
    if (prec > 400)
        prec = 400;
    if (!isfinite(ax)) {
        snprintf(body, sizeof body, "%s", isnan(ax) ? "nan" : "inf");
        if (type == 'F' || type == 'E' || type == 'G')
            for (char *p = body; *p; p++)
                *p = (char)(*p - 32);
    } else if (type == 'f' || type == 'F' || type == 'e' || type == 'E' || type == 'g' || type == 'G') {
        char fmt[8];
        snprintf(fmt, sizeof fmt, "%%%s.*%c", s->alt ? "#" : "", type);
        snprintf(body, sizeof body, fmt, (int)(prec < 0 ? 6 : prec), ax);
    } else if (type == 0 || type == 'n') {
        if (prec < 0) {
            float_repr(ax, body);
        } else {
            /* 'g' with at least one digit after the point, scientific from exponent p - 1 */
            char dig[40], tmp[64];
            int e, nd;
            if (prec == 0)
                prec = 1;
            snprintf(tmp, sizeof tmp, "%.*e", (int)prec - 1, ax);
            nd = 0;
            for (const char *p = tmp; *p && *p != 'e'; p++)
                if (*p >= '0' && *p <= '9' && nd < 39)
                    dig[nd++] = *p;
            while (nd > 1 && dig[nd - 1] == '0')
                nd--;
            dig[nd] = 0;
            e = atoi(strchr(tmp, 'e') + 1);
            if (ax == 0)
                e = 0;
            if (e < -4 || e >= prec - 1 + (nd > e + 1 ? 1 : 0))
                sci_text(body, 0, dig, nd, e);
            else
                fixed_text(body, 0, dig, nd, e, 1);
        }
    } else {
        fail(status, JP_STR_EVALUE, "Unknown format code '%c' for object of type 'float'", type);
        return NULL;
    }
    if (pct)
        strcat(body, "%");
    return pad_number(s, neg, "", body, status);
}

static jp_meminfo *
jp_str_format_float(double x, const char *text, int32_t *status)
{
    spec s;
    if (parse_spec(text, &s, status))
        return NULL;
    if (s.grouping && s.type == 'n') {
        fail(status, JP_STR_EVALUE, "Cannot specify ',' with 'n'.");
        return NULL;
    }
    return format_double(x, &s, status);
}

static jp_meminfo *
jp_str_format_int(int64_t v, int64_t is_unsigned, const char *text, int32_t *status)
{
    spec s;
    char body[128], prefix[4] = "";
    unsigned long long m;
    int neg;
    if (parse_spec(text, &s, status))
        return NULL;
    if (strchr("eEfFgG%", s.type) && s.type)
        return format_double(is_unsigned ? (double)(uint64_t)v : (double)v, &s, status);
    if (s.precision >= 0) {
        fail(status, JP_STR_EVALUE, "Precision not allowed in integer format specifier");
        return NULL;
    }
    neg = !is_unsigned && v < 0;
    m = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    switch (s.type) {
    case 0: case 'd': case 'n':
        snprintf(body, sizeof body, "%llu", m);
        break;
    case 'x': case 'X': case 'o':
        snprintf(body, sizeof body, s.type == 'x' ? "%llx" : s.type == 'X' ? "%llX" : "%llo", m);
        if (s.alt)
            snprintf(prefix, sizeof prefix, "0%c", s.type);
        break;
    case 'b': {
        int k = 0;
        char tmp[72];
        do {
            tmp[k++] = (char)('0' + (m & 1));
            m >>= 1;
        } while (m);
        for (int i = 0; i < k; i++)
            body[i] = tmp[k - 1 - i];
        body[k] = 0;
        if (s.alt)
            snprintf(prefix, sizeof prefix, "0b");
        break;
    }
    case 'c': {
        /* the character, padded (left-aligned unless told) */
        int64_t pad = s.width > 1 ? s.width - 1 : 0;
        int64_t left = s.align == '>' || s.align == '=' ? pad : s.align == '^' ? pad / 2 : 0;
        jp_meminfo *mi;
        if (v < 0 || v > 0x10FFFF) {
            fail(status, JP_STR_EOVERFLOW, "%%c arg not in range(0x110000)");
            return NULL;
        }
        if ((mi = jp_str_new(1 + pad)) == NULL) {
            fail(status, JP_STR_EMEMORY, "out of memory");
            return NULL;
        }
        for (int64_t i = 0; i < 1 + pad; i++)
            S(mi)->data[i] = s.fill;
        S(mi)->data[left] = (uint32_t)v;
        return mi;
    }
    default:
        fail(status, JP_STR_EVALUE, "Unknown format code '%c' for object of type 'int'", s.type);
        return NULL;
    }
    return pad_number(&s, neg, prefix, body, status);
}

static jp_meminfo *
jp_str_format_str(jp_meminfo *a, const char *text, int32_t *status)
{
    spec s;
    int64_t n, pad, left, k = 0;
    jp_meminfo *mi;
    if (parse_spec(text, &s, status))
        return NULL;
    if (s.type && s.type != 's') {
        fail(status, JP_STR_EVALUE, "Unknown format code '%c' for object of type 'str'", s.type);
        return NULL;
    }
    if (s.align == '=' || (s.sign != '-')) {
        fail(status, JP_STR_EVALUE, s.align == '=' ? "'=' alignment not allowed in string format specifier"
                                                    : "Sign not allowed in string format specifier");
        return NULL;
    }
    n = S(a)->length;
    if (s.precision >= 0 && s.precision < n)
        n = s.precision;
    pad = s.width > n ? s.width - n : 0;
    left = s.align == '>' ? pad : s.align == '^' ? pad / 2 : 0;
    if ((mi = jp_str_new(n + pad)) == NULL) {
        fail(status, JP_STR_EMEMORY, "out of memory");
        return NULL;
    }
    for (int64_t i = 0; i < left; i++)
        S(mi)->data[k++] = s.fill;
    memcpy(S(mi)->data + k, S(a)->data, (size_t)n * 4);
    k += n;
    while (k < n + pad)
        S(mi)->data[k++] = s.fill;
    return mi;
}

/* ---- boxing ------------------------------------------------------------------------ */

int
jp_str_unbox(PyObject *obj, void *dst)
{
    Py_ssize_t n;
    jp_meminfo *mi;
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "expected unicode_type, got %R", obj);
        return -1;
    }
    n = PyUnicode_GET_LENGTH(obj);
    if ((mi = jp_str_new(n)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (n && PyUnicode_AsUCS4(obj, (Py_UCS4 *)S(mi)->data, n, 0) == NULL) {
        jp_nrt_decref(mi);
        return -1;
    }
    *(jp_meminfo **)dst = mi;
    return 0;
}

PyObject *
jp_str_box(jp_meminfo *mi)
{
    PyObject *r;
    if (mi == NULL)
        return PyUnicode_FromStringAndSize("", 0);
    r = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, S(mi)->data, (Py_ssize_t)S(mi)->length);
    jp_nrt_decref(mi);
    return r;
}

void
jp_str_release_arg(jp_type *t, void *slot)
{
    if (t->kind == JP_STR)
        jp_nrt_decref(*(jp_meminfo **)slot);
    else if (t->kind == JP_TUPLE)
        for (int i = 0; i < t->n; i++)
            jp_str_release_arg(t->elems[i], (char *)slot + t->offsets[i]);
}

/* CPython's text for unpacking a sequence of the wrong length (lower_list.c) */
static const char *
jp_rt_unpack_message(int64_t expected, int64_t got)
{
    if (got > expected)
        snprintf(err_text, sizeof err_text, "too many values to unpack (expected %lld)", (long long)expected);
    else
        snprintf(err_text, sizeof err_text, "not enough values to unpack (expected %lld, got %lld)",
                 (long long)expected, (long long)got);
    return err_text;
}

#define SYM(fn) {#fn, (void *)fn}
const jp_runtime_symbol jp_str_runtime_symbols[] = {
    SYM(jp_str_new), SYM(jp_str_from_utf8), SYM(jp_str_intern), SYM(jp_str_error_text), SYM(jp_str_utf8),
    SYM(jp_str_concat), SYM(jp_str_repeat), SYM(jp_str_char), SYM(jp_str_slice), SYM(jp_str_cmp),
    SYM(jp_str_eq), SYM(jp_str_find), SYM(jp_str_count), SYM(jp_str_affix), SYM(jp_str_split),
    SYM(jp_str_join), SYM(jp_str_strip), SYM(jp_str_case), SYM(jp_str_is), SYM(jp_str_replace),
    SYM(jp_str_pad), SYM(jp_str_from_int), SYM(jp_str_from_uint), SYM(jp_str_from_bool),
    SYM(jp_str_from_double), SYM(jp_str_repr), SYM(jp_str_to_int), SYM(jp_str_to_float),
    SYM(jp_str_ord), SYM(jp_str_chr), SYM(jp_str_format_float), SYM(jp_str_format_int),
    SYM(jp_str_format_str), SYM(jp_rt_unpack_message), SYM(jp_str_splitlines), SYM(jp_str_partition),
    SYM(jp_str_expandtabs),
    {NULL, NULL},
};
