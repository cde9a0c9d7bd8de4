#include "signal_cleanup.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// Preallocated: the handler must not allocate. `pending` is set only after the path is fully
// written and cleared before it is overwritten, with the signals blocked around both.
#define SLOTS 8
static char pending_path[SLOTS][4096];
static volatile sig_atomic_t pending[SLOTS];
static volatile sig_atomic_t installed = 0;

static const int handled[] = { SIGINT, SIGTERM, SIGHUP };

// An armed interruption (``touchstone_interrupt_arm``): the first signal is reported through a
// pipe instead of ending the process, so a running query can be cancelled on its server first.
static volatile sig_atomic_t interrupt_fd = -1;
static volatile sig_atomic_t interrupt_signal = 0;

static void touchstone_cleanup_handler(int signo) {
    int saved = errno;
    if (interrupt_fd >= 0 && interrupt_signal == 0) {
        interrupt_signal = signo;
        unsigned char byte = (unsigned char)signo;
        ssize_t written = write(interrupt_fd, &byte, 1);
        (void)written;  // a full pipe already holds a wake-up
        errno = saved;
        return;
    }
    for (int slot = 0; slot < SLOTS; slot++) {
        if (pending[slot]) {
            unlink(pending_path[slot]);
            pending[slot] = 0;
        }
    }
    // Default action and re-raise: the parent sees the real cause (e.g. 143 = 128 + SIGTERM).
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
    errno = saved;
    raise(signo);
}

static void block_handled(sigset_t *previous) {
    sigset_t set;
    sigemptyset(&set);
    for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++) sigaddset(&set, handled[i]);
    pthread_sigmask(SIG_BLOCK, &set, previous);
}

int touchstone_cleanup_install(void) {
    if (installed) return 0;
    // A parent may hand down a mask blocking these signals (a thread pool that spawned us
    // does); then a kill would wait until exit. Unblock them for the calling thread.
    sigset_t set;
    sigemptyset(&set);
    for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++) sigaddset(&set, handled[i]);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++) {
        struct sigaction current;
        if (sigaction(handled[i], NULL, &current) != 0) return -1;
        if (current.sa_handler == SIG_IGN) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = touchstone_cleanup_handler;
        sigemptyset(&action.sa_mask);
        for (unsigned j = 0; j < sizeof handled / sizeof handled[0]; j++) sigaddset(&action.sa_mask, handled[j]);
        if (sigaction(handled[i], &action, NULL) != 0) return -1;
    }
    installed = 1;
    return 0;
}

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

int touchstone_cleanup_register(const char *path) {
    size_t length = strlen(path);
    if (length >= sizeof pending_path[0]) return -1;
    int found = -1;
    sigset_t previous;
    block_handled(&previous);
    pthread_mutex_lock(&slots_lock);
    for (int slot = 0; slot < SLOTS; slot++) {
        if (!pending[slot]) {
            memcpy(pending_path[slot], path, length + 1);
            __sync_synchronize();  // the path is complete before another thread's handler can see the flag
            pending[slot] = 1;
            found = slot;
            break;
        }
    }
    pthread_mutex_unlock(&slots_lock);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return found;
}

void touchstone_cleanup_clear(int slot) {
    if (slot < 0 || slot >= SLOTS) return;
    sigset_t previous;
    block_handled(&previous);
    pthread_mutex_lock(&slots_lock);
    pending[slot] = 0;
    pthread_mutex_unlock(&slots_lock);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

int touchstone_interrupt_arm(int fd) {
    if (touchstone_cleanup_install() != 0) return -1;
    interrupt_signal = 0;
    __sync_synchronize();
    interrupt_fd = fd;
    return 0;
}

int touchstone_interrupt_disarm(void) {
    interrupt_fd = -1;
    __sync_synchronize();
    return interrupt_signal;
}

void touchstone_interrupt_finish(int signo) {
    interrupt_fd = -1;
    touchstone_cleanup_handler(signo);
}
