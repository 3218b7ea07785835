/* sampler/inline_frames.c - frames for inlined jitted code (see
 * inline_frames.h).  An inlined function is named as its own compiled
 * instance is in the JIT symbol registry (same file and def line: "g [jit
 * float64]"), so its inlined and called samples add up to one function; a
 * function with no instance left is "file:line [jit inlined]".  Function
 * ids are cached per (chain, level). */
#include "sampler/inline_frames.h"

#include <stdio.h>
#include <string.h>

#include "jit/inline_chains.h"
#include "profiler/idmap.h"

static jp_idmap func_cache;             /* (chain id, level) -> function id */

static const char *
display_of(const jp_inline_frame *f, char *buf, size_t cap)
{
    size_t n = jp_symbols_count();
    for (size_t i = 0; i < n; i++) {
        const jp_jit_symbol *s = jp_symbols_at(i);
        if (s->start != 0 && !s->is_trampoline && s->display != NULL
            && s->first_line == f->def_line && s->filename != NULL
            && strcmp(s->filename, f->filename) == 0) {
            snprintf(buf, cap, "%s", s->display);
            return buf;
        }
    }
    const char *base = strrchr(f->filename, '/');
    snprintf(buf, cap, "%s:%d [jit inlined]", base ? base + 1 : f->filename, f->def_line);
    return buf;
}

int
jp_inline_frames(jp_profile *p, const jp_jit_symbol *sym, uintptr_t ip,
                 jp_module_fn module_of, uint32_t *out, int cap)
{
    uint32_t id = jp_symbols_inlined(sym, ip);
    const jp_inline_chain *c = id ? jp_inline_chain_get(id) : NULL;
    int n = 0;

    if (c == NULL)
        return 0;
    for (int k = c->n - 1; k >= 0 && n < cap; k--) {
        const jp_inline_frame *f = &c->frames[k];
        uint32_t func = jp_idmap_get(&func_cache, id, (uint64_t)k);
        uint32_t frame;
        if (func == JP_NONE) {
            char name[512], module[256];
            module_of(f->filename, module, sizeof module);
            func = jp_profile_func(p, display_of(f, name, sizeof name), f->filename, module,
                                   f->def_line, JP_CAT_JIT);
            if (func == JP_NONE)
                break;
            jp_idmap_put(&func_cache, id, (uint64_t)k, func);
        }
        frame = jp_profile_frame(p, func, f->line);
        if (frame == JP_NONE)
            break;
        out[n++] = frame;
    }
    return n;
}

void
jp_inline_frames_reset(void)
{
    jp_idmap_free(&func_cache);
}
