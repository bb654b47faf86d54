/* Signals and exits with threads: pthread_kill to a thread blocked in a
 * condition wait (its handler runs in that thread, the wait resumes),
 * raise() in a thread, nanosleep in a thread, and the main thread leaving
 * with pthread_exit while another thread ends the process with exit(5). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go, waiting;
static _Thread_local int got_usr1;
static volatile sig_atomic_t handler_calls;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1++;
    handler_calls++;
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    waiting = 1;
    while (!go)
        pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    raise(SIGUSR1);             /* tgkill to itself */
    return (void *)(long)got_usr1;
}

static void *finisher(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 3000000};
    nanosleep(&ts, NULL);
    printf("finisher: main has left, exiting with 5\n");
    fflush(stdout);
    exit(5);
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t w;
    pthread_create(&w, NULL, waiter, NULL);
    for (;;) {
        pthread_mutex_lock(&m);
        int wt = waiting;
        pthread_mutex_unlock(&m);
        if (wt)
            break;
        usleep(100);
    }
    usleep(1000);               /* the waiter is (very likely) in the wait */
    pthread_kill(w, SIGUSR1);
    usleep(1000);
    pthread_mutex_lock(&m);
    go = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&m);
    void *r;
    pthread_join(w, &r);
    printf("waiter got SIGUSR1 %ld times, main %d times, handler %d calls\n", (long)r,
           got_usr1, (int)handler_calls);
    pthread_t f;
    pthread_create(&f, NULL, finisher, NULL);
    pthread_exit(NULL);
}
