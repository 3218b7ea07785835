/* sampler/perf_clock.h - CPU-time sampling at the requested rate: a
 * per-thread perf_event "task-clock" counter that raises the sampling
 * signal every period of the thread's CPU time.
 *
 * POSIX timers on a thread's CPU clock fire on scheduler ticks only (250 Hz
 * on this kernel), whatever the requested rate; task-clock is a software
 * event driven by a high-resolution timer, so a busy thread is sampled at
 * 1000 Hz and more.  The signal comes through the fd's async notification
 * (F_SETOWN_EX to the thread, F_SETSIG to our signal): si_code POLL_IN,
 * si_fd the event's fd, which maps back to the slot here.  Where
 * perf_event_open is refused (perf_event_paranoid, a seccomp filter), the
 * caller falls back to the CPU-clock timer. */
#ifndef JP_PERF_CLOCK_H
#define JP_PERF_CLOCK_H

#include <sys/types.h>

struct jp_slot;

/* An event for thread tid raising signo every period_ns of its CPU time,
 * its fd mapped to slot; the fd, or -1 (errno set). */
int jp_perf_open(pid_t tid, int signo, long period_ns, struct jp_slot *slot);
/* Arm for the next overflow (the handler, after each; async-signal-safe). */
void jp_perf_rearm(int fd);
/* Stop and close; the fd no longer maps to its slot. */
void jp_perf_close(int fd);
/* A new period (pacing). */
void jp_perf_set_period(int fd, long period_ns);
/* The slot whose event has this fd, or NULL (async-signal-safe). */
struct jp_slot *jp_perf_slot(int fd);
/* In a forked child: close every inherited event (async-signal-safe). */
void jp_perf_after_fork(void);
/* Whether the events count kernel time too (0 when only user time was
 * permitted), after a successful open. */
int jp_perf_counts_kernel(void);

#endif
