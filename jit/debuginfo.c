/* jit/debuginfo.c - DWARF line tables for JIT code (see debuginfo.h).
 *
 * Emission: one DIBuilder and compile unit per module, line-tables-only,
 * DWARF 4, a subprogram per function, the builder's current location kept
 * on the Python line of the statement (or expression) being lowered.
 *
 * Reading: the objects the JIT links are relocatable, so the address that
 * DW_LNE_set_address stores is not final.  Each sequence's start is found
 * from the relocation against that operand: its symbol (a section symbol or
 * a function) and, for RELA objects, the addend read from the raw
 * relocation section (the C API does not expose addends).  Row addresses
 * then become offsets in a section, and each "jp." function symbol (offset
 * and size in the same section) collects the rows that fall inside it.
 */
#include "jit/debuginfo.h"
#include "jit/inline_chains.h"

#include <llvm-c/DebugInfo.h>
#include <stdlib.h>
#include <string.h>

/* ---- emission ---------------------------------------------------------------- */

struct jp_dbg {
    LLVMContextRef ctx;
    LLVMDIBuilderRef dib;
    LLVMMetadataRef cu;
    LLVMMetadataRef scope;      /* subprogram of the function being lowered */
};

static LLVMMetadataRef
make_file(LLVMDIBuilderRef dib, const char *filename)
{
    const char *f = filename ? filename : "<unknown>";
    return LLVMDIBuilderCreateFile(dib, f, strlen(f), "", 0);
}

static void
add_flag(LLVMModuleRef mod, LLVMContextRef ctx, const char *key, unsigned value)
{
    LLVMValueRef v = LLVMConstInt(LLVMInt32TypeInContext(ctx), value, 0);
    LLVMAddModuleFlag(mod, LLVMModuleFlagBehaviorWarning, key, strlen(key), LLVMValueAsMetadata(v));
}

static jp_dbg *begin_module(LLVMModuleRef mod, const char *filename, LLVMDWARFEmissionKind kind);

jp_dbg *
jp_dbg_begin_module(LLVMModuleRef mod, const char *filename)
{
    return begin_module(mod, filename, LLVMDWARFEmissionLineTablesOnly);
}

jp_dbg *
jp_dbg_begin_line_directives(LLVMModuleRef mod, const char *filename)
{
    /* DICompileUnit::DebugDirectivesOnly (3; the C API's enum stops at 2) */
    return begin_module(mod, filename, (LLVMDWARFEmissionKind)3);
}

static jp_dbg *
begin_module(LLVMModuleRef mod, const char *filename, LLVMDWARFEmissionKind kind)
{
    static const char producer[] = "jitprofile";
    jp_dbg *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->ctx = LLVMGetModuleContext(mod);
    d->dib = LLVMCreateDIBuilder(mod);
    d->cu = LLVMDIBuilderCreateCompileUnit(
        d->dib, LLVMDWARFSourceLanguagePython, make_file(d->dib, filename), producer,
        sizeof producer - 1, 1, "", 0, 0, "", 0, kind, 0, 0, 0, "", 0, "", 0);
    add_flag(mod, d->ctx, "Debug Info Version", LLVMDebugMetadataVersion());
    add_flag(mod, d->ctx, "Dwarf Version", 4);
    return d;
}

void
jp_dbg_finish_module(jp_dbg *d)
{
    if (d == NULL)
        return;
    LLVMDIBuilderFinalize(d->dib);
    LLVMDisposeDIBuilder(d->dib);
    free(d);
}

void
jp_dbg_begin_function(jp_dbg *d, LLVMBuilderRef b, LLVMValueRef fn, const char *name,
                      const char *filename, int line)
{
    LLVMMetadataRef file, type, sp;
    size_t len;
    const char *linkage;
    if (d == NULL)
        return;
    file = make_file(d->dib, filename);
    type = LLVMDIBuilderCreateSubroutineType(d->dib, file, NULL, 0, LLVMDIFlagZero);
    linkage = LLVMGetValueName2(fn, &len);
    if (line < 1)
        line = 1;
    sp = LLVMDIBuilderCreateFunction(d->dib, file, name, strlen(name), linkage, len, file,
                                     (unsigned)line, type, 0, 1, (unsigned)line, LLVMDIFlagZero, 1);
    LLVMSetSubprogram(fn, sp);
    d->scope = sp;
    LLVMSetCurrentDebugLocation2(b, LLVMDIBuilderCreateDebugLocation(d->ctx, (unsigned)line, 0, sp, NULL));
}

LLVMMetadataRef
jp_dbg_scope(jp_dbg *d)
{
    return d ? d->scope : NULL;
}

void
jp_dbg_set_scope(jp_dbg *d, LLVMMetadataRef scope)
{
    if (d)
        d->scope = scope;
}

LLVMMetadataRef
jp_dbg_set_location(jp_dbg *d, LLVMBuilderRef b, int line, int col)
{
    LLVMMetadataRef prev;
    if (d == NULL || d->scope == NULL || line <= 0)
        return NULL;
    prev = LLVMGetCurrentDebugLocation2(b);
    /* Same line: keep the location (fewer rows; the table is per line). */
    if (prev != NULL && LLVMDILocationGetLine(prev) == (unsigned)line)
        return NULL;
    LLVMSetCurrentDebugLocation2(b, LLVMDIBuilderCreateDebugLocation(
                                        d->ctx, (unsigned)line,
                                        col >= 0 ? (unsigned)(col + 1 < (int)JP_INLINE_COLUMN_TAG
                                                              ? col + 1 : (int)JP_INLINE_COLUMN_TAG - 1) : 0,
                                        d->scope, NULL));
    return prev;
}

void
jp_dbg_restore_location(jp_dbg *d, LLVMBuilderRef b, LLVMMetadataRef loc)
{
    if (d != NULL && loc != NULL)
        LLVMSetCurrentDebugLocation2(b, loc);
}

/* A trampoline (<symbol>.tramp) only wraps its function: code inlined into
 * it keeps the location it has in that function (one level below the
 * trampoline's own), so that samples there read as the function's lines. */
static int
is_trampoline(LLVMValueRef fn)
{
    size_t len = 0;
    const char *name = LLVMGetValueName2(fn, &len);
    return len > 6 && memcmp(name + len - 6, ".tramp", 6) == 0;
}

/* The inlining chain of loc below `base` (the location whose function the
 * code now counts as: the outermost, or the one below a trampoline), as an
 * interned id; 0 when there is none or it cannot be kept.  A location that
 * already carries a chain (a callee's kept bitcode, flattened when it was
 * compiled) contributes that chain under its own frame. */
static uint32_t
chain_of(LLVMMetadataRef loc, LLVMMetadataRef base)
{
    static char names[JP_INLINE_MAX_DEPTH][1024];      /* the frames' file names, NUL-ended */
    LLVMMetadataRef levels[JP_INLINE_MAX_DEPTH];
    jp_inline_chain chain;
    const jp_inline_chain *inner = NULL;
    int n = 0;
    unsigned col;

    for (LLVMMetadataRef at = loc; at && at != base; at = LLVMDILocationGetInlinedAt(at)) {
        if (n == JP_INLINE_MAX_DEPTH)
            return 0;
        levels[n++] = at;
    }
    if (n == 0)
        return 0;
    col = LLVMDILocationGetColumn(loc);
    if (col & JP_INLINE_COLUMN_TAG)
        inner = jp_inline_chain_get(col & JP_INLINE_MAX_IDS);
    memset(&chain, 0, sizeof chain);
    chain.call_line = (int)LLVMDILocationGetLine(base);
    for (int i = n - 1; i >= 0; i--) {          /* outermost callee first */
        LLVMMetadataRef scope = LLVMDILocationGetScope(levels[i]), file;
        jp_inline_frame *f = &chain.frames[chain.n++];
        unsigned len = 0;
        if (scope == NULL || LLVMGetMetadataKind(scope) != LLVMDISubprogramMetadataKind)
            return 0;
        file = LLVMDIScopeGetFile(scope);
        {
            const char *name = file ? LLVMDIFileGetFilename(file, &len) : "";
            if (name == NULL || len >= sizeof names[0])
                return 0;
            memcpy(names[i], name, len);
            names[i][len] = '\0';
            f->filename = names[i];
        }
        f->def_line = (int)LLVMDISubprogramGetLine(scope);
        f->line = (int)LLVMDILocationGetLine(levels[i]);
        if (i == 0 && inner != NULL) {          /* the callee's own chain under it */
            f->line = inner->call_line;
            for (int k = 0; k < inner->n; k++) {
                if (chain.n == JP_INLINE_MAX_DEPTH)
                    return 0;
                chain.frames[chain.n++] = inner->frames[k];
            }
        }
    }
    return jp_inline_chain_intern(&chain);
}

void
jp_dbg_flatten_inlined(LLVMModuleRef mod)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
        int tramp = is_trampoline(fn);
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
            for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
                LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(i), at, outer = NULL,
                                below = loc, base;
                uint32_t id;
                if (loc == NULL)
                    continue;
                for (at = LLVMDILocationGetInlinedAt(loc); at; at = LLVMDILocationGetInlinedAt(at)) {
                    if (outer)
                        below = outer;
                    outer = at;
                }
                if (outer == NULL)
                    continue;
                /* a trampoline counts as its function (one level below) */
                base = tramp ? below : outer;
                id = base != loc ? chain_of(loc, base) : 0;
                if (id == 0 && !tramp) {
                    LLVMInstructionSetDebugLoc(i, outer);
                    continue;
                }
                LLVMInstructionSetDebugLoc(i, LLVMDIBuilderCreateDebugLocation(
                    ctx, LLVMDILocationGetLine(base),
                    id ? JP_INLINE_COLUMN_TAG | id : LLVMDILocationGetColumn(base),
                    LLVMDILocationGetScope(outer), NULL));
            }
    }
}

/* ---- the DWARF line program ---------------------------------------------------- */

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

static uint64_t
rd_fixed(reader *r, int n)
{
    uint64_t v = 0;
    if (r->end - r->p < n) {
        r->bad = 1;
        r->p = r->end;
        return 0;
    }
    for (int i = 0; i < n; i++)
        v |= (uint64_t)r->p[i] << (8 * i);       /* little-endian objects */
    r->p += n;
    return v;
}

static uint64_t
rd_uleb(reader *r)
{
    uint64_t v = 0;
    unsigned shift = 0;
    while (r->p < r->end) {
        unsigned char byte = *r->p++;
        if (shift < 64)
            v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80))
            return v;
    }
    r->bad = 1;
    return v;
}

static int64_t
rd_sleb(reader *r)
{
    int64_t v = 0;
    unsigned shift = 0;
    while (r->p < r->end) {
        unsigned char byte = *r->p++;
        if (shift < 64)
            v |= (int64_t)((uint64_t)(byte & 0x7f) << shift);
        shift += 7;
        if (!(byte & 0x80)) {
            if (shift < 64 && (byte & 0x40))
                v |= -((int64_t)1 << shift);
            return v;
        }
    }
    r->bad = 1;
    return v;
}

/* One line-number program (a unit); returns sequences seen, -1 if bad. */
static int
decode_unit(const unsigned char *base, reader *r, jp_dbg_row_fn emit, void *ctx)
{
    uint64_t unit_length = rd_fixed(r, 4), header_length;
    int offset_size = 4, sequences = 0;
    unsigned version, min_inst, line_range, opcode_base;
    int line_base;
    unsigned char std_lengths[256] = {0};
    const unsigned char *program;
    reader u;
    jp_dbg_row row = {0, 1, 0, (size_t)-1, 0, 0};
    int64_t line = 1;

    if (unit_length == 0xffffffffu) {
        unit_length = rd_fixed(r, 8);
        offset_size = 8;
    }
    if (r->bad || unit_length > (uint64_t)(r->end - r->p))
        return -1;
    u.p = r->p;
    u.end = r->p + unit_length;
    u.bad = 0;
    r->p = u.end;

    version = (unsigned)rd_fixed(&u, 2);
    if (version < 2 || version > 5)
        return -1;
    if (version >= 5)
        rd_fixed(&u, 2);                         /* address_size, segment_selector_size */
    header_length = rd_fixed(&u, offset_size);
    if (u.bad || header_length > (uint64_t)(u.end - u.p))
        return -1;
    program = u.p + header_length;
    min_inst = (unsigned)rd_fixed(&u, 1);
    if (version >= 4)
        rd_fixed(&u, 1);                         /* maximum_operations_per_instruction */
    rd_fixed(&u, 1);                             /* default_is_stmt */
    line_base = (int)(signed char)rd_fixed(&u, 1);
    line_range = (unsigned)rd_fixed(&u, 1);
    opcode_base = (unsigned)rd_fixed(&u, 1);
    if (u.bad || line_range == 0 || opcode_base == 0)
        return -1;
    for (unsigned i = 1; i < opcode_base; i++)
        std_lengths[i] = (unsigned char)rd_fixed(&u, 1);
    if (u.bad || program > u.end)
        return -1;
    u.p = program;      /* the directory and file tables are not needed */

#define EMIT(endseq)                                          \
    do {                                                      \
        row.line = (uint32_t)(line > 0 ? line : 0);           \
        row.end_sequence = (endseq);                          \
        emit(ctx, &row);                                      \
    } while (0)

    while (u.p < u.end && !u.bad) {
        unsigned op = *u.p++;
        if (op >= opcode_base) {                 /* special opcode */
            unsigned adj = op - opcode_base;
            row.address += (uint64_t)(adj / line_range) * min_inst;
            line += line_base + (int)(adj % line_range);
            EMIT(0);
        } else if (op == 0) {                    /* extended opcode */
            uint64_t len = rd_uleb(&u);
            const unsigned char *next;
            unsigned sub;
            if (u.bad || len == 0 || len > (uint64_t)(u.end - u.p))
                return -1;
            next = u.p + len;
            sub = *u.p++;
            if (sub == 1) {                      /* DW_LNE_end_sequence */
                EMIT(1);
                sequences++;
                row.address = 0;
                row.set_address_at = (size_t)-1;
                row.set_address_value = 0;
                row.column = 0;
                line = 1;
            } else if (sub == 2) {               /* DW_LNE_set_address */
                int n = (int)(len - 1);
                if (n < 1 || n > 8)
                    return -1;
                row.set_address_at = (size_t)(u.p - base);
                row.address = row.set_address_value = rd_fixed(&u, n);
            }
            u.p = next;                          /* define_file, set_discriminator, ... */
        } else {                                 /* standard opcode */
            switch (op) {
            case 1: EMIT(0); break;                                          /* copy */
            case 2: row.address += rd_uleb(&u) * min_inst; break;            /* advance_pc */
            case 3: line += rd_sleb(&u); break;                              /* advance_line */
            case 8:                                                          /* const_add_pc */
                row.address += (uint64_t)((255 - opcode_base) / line_range) * min_inst;
                break;
            case 9: row.address += rd_fixed(&u, 2); break;                   /* fixed_advance_pc */
            case 5: row.column = (uint32_t)rd_uleb(&u); break;               /* set_column */
            default:            /* set_file, set_column, negate_stmt, ...: skip the operands */
                for (unsigned k = 0; k < std_lengths[op]; k++)
                    rd_uleb(&u);
                break;
            }
        }
    }
#undef EMIT
    return u.bad ? -1 : sequences;
}

int
jp_dbg_decode_line_section(const unsigned char *data, size_t size, jp_dbg_row_fn row, void *ctx)
{
    reader r = {data, data + size, 0};
    int total = 0;
    while (r.p < r.end) {
        int n = decode_unit(data, &r, row, ctx);
        if (n < 0)
            return -1;
        total += n;
    }
    return total;
}

/* ---- objects -> per-symbol rows ---------------------------------------------- */

typedef struct line_entry {
    char *name;
    jp_line_span *rows;
    int n;
    struct line_entry *next;
} line_entry;
static line_entry *tables;

typedef struct raw_row {
    int section;                /* index into the scan's section names, -1 unknown */
    uint64_t offset;            /* in that section */
    uint32_t line;
    uint32_t column;
    int end_sequence;
} raw_row;

typedef struct reloc {
    uint64_t offset;            /* of the relocated field, in .debug_line */
    int section;                /* of the symbol */
    uint64_t target;            /* symbol offset in its section + addend */
} reloc;

typedef struct object_scan {
    char *section_names[64];
    int nsections;
    reloc *relocs;
    size_t nrelocs;
    raw_row *rows;
    size_t nrows, cap;
    int text_section;           /* for sequences without a relocation */
    int oom;
} object_scan;

static int
section_id(object_scan *s, const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < s->nsections; i++)
        if (strcmp(s->section_names[i], name) == 0)
            return i;
    if (s->nsections == 64 || (s->section_names[s->nsections] = strdup(name)) == NULL)
        return -1;
    return s->nsections++;
}

static int
symbol_section(object_scan *s, LLVMBinaryRef bin, LLVMSymbolIteratorRef sym)
{
    LLVMSectionIteratorRef sec = LLVMObjectFileCopySectionIterator(bin);
    int id = -1;
    LLVMMoveToContainingSection(sec, sym);
    if (!LLVMObjectFileIsSectionIteratorAtEnd(bin, sec))
        id = section_id(s, LLVMGetSectionName(sec));
    LLVMDisposeSectionIterator(sec);
    return id;
}

static void
collect_row(void *ctx, const jp_dbg_row *row)
{
    object_scan *s = ctx;
    raw_row *r;
    int section = s->text_section;
    uint64_t offset = row->address;
    for (size_t i = 0; i < s->nrelocs; i++)
        if (s->relocs[i].offset == row->set_address_at) {
            section = s->relocs[i].section;
            offset = s->relocs[i].target + (row->address - row->set_address_value);
            break;
        }
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        raw_row *rows = realloc(s->rows, cap * sizeof *rows);
        if (rows == NULL) {
            s->oom = 1;
            return;
        }
        s->rows = rows;
        s->cap = cap;
    }
    r = &s->rows[s->nrows++];
    r->section = section;
    r->offset = offset;
    r->line = row->line;
    r->column = row->column;
    r->end_sequence = row->end_sequence;
}

/* The relocations against .debug_line: symbol and section from the C API,
 * the addend from the raw Elf64_Rela entries (same order) when the section
 * is RELA, else the value stored in place (REL). */
static void
read_relocations(object_scan *s, LLVMBinaryRef bin, LLVMSectionIteratorRef relsec,
                 const unsigned char *line_data, size_t line_size)
{
    const char *name = LLVMGetSectionName(relsec);
    const unsigned char *raw = (const unsigned char *)LLVMGetSectionContents(relsec);
    uint64_t raw_size = LLVMGetSectionSize(relsec);
    int rela = strncmp(name, ".rela", 5) == 0;
    size_t k = 0, cap = 0;
    LLVMRelocationIteratorRef it = LLVMGetRelocations(relsec);

    for (; !LLVMIsRelocationIteratorAtEnd(relsec, it); LLVMMoveToNextRelocation(it), k++) {
        uint64_t off = LLVMGetRelocationOffset(it), addend = 0;
        LLVMSymbolIteratorRef sym;
        if (rela) {
            /* Elf64_Rela: r_offset, r_info, r_addend */
            reader r = {raw + k * 24, raw + raw_size, 0};
            if ((k + 1) * 24 > raw_size || rd_fixed(&r, 8) != off)
                break;          /* not the ELF64 layout we expect: no relocations */
            rd_fixed(&r, 8);
            addend = rd_fixed(&r, 8);
        } else if (off + 8 <= line_size) {
            reader r = {line_data + off, line_data + line_size, 0};
            addend = rd_fixed(&r, 8);
        }
        if (s->nrelocs == cap) {
            reloc *more = realloc(s->relocs, (cap = cap ? cap * 2 : 64) * sizeof *more);
            if (more == NULL) {
                s->oom = 1;
                break;
            }
            s->relocs = more;
        }
        sym = LLVMGetRelocationSymbol(it);
        if (LLVMObjectFileIsSymbolIteratorAtEnd(bin, sym)) {     /* no symbol */
            LLVMDisposeSymbolIterator(sym);
            continue;
        }
        s->relocs[s->nrelocs].offset = off;
        s->relocs[s->nrelocs].section = symbol_section(s, bin, sym);
        s->relocs[s->nrelocs].target = LLVMGetSymbolAddress(sym) + addend;
        s->nrelocs++;
        LLVMDisposeSymbolIterator(sym);
    }
    LLVMDisposeRelocationIterator(it);
}

static void
store_table(const char *name, int section, uint64_t start, uint64_t end, const object_scan *s)
{
    line_entry *e = calloc(1, sizeof *e);
    int have_prev = 0;
    uint32_t prev_line = 0, prev_column = 0;
    if (e == NULL || (e->name = strdup(name)) == NULL
        || (e->rows = malloc((s->nrows + 1) * sizeof *e->rows)) == NULL) {
        if (e)
            free(e->name);
        free(e);
        return;
    }
    for (size_t i = 0; i < s->nrows; i++) {
        const raw_row *r = &s->rows[i];
        if (r->section != section)
            continue;
        if (r->offset <= start) {
            /* the row in effect at the start of the function */
            have_prev = !r->end_sequence;
            prev_line = r->line;
            prev_column = r->column;
            continue;
        }
        if (r->offset >= end)
            continue;
        if (have_prev) {
            e->rows[e->n].code_offset = 0;
            e->rows[e->n].inlined = prev_column;
            e->rows[e->n++].line = prev_line;
            have_prev = 0;
        }
        if (!r->end_sequence) {
            e->rows[e->n].code_offset = (uint32_t)(r->offset - start);
            e->rows[e->n].inlined = r->column;
            e->rows[e->n++].line = r->line;
        }
    }
    if (have_prev) {
        e->rows[e->n].code_offset = 0;
        e->rows[e->n].inlined = prev_column;
        e->rows[e->n++].line = prev_line;
    }
    e->next = tables;
    tables = e;
}

void
jp_dbg_read_object(LLVMBinaryRef bin)
{
    object_scan s;
    LLVMSectionIteratorRef sec;
    LLVMSymbolIteratorRef sym;
    const unsigned char *line_data = NULL;
    size_t line_size = 0;

    memset(&s, 0, sizeof s);
    s.text_section = section_id(&s, ".text");
    sec = LLVMObjectFileCopySectionIterator(bin);
    for (; !LLVMObjectFileIsSectionIteratorAtEnd(bin, sec); LLVMMoveToNextSection(sec)) {
        const char *name = LLVMGetSectionName(sec);
        if (name && strcmp(name, ".debug_line") == 0) {
            line_data = (const unsigned char *)LLVMGetSectionContents(sec);
            line_size = (size_t)LLVMGetSectionSize(sec);
        }
    }
    if (line_data == NULL)
        goto done;
    LLVMDisposeSectionIterator(sec);
    sec = LLVMObjectFileCopySectionIterator(bin);
    for (; !LLVMObjectFileIsSectionIteratorAtEnd(bin, sec); LLVMMoveToNextSection(sec)) {
        const char *name = LLVMGetSectionName(sec);
        if (name && (strcmp(name, ".rela.debug_line") == 0 || strcmp(name, ".rel.debug_line") == 0))
            read_relocations(&s, bin, sec, line_data, line_size);
    }
    if (jp_dbg_decode_line_section(line_data, line_size, collect_row, &s) < 0 || s.oom)
        goto done;

    sym = LLVMObjectFileCopySymbolIterator(bin);
    for (; !LLVMObjectFileIsSymbolIteratorAtEnd(bin, sym); LLVMMoveToNextSymbol(sym)) {
        const char *name = LLVMGetSymbolName(sym);
        uint64_t size = LLVMGetSymbolSize(sym), start = LLVMGetSymbolAddress(sym);
        if (name && size && strncmp(name, "jp.", 3) == 0)
            store_table(name, symbol_section(&s, bin, sym), start, start + size, &s);
    }
    LLVMDisposeSymbolIterator(sym);
done:
    LLVMDisposeSectionIterator(sec);
    for (int i = 0; i < s.nsections; i++)
        free(s.section_names[i]);
    free(s.relocs);
    free(s.rows);
}

static jp_line_span *take_lines(const char *name, int lo, int hi, int *n, int inlined);

jp_line_span *
jp_dbg_take_lines(const char *name, int lo, int hi, int *n)
{
    return take_lines(name, lo, hi, n, 0);
}

jp_line_span *
jp_dbg_take_lines_inlined(const char *name, int lo, int hi, int *n)
{
    return take_lines(name, lo, hi, n, 1);
}

/* The rows' `inlined` hold the DWARF column until here: a chain id when
 * tagged (and asked for, and known in this process), else 0. */
static jp_line_span *
take_lines(const char *name, int lo, int hi, int *n, int inlined)
{
    *n = 0;
    for (line_entry **p = &tables; *p; p = &(*p)->next) {
        line_entry *e = *p;
        jp_line_span *rows = e->rows;
        int count = e->n, k = 0;
        if (strcmp(e->name, name) != 0)
            continue;
        *p = e->next;
        free(e->name);
        free(e);
        /* stable insertion sort (rows arrive sorted; equal offsets keep order) */
        for (int i = 1; i < count; i++) {
            jp_line_span r = rows[i];
            int j = i;
            for (; j > 0 && rows[j - 1].code_offset > r.code_offset; j--)
                rows[j] = rows[j - 1];
            rows[j] = r;
        }
        for (int i = 0; i < count; i++) {
            jp_line_span r = rows[i];
            if (r.line == 0 || (int)r.line < lo || (int)r.line > hi)
                continue;               /* the previous row's line carries on */
            r.inlined = inlined && (r.inlined & JP_INLINE_COLUMN_TAG)
                        && jp_inline_chain_get(r.inlined & JP_INLINE_MAX_IDS) != NULL
                        ? r.inlined & JP_INLINE_MAX_IDS : 0;
            if (k > 0 && rows[k - 1].code_offset == r.code_offset)
                k--;                    /* an empty span: the later row wins */
            if (k > 0 && rows[k - 1].line == r.line && rows[k - 1].inlined == r.inlined)
                continue;               /* same line: one span */
            rows[k++] = r;
        }
        if (k == 0) {
            free(rows);
            return NULL;
        }
        *n = k;
        return rows;
    }
    return NULL;
}

void
jp_dbg_drop_lines(void)
{
    while (tables) {
        line_entry *e = tables;
        tables = e->next;
        free(e->rows);
        free(e->name);
        free(e);
    }
}

char *
jp_dbg_next_table(const char *prefix, const char *infix)
{
    size_t lp = strlen(prefix), li = strlen(infix);
    for (line_entry *e = tables; e; e = e->next)
        if (strncmp(e->name, prefix, lp) == 0 && strncmp(e->name + lp, infix, li) == 0)
            return strdup(e->name);
    return NULL;
}
