/* jit/generator.h - generator functions: the state block a generator
 * object points at, shared by the compiled coroutine (lower_generator.c),
 * its consumers in jit code and the Python iterator (generator_runtime.c).
 *
 * Calling a generator function allocates the state (a meminfo: the value
 * of a JP_GENERATOR is the meminfo pointer) and the coroutine's frame, and
 * stops before the first statement.  Each jp_rt_gen_next resumes the
 * coroutine until its next yield (status 0, the value in `value`), its end
 * (2) or an exception (1, in `exc`); a finished coroutine's frame is
 * destroyed at once.  Dropping the last reference of an unfinished
 * generator destroys its frame, releasing the locals it holds. */
#ifndef JP_GENERATOR_H
#define JP_GENERATOR_H

#include "jit/compiler.h"

typedef struct jp_genstate {
    void *handle;                   /* the coroutine frame; NULL once finished */
    void (*resume)(void *);         /* C-callable wrappers of llvm.coro.resume/destroy */
    void (*destroy)(void *);
    int64_t status;                 /* after a resume: 0 yielded, 1 raised, 2 finished */
    jp_excinfo exc;
    int64_t pad[2];
    /* the yielded value at JP_GEN_VALUE */
} jp_genstate;

#define JP_GEN_HANDLE 0
#define JP_GEN_RESUME 1
#define JP_GEN_DESTROY 2
#define JP_GEN_STATUS 3             /* in 8-byte words */
#define JP_GEN_EXC 4
#define JP_GEN_VALUE 96             /* bytes */

/* run time (generator_runtime.c), called by compiled code */
void *jp_rt_gen_new(int64_t value_size);        /* a jp_meminfo *, refcount 1 */
int32_t jp_rt_gen_next(jp_genstate *st);        /* 0, 1 or 2 as above */
void *jp_rt_gen_frame_alloc(int64_t size);
void jp_rt_gen_frame_free(void *frame);

/* A generator object for Python (the reference to mi is taken over). */
PyObject *jp_generator_box(jp_type *t, void *mi);
int jp_generator_module_init(PyObject *m);

#endif
