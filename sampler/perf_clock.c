/* sampler/perf_clock.c - per-thread task-clock perf events as CPU-time
 * sampling timers (see perf_clock.h).
 *
 * The fd -> slot table is what the signal handler reads: entries are
 * written before an event is enabled and cleared after it is closed (a
 * signal still queued for a closed fd finds NULL, or a slot whose thread is
 * not the one interrupted, and is dropped by the handler).  Event fds are
 * moved to 512 and above where the fd limit allows, out of the way of
 * programs that expect their own fds to be small.
 *
 * Each event is armed for one overflow at a time (PERF_EVENT_IOC_REFRESH 1:
 * it disables itself when it fires) and the handler re-arms it.  Every
 * overflow queues a real-time signal of its own, so a thread that blocks
 * our signal while it computes would otherwise pile up a thousand pending
 * signals a second until RLIMIT_SIGPENDING ran out - and the kernel then
 * sends SIGIO, which kills the program.  Armed one at a time, at most one
 * is ever pending per thread, as with a POSIX timer (whose overruns
 * coalesce). */
#define _GNU_SOURCE
#include "sampler/perf_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define JP_PERF_MAX_FD 8192
#define JP_PERF_MIN_FD 512

static struct jp_slot *by_fd[JP_PERF_MAX_FD];
static int user_only;           /* the kernel refused exclude_kernel = 0 */

static int
open_event(pid_t tid, long period_ns, int exclude_kernel)
{
    struct perf_event_attr a;

    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_SOFTWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_SW_TASK_CLOCK;
    a.sample_period = (uint64_t)period_ns;
    a.disabled = 1;
    a.exclude_kernel = (unsigned)exclude_kernel;
    a.exclude_hv = 1;
    a.wakeup_events = 1;        /* a notification per overflow */
    return (int)syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

int
jp_perf_open(pid_t tid, int signo, long period_ns, struct jp_slot *slot)
{
    struct f_owner_ex owner = {F_OWNER_TID, tid};
    int fd = -1, hi;

    if (!user_only) {
        fd = open_event(tid, period_ns, 0);
        if (fd < 0 && (errno == EACCES || errno == EPERM)) {
            fd = open_event(tid, period_ns, 1);
            if (fd >= 0)
                user_only = 1;
        }
    } else {
        fd = open_event(tid, period_ns, 1);
    }
    if (fd < 0)
        return -1;
    hi = fcntl(fd, F_DUPFD_CLOEXEC, JP_PERF_MIN_FD);
    if (hi >= 0) {
        close(fd);
        fd = hi;
    }
    if (fd >= JP_PERF_MAX_FD)
        goto fail;
    if (fcntl(fd, F_SETOWN_EX, &owner) < 0 || fcntl(fd, F_SETSIG, signo) < 0)
        goto fail;
    __atomic_store_n(&by_fd[fd], slot, __ATOMIC_SEQ_CST);
    if (fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK) < 0
        || ioctl(fd, PERF_EVENT_IOC_REFRESH, 1) < 0) {
        __atomic_store_n(&by_fd[fd], NULL, __ATOMIC_SEQ_CST);
        goto fail;
    }
    return fd;
fail:
    close(fd);
    errno = EINVAL;
    return -1;
}

void
jp_perf_rearm(int fd)
{
    ioctl(fd, PERF_EVENT_IOC_REFRESH, 1);
}

void
jp_perf_close(int fd)
{
    if (fd < 0 || fd >= JP_PERF_MAX_FD)
        return;
    __atomic_store_n(&by_fd[fd], NULL, __ATOMIC_SEQ_CST);
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    close(fd);
}

void
jp_perf_set_period(int fd, long period_ns)
{
    uint64_t p = (uint64_t)period_ns;

    if (fd >= 0)
        ioctl(fd, PERF_EVENT_IOC_PERIOD, &p);
}

struct jp_slot *
jp_perf_slot(int fd)
{
    if (fd < 0 || fd >= JP_PERF_MAX_FD)
        return NULL;
    return __atomic_load_n(&by_fd[fd], __ATOMIC_SEQ_CST);
}

void
jp_perf_after_fork(void)
{
    for (int fd = 0; fd < JP_PERF_MAX_FD; fd++)
        if (by_fd[fd] != NULL) {
            close(fd);
            by_fd[fd] = NULL;
        }
}

int
jp_perf_counts_kernel(void)
{
    return !user_only;
}
