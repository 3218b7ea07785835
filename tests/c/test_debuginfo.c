/* tests/c/test_debuginfo.c - jit/debuginfo.c without Python:
 *  1. the .debug_line decoder on hand-assembled DWARF 4 and 5 units
 *     (standard, extended and special opcodes; malformed input);
 *  2. end to end: a module with debug locations emitted to a relocatable
 *     object by the host target machine, decoded into per-symbol tables. */
#include "jit/debuginfo.h"

#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* ---- 1. the decoder -------------------------------------------------------------- */

typedef struct rows {
    jp_dbg_row r[64];
    int n;
} rows;

static void
collect(void *ctx, const jp_dbg_row *row)
{
    rows *rs = ctx;
    if (rs->n < 64)
        rs->r[rs->n++] = *row;
}

typedef struct buf {
    unsigned char b[1024];
    size_t n;
} buf;

static void
put(buf *b, const void *p, size_t n)
{
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void
put8(buf *b, unsigned v)
{
    b->b[b->n++] = (unsigned char)v;
}

static void
put_le(buf *b, unsigned long long v, int n)
{
    for (int i = 0; i < n; i++)
        put8(b, (unsigned)(v >> (8 * i)) & 0xff);
}

/* A unit: header fields of `version`, then `program`.  Returns the offset of
 * the program inside b. */
static size_t
put_unit(buf *b, int version, const unsigned char *program, size_t program_len)
{
    static const unsigned char std_lengths[12] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};
    size_t length_at = b->n, header_length_at, header_start, program_at;
    put_le(b, 0, 4);                            /* unit_length, patched */
    put_le(b, (unsigned)version, 2);
    if (version >= 5) {
        put8(b, 8);                             /* address_size */
        put8(b, 0);                             /* segment_selector_size */
    }
    header_length_at = b->n;
    put_le(b, 0, 4);                            /* header_length, patched */
    header_start = b->n;
    put8(b, 1);                                 /* minimum_instruction_length */
    if (version >= 4)
        put8(b, 1);                             /* maximum_operations_per_instruction */
    put8(b, 1);                                 /* default_is_stmt */
    put8(b, 0xfb);                              /* line_base -5 */
    put8(b, 14);                                /* line_range */
    put8(b, 13);                                /* opcode_base */
    put(b, std_lengths, sizeof std_lengths);
    if (version >= 5) {
        put8(b, 1);                             /* directory formats: path/string */
        put8(b, 1), put8(b, 0x08);
        put8(b, 1);                             /* one directory */
        put(b, "/tmp", 5);
        put8(b, 2);                             /* file formats: path/string, dir/udata */
        put8(b, 1), put8(b, 0x08), put8(b, 2), put8(b, 0x0f);
        put8(b, 1);                             /* one file */
        put(b, "b.py", 5);
        put8(b, 0);
    } else {
        put8(b, 0);                             /* no include directories */
        put(b, "a.py", 5);
        put8(b, 0), put8(b, 0), put8(b, 0);     /* dir, mtime, length */
        put8(b, 0);                             /* end of files */
    }
    program_at = b->n;
    {
        unsigned long long hl = program_at - header_start, ul;
        for (int i = 0; i < 4; i++)
            b->b[header_length_at + i] = (unsigned char)(hl >> (8 * i));
        put(b, program, program_len);
        ul = b->n - length_at - 4;
        for (int i = 0; i < 4; i++)
            b->b[length_at + i] = (unsigned char)(ul >> (8 * i));
    }
    return program_at;
}

static void
test_decoder(void)
{
    static const unsigned char v4_program[] = {
        0x00, 0x09, 0x02, 0x00, 0x10, 0, 0, 0, 0, 0, 0,  /* set_address 0x1000 */
        0x03, 0x09,                                      /* advance_line +9: 10 */
        0x01,                                            /* copy: (0x1000, 10) */
        75,                                              /* special: +4, +1: (0x1004, 11) */
        0x02, 0x20, 0x03, 0x7d, 0x01,                    /* +0x20, -3, copy: (0x1024, 8) */
        0x08,                                            /* const_add_pc: +17 = 0x1035 */
        0x09, 0x10, 0x00,                                /* fixed_advance_pc +16 = 0x1045 */
        0x05, 0x05, 0x06,                                /* set_column 5, negate_stmt */
        20,                                              /* special: +0, +2: (0x1045, 10) */
        0x02, 0x03, 0x00, 0x01, 0x01,                    /* +3, end_sequence at 0x1048 */
    };
    static const unsigned char v5_program[] = {
        0x00, 0x09, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,        /* set_address 0 */
        0x03, 0x04, 0x01,                                /* line 5, copy: (0, 5) */
        46,                                              /* special: +2, +0: (2, 5) */
        0x00, 0x02, 0x04, 0x01,                          /* set_discriminator 1 */
        33,                                              /* special: +1, +1: (3, 6) */
        0x02, 0x01, 0x00, 0x01, 0x01,                    /* +1, end_sequence at 4 */
    };
    buf b = {{0}, 0};
    rows rs = {{{0}}, 0};
    size_t v4_at = put_unit(&b, 4, v4_program, sizeof v4_program);
    size_t v5_at = put_unit(&b, 5, v5_program, sizeof v5_program);
    static const struct { unsigned long long a; unsigned line; int end; } want[] = {
        {0x1000, 10, 0}, {0x1004, 11, 0}, {0x1024, 8, 0}, {0x1045, 10, 0}, {0x1048, 10, 1},
        {0, 5, 0}, {2, 5, 0}, {3, 6, 0}, {4, 6, 1},
    };

    CHECK(jp_dbg_decode_line_section(b.b, b.n, collect, &rs) == 2);
    CHECK(rs.n == (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < rs.n && i < (int)(sizeof want / sizeof want[0]); i++) {
        CHECK(rs.r[i].address == want[i].a);
        CHECK(rs.r[i].line == want[i].line);
        CHECK(rs.r[i].end_sequence == want[i].end);
        CHECK(rs.r[i].set_address_at == (i < 5 ? v4_at : v5_at) + 3);
        CHECK(rs.r[i].set_address_value == (i < 5 ? 0x1000u : 0u));
    }
    /* malformed: truncated inside a unit, bad version */
    rs.n = 0;
    CHECK(jp_dbg_decode_line_section(b.b, v4_at + 5, collect, &rs) == -1);
    b.b[4] = 9;
    CHECK(jp_dbg_decode_line_section(b.b, b.n, collect, &rs) == -1);
}

/* ---- 2. end to end ---------------------------------------------------------------- */

/* i64 @name(i64 %n): a loop summing i*i over lines first+1..first+3 */
static void
build_function(LLVMModuleRef mod, jp_dbg *d, const char *name, int first)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
    LLVMValueRef fn = LLVMAddFunction(mod, name, LLVMFunctionType(i64, &i64, 1, 0));
    LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(ctx, fn, "entry");
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(ctx, fn, "head");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(ctx, fn, "body");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(ctx, fn, "done");
    LLVMValueRef i, acc, sq, next_i, next_acc, zero = LLVMConstInt(i64, 0, 0);

    LLVMPositionBuilderAtEnd(b, entry);
    jp_dbg_begin_function(d, b, fn, name, "/src/t.py", first);
    LLVMBuildBr(b, head);
    LLVMPositionBuilderAtEnd(b, head);
    jp_dbg_set_location(d, b, first + 1, 4);
    i = LLVMBuildPhi(b, i64, "i");
    acc = LLVMBuildPhi(b, i64, "acc");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, i, LLVMGetParam(fn, 0), ""), body, done);
    LLVMPositionBuilderAtEnd(b, body);
    jp_dbg_set_location(d, b, first + 2, 8);
    sq = LLVMBuildMul(b, i, i, "");
    /* keep it from being folded: a volatile-free but opaque xor chain */
    sq = LLVMBuildXor(b, sq, LLVMBuildLShr(b, sq, LLVMConstInt(i64, 7, 0), ""), "");
    next_acc = LLVMBuildAdd(b, acc, sq, "");
    jp_dbg_set_location(d, b, first + 3, 8);
    next_i = LLVMBuildAdd(b, i, LLVMConstInt(i64, 1, 0), "");
    LLVMBuildBr(b, head);
    LLVMAddIncoming(i, (LLVMValueRef[]){zero, next_i}, (LLVMBasicBlockRef[]){entry, body}, 2);
    LLVMAddIncoming(acc, (LLVMValueRef[]){zero, next_acc}, (LLVMBasicBlockRef[]){entry, body}, 2);
    LLVMPositionBuilderAtEnd(b, done);
    jp_dbg_set_location(d, b, first + 4, 4);
    LLVMBuildRet(b, acc);
    LLVMDisposeBuilder(b);
}

static void
check_table(const char *name, int first)
{
    int n = 0;
    jp_line_span *t = jp_dbg_take_lines(name, first, first + 4, &n);
    int seen[5] = {0};
    CHECK(t != NULL && n >= 3);
    for (int k = 0; t && k < n; k++) {
        CHECK(t[k].line >= (uint32_t)first && t[k].line <= (uint32_t)first + 4);
        if (k > 0) {
            CHECK(t[k].code_offset > t[k - 1].code_offset);
            CHECK(t[k].line != t[k - 1].line);
        }
        seen[t[k].line - (uint32_t)first] = 1;
    }
    CHECK(t == NULL || (t[0].code_offset == 0 && t[0].line == (uint32_t)first));
    CHECK(seen[2]);                     /* the loop body */
    free(t);
    /* taken once */
    CHECK(jp_dbg_take_lines(name, first, first + 4, &n) == NULL && n == 0);
}

static void
test_object(void)
{
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("t", ctx);
    char *triple = LLVMGetDefaultTargetTriple(), *msg = NULL;
    LLVMTargetRef target;
    LLVMTargetMachineRef tm;
    LLVMMemoryBufferRef obj = NULL;
    LLVMBinaryRef bin;
    jp_dbg *d;

    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        fprintf(stderr, "no target: %s\n", msg);
        failures++;
        return;
    }
    tm = LLVMCreateTargetMachine(target, triple, "", "", LLVMCodeGenLevelDefault, LLVMRelocDefault,
                                 LLVMCodeModelDefault);
    LLVMSetTarget(mod, triple);
    d = jp_dbg_begin_module(mod, "/src/t.py");
    CHECK(d != NULL);
    /* Three functions in one .text; the first has no debug info, so the
     * line sequence starts past it: at the relocation's addend. */
    {
        LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
        LLVMValueRef plain = LLVMAddFunction(mod, "plain", LLVMFunctionType(i64, &i64, 1, 0));
        LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, plain, "entry"));
        LLVMBuildRet(b, LLVMBuildMul(b, LLVMGetParam(plain, 0), LLVMGetParam(plain, 0), ""));
        LLVMDisposeBuilder(b);
    }
    build_function(mod, d, "jp.first.1", 10);
    build_function(mod, d, "jp.second.2", 30);
    jp_dbg_finish_module(d);
    CHECK(!LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &obj));
    bin = obj ? LLVMCreateBinary(obj, ctx, &msg) : NULL;
    CHECK(bin != NULL);
    if (bin) {
        jp_dbg_read_object(bin);
        check_table("jp.first.1", 10);
        check_table("jp.second.2", 30);
        LLVMDisposeBinary(bin);
    }
    if (obj)
        LLVMDisposeMemoryBuffer(obj);
    LLVMDisposeTargetMachine(tm);
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    LLVMDisposeMessage(triple);
}

int
main(void)
{
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter()) {
        fprintf(stderr, "no native target\n");
        return 1;
    }
    test_decoder();
    test_object();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("debuginfo: ok\n");
    return 0;
}
