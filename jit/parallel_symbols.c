/* jit/parallel_symbols.c - the outlined bodies of parallel loops in the
 * symbol registry (see parallel_symbols.h). */
#include "jit/parallel_symbols.h"

#include <stdint.h>
#include <stdlib.h>

#include "jit/debuginfo.h"
#include "jit/engine.h"
#include "jit/symbols.h"

int
jp_register_parallel_bodies(const char *symbol, const char *qualname,
                            const char *signature, const char *filename,
                            int def_line, int lo, int hi, int inlined)
{
    static const char *const kinds[] = { ".prange.", ".parloop." };
    int count = 0;

    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        char *name;
        while ((name = jp_dbg_next_table(symbol, kinds[k])) != NULL) {
            int n_lines = 0;
            jp_line_span *lines = inlined ? jp_dbg_take_lines_inlined(name, lo, hi, &n_lines)
                                         : jp_dbg_take_lines(name, lo, hi, &n_lines);
            void *addr = jp_engine_lookup(name);
            size_t size = jp_engine_symbol_size(name);
            if (addr != NULL && size > 0
                && jp_symbols_add((uintptr_t)addr, (uintptr_t)addr + size, qualname,
                                  signature, filename, def_line, lines, n_lines) == 0)
                count++;
            free(lines);
            free(name);
        }
    }
    return count;
}
