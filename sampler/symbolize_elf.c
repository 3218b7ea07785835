/* sampler/symbolize_elf.c - ELF symbol tables with a per-object cache.
 *
 * Objects are discovered with dl_iterate_phdr (their PT_LOAD ranges and
 * load bias); each object's function symbols are read once from its file
 * (or its build-id debug file), sorted, and kept.  C++ names are demangled
 * with __cxa_demangle when the process already has it (NumPy loads
 * libstdc++); nothing here links against C++.
 */
#define _GNU_SOURCE
#include "sampler/symbolize_elf.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct elf_sym {
    uintptr_t addr;
    uintptr_t size;
    char *name;
} elf_sym;

typedef struct elf_obj {
    char *path;
    const char *short_name;
    uintptr_t bias, lo, hi;
    elf_sym *syms;
    size_t nsyms;
    int loaded;
    int is_interpreter;
    struct elf_obj *next;
} elf_obj;

static elf_obj *objects;
static char *exe_path;

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

static char *
demangle(const char *name)
{
    static demangle_fn fn;
    static int looked;
    int status = 0;
    char *out;

    if (name[0] != '_' || name[1] != 'Z')
        return NULL;
    if (!looked) {
        /* NumPy loads libstdc++ with RTLD_LOCAL: look in it by name */
        void *h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
        fn = (demangle_fn)dlsym(h ? h : RTLD_DEFAULT, "__cxa_demangle");
        looked = fn != NULL;    /* look again once libstdc++ is loaded */
    }
    if (fn == NULL)
        return NULL;
    out = fn(name, NULL, NULL, &status);
    if (status != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int
sym_cmp(const void *a, const void *b)
{
    const elf_sym *x = a, *y = b;
    return (x->addr > y->addr) - (x->addr < y->addr);
}

/* Read function symbols of one symbol table section into obj. */
static void
read_symtab(elf_obj *obj, const unsigned char *base, size_t len,
            const Elf64_Shdr *sh, const Elf64_Shdr *strsh, uintptr_t bias)
{
    const Elf64_Sym *syms;
    size_t n, i;
    elf_sym *out;

    if (sh->sh_offset + sh->sh_size > len || strsh->sh_offset + strsh->sh_size > len
        || sh->sh_entsize != sizeof(Elf64_Sym))
        return;
    syms = (const Elf64_Sym *)(base + sh->sh_offset);
    n = sh->sh_size / sizeof(Elf64_Sym);
    out = realloc(obj->syms, (obj->nsyms + n) * sizeof *out);
    if (out == NULL)
        return;
    obj->syms = out;
    for (i = 0; i < n; i++) {
        const Elf64_Sym *s = &syms[i];
        int type = ELF64_ST_TYPE(s->st_info);
        const char *name;

        if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s->st_shndx == SHN_UNDEF
            || s->st_value == 0 || s->st_name >= strsh->sh_size)
            continue;
        name = (const char *)(base + strsh->sh_offset + s->st_name);
        out[obj->nsyms].addr = bias + s->st_value;
        out[obj->nsyms].size = s->st_size;
        out[obj->nsyms].name = demangle(name);
        if (out[obj->nsyms].name == NULL)
            out[obj->nsyms].name = strdup(name);
        if (out[obj->nsyms].name == NULL)
            continue;
        obj->nsyms++;
    }
}

/* Map path and add its symbols; returns 1 when a .symtab was found. */
static int
load_file(elf_obj *obj, const char *path, char *build_id, size_t id_cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), found_symtab = 0;
    struct stat st;
    const unsigned char *base;
    const Elf64_Ehdr *eh;
    const Elf64_Shdr *sh;
    uintptr_t bias;

    if (fd < 0)
        return 0;
    if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return 0;
    }
    base = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (base == MAP_FAILED)
        return 0;
    eh = (const Elf64_Ehdr *)base;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64
        || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > (size_t)st.st_size)
        goto done;
    sh = (const Elf64_Shdr *)(base + eh->e_shoff);
    bias = eh->e_type == ET_EXEC ? 0 : obj->bias;
    for (int pass = 0; pass < 2 && !found_symtab; pass++) {
        unsigned want = pass == 0 ? SHT_SYMTAB : SHT_DYNSYM;
        for (int i = 0; i < eh->e_shnum; i++) {
            if (sh[i].sh_type == want && sh[i].sh_link < eh->e_shnum) {
                read_symtab(obj, base, st.st_size, &sh[i], &sh[sh[i].sh_link], bias);
                if (want == SHT_SYMTAB)
                    found_symtab = 1;
            }
            if (build_id && sh[i].sh_type == SHT_NOTE
                && sh[i].sh_offset + sh[i].sh_size <= (size_t)st.st_size) {
                const unsigned char *p = base + sh[i].sh_offset;
                const Elf64_Nhdr *nh = (const Elf64_Nhdr *)p;
                if (sh[i].sh_size >= sizeof *nh && nh->n_type == NT_GNU_BUILD_ID
                    && nh->n_namesz == 4 && nh->n_descsz > 1
                    && sizeof *nh + 4 + nh->n_descsz <= sh[i].sh_size) {
                    const unsigned char *id = p + sizeof *nh + 4;
                    size_t k = 0;
                    for (unsigned j = 0; j < nh->n_descsz && k + 3 < id_cap; j++) {
                        if (j == 1)
                            build_id[k++] = '/';
                        k += snprintf(build_id + k, id_cap - k, "%02x", id[j]);
                    }
                    build_id[k] = '\0';
                }
            }
        }
    }
done:
    munmap((void *)base, st.st_size);
    return found_symtab;
}

static void
load_symbols(elf_obj *obj)
{
    char build_id[128] = "";
    size_t w = 0;

    obj->loaded = 1;
    if (!load_file(obj, obj->path, build_id, sizeof build_id) && build_id[0]) {
        char dbg[256];
        snprintf(dbg, sizeof dbg, "/usr/lib/debug/.build-id/%s.debug", build_id);
        load_file(obj, dbg, NULL, 0);
    }
    if (obj->nsyms == 0)
        return;
    qsort(obj->syms, obj->nsyms, sizeof *obj->syms, sym_cmp);
    /* drop aliases at the same address (keep the first, free the rest) */
    for (size_t r = 0; r < obj->nsyms; r++) {
        if (w > 0 && obj->syms[w - 1].addr == obj->syms[r].addr) {
            if (obj->syms[w - 1].size == 0)
                obj->syms[w - 1].size = obj->syms[r].size;
            free(obj->syms[r].name);
            continue;
        }
        obj->syms[w++] = obj->syms[r];
    }
    obj->nsyms = w;
}

typedef struct find_ctx {
    uintptr_t ip;
    elf_obj *found;
} find_ctx;

static int
phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    find_ctx *ctx = arg;
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    int hit = 0;
    elf_obj *obj;
    const char *name;

    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t a, b;
        if (ph->p_type != PT_LOAD)
            continue;
        a = info->dlpi_addr + ph->p_vaddr;
        b = a + ph->p_memsz;
        if (a < lo)
            lo = a;
        if (b > hi)
            hi = b;
        if (ctx->ip >= a && ctx->ip < b)
            hit = 1;
    }
    if (!hit)
        return 0;
    obj = calloc(1, sizeof *obj);
    if (obj == NULL)
        return 1;
    name = info->dlpi_name;
    if (name == NULL || name[0] == '\0') {
        if (exe_path == NULL) {
            char buf[4096];
            ssize_t k = readlink("/proc/self/exe", buf, sizeof buf - 1);
            buf[k > 0 ? k : 0] = '\0';
            exe_path = strdup(buf);
        }
        name = exe_path ? exe_path : "";
        obj->is_interpreter = 1;
    }
    obj->path = strdup(name);
    if (obj->path == NULL) {
        free(obj);
        return 1;
    }
    obj->short_name = strrchr(obj->path, '/') ? strrchr(obj->path, '/') + 1 : obj->path;
    if (strstr(obj->short_name, "libpython") != NULL)
        obj->is_interpreter = 1;
    obj->bias = info->dlpi_addr;
    obj->lo = lo;
    obj->hi = hi;
    obj->next = objects;
    objects = obj;
    ctx->found = obj;
    return 1;
}

static elf_obj *
find_object(uintptr_t ip)
{
    find_ctx ctx = {ip, NULL};
    for (elf_obj *o = objects; o; o = o->next)
        if (ip >= o->lo && ip < o->hi)
            return o;
    dl_iterate_phdr(phdr_cb, &ctx);
    return ctx.found;
}

void
jp_symbolize(uintptr_t ip, jp_native_sym *out)
{
    elf_obj *obj = find_object(ip);
    size_t lo = 0, hi;

    memset(out, 0, sizeof *out);
    out->object = out->object_short = "";
    if (obj == NULL)
        return;
    out->object = obj->path;
    out->object_short = obj->short_name;
    out->is_interpreter = obj->is_interpreter;
    out->offset = ip - obj->bias;
    if (!obj->loaded)
        load_symbols(obj);
    hi = obj->nsyms;
    while (lo < hi) {           /* first symbol with addr > ip */
        size_t mid = (lo + hi) / 2;
        if (obj->syms[mid].addr <= ip)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0) {
        elf_sym *s = &obj->syms[lo - 1];
        uintptr_t end = s->size ? s->addr + s->size
                        : (lo < obj->nsyms ? obj->syms[lo].addr : obj->hi);
        if (ip < end) {
            out->function = s->name;
            out->offset = ip - s->addr;
        }
    }
}

void
jp_symbolize_reset(void)
{
    while (objects) {
        elf_obj *o = objects;
        objects = o->next;
        for (size_t i = 0; i < o->nsyms; i++)
            free(o->syms[i].name);
        free(o->syms);
        free(o->path);
        free(o);
    }
}
