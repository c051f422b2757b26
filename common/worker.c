/* The one background-thread loop: the scheduler's loader and writer, the web
 * status and studio events threads and the podcast cutter each run a function
 * on a thread of their own, woken by others or after a wait, and stopped and
 * joined by their owner. */
#define _GNU_SOURCE /* syscall(SYS_gettid) */
#define LOG_MODULE "worker"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"

struct worker {
        char *name;
        int nice;
        int (*fn)(void *arg);
        void *arg;
        pthread_t thread;
        pthread_mutex_t lock; /* guards woken and stopping; never held while fn runs */
        pthread_cond_t wake;
        bool woken;    /* worker_wake since fn's last run began */
        bool stopping; /* worker_stop began */
};

void monotonic_deadline(struct timespec *ts, int ms)
{
        clock_gettime(CLOCK_MONOTONIC, ts);
        ts->tv_sec += ms / 1000;
        ts->tv_nsec += (long)(ms % 1000) * 1000000L;
        if (ts->tv_nsec >= 1000000000L) {
                ts->tv_sec++;
                ts->tv_nsec -= 1000000000L;
        }
}

void monotonic_cond_init(pthread_cond_t *cond)
{
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(cond, &attr);
        pthread_condattr_destroy(&attr);
}

static void *worker_main(void *arg)
{
        struct worker *w = arg;
        if (w->nice > 0 &&
            setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), w->nice) != 0)
                log_debug("cannot lower the %s thread's priority", w->name);
        pthread_mutex_lock(&w->lock);
        while (!w->stopping) {
                w->woken = false;
                pthread_mutex_unlock(&w->lock);
                int wait_ms = w->fn(w->arg);
                pthread_mutex_lock(&w->lock);
                if (wait_ms < 0) {
                        while (!w->stopping && !w->woken)
                                pthread_cond_wait(&w->wake, &w->lock);
                        continue;
                }
                struct timespec until;
                monotonic_deadline(&until, wait_ms);
                while (!w->stopping && !w->woken &&
                       pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
                        ;
        }
        pthread_mutex_unlock(&w->lock);
        return NULL;
}

struct worker *worker_new(const char *name, int nice, int (*fn)(void *arg), void *arg)
{
        struct worker *w = xcalloc(1, sizeof *w);
        w->name = xstrdup(name);
        w->nice = nice;
        w->fn = fn;
        w->arg = arg;
        pthread_mutex_init(&w->lock, NULL);
        /* the waits are on the monotonic clock: setting the wall clock
         * neither stalls a worker nor hurries it */
        monotonic_cond_init(&w->wake);
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
                pthread_cond_destroy(&w->wake);
                pthread_mutex_destroy(&w->lock);
                free(w->name);
                free(w);
                return NULL;
        }
        return w;
}

void worker_wake(struct worker *w)
{
        if (!w)
                return;
        pthread_mutex_lock(&w->lock);
        w->woken = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
}

void worker_stop(struct worker *w)
{
        if (!w)
                return;
        pthread_mutex_lock(&w->lock);
        bool first = !w->stopping;
        w->stopping = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        if (first)
                pthread_join(w->thread, NULL);
}

void worker_free(struct worker *w)
{
        if (!w)
                return;
        worker_stop(w);
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w->name);
        free(w);
}
