/* jit/symbols_index.h - the registry's address index (symbols_index.c):
 * O(log n) lookups for jp_symbols_find(), async-signal-safe and lock-free. */
#ifndef JP_SYMBOLS_INDEX_H
#define JP_SYMBOLS_INDEX_H

#include "jit/symbols.h"

/* After the registry published `count` symbols (writer side, serialised
 * with registration): index them when enough are unindexed. */
void jp_symindex_update(size_t count);

/* Rebuild the whole index (writer side): after slots were reclaimed or a
 * reclaimed slot reused with a new range. */
void jp_symindex_rebuild(void);

/* The symbol containing ip, or NULL.  Async-signal-safe. */
const jp_jit_symbol *jp_symindex_find(uintptr_t ip);

/* The same, also telling how many entries it looked at (for the tests:
 * O(log n) plus the unindexed tail). */
const jp_jit_symbol *jp_symindex_find_counted(uintptr_t ip, size_t *probes);

#endif
