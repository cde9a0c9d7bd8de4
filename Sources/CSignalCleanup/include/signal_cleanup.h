#ifndef TOUCHSTONE_SIGNAL_CLEANUP_H
#define TOUCHSTONE_SIGNAL_CLEANUP_H

/// Removal of a half-written temporary file when the process is interrupted.
///
/// `touchstone --output PATH` writes a temporary file next to PATH and renames it over PATH
/// at the end. If SIGINT, SIGTERM or SIGHUP arrives in between, the handler installed here
/// unlinks the registered temporary path and then lets the signal take its default action, so
/// the exit status still says "killed by signal N". The handler lives in C because it must be
/// async-signal-safe: it reads a preallocated static buffer and calls only `unlink`, `sigaction`
/// and `raise` (POSIX.1-2017 §2.4.3).

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (once; later calls do nothing) and
/// unblocks them in the calling thread (a blocked mask inherited from the parent would delay a
/// kill until the process exits).
/// Signals whose disposition is "ignore" when the process starts (e.g. SIGHUP under nohup)
/// stay ignored. Returns 0, or -1 with errno set.
int touchstone_cleanup_install(void);

/// Registers `path` (NUL-terminated) as a file to remove on a signal. Returns the slot to pass
/// to ``touchstone_cleanup_clear``, or -1 if the path does not fit (4096 bytes including the NUL)
/// or all 8 slots are taken.
int touchstone_cleanup_register(const char *path);

/// Forgets the path registered in `slot` (after the rename, or after removing the file normally).
void touchstone_cleanup_clear(int slot);

/// Arms an interruption: until ``touchstone_interrupt_disarm``, the first SIGINT, SIGTERM or
/// SIGHUP does not end the process but writes its number as one byte to `fd` (a pipe's write
/// end, ideally non-blocking), so another thread can stop work that outlives the process (a
/// query running on a database server) before the process ends. A second signal takes the usual
/// path (temporary files removed, default action). Installs the handler if needed. Returns 0, or
/// -1 with errno set.
int touchstone_interrupt_arm(int fd);

/// Disarms the interruption; returns the signal that arrived while armed, or 0.
int touchstone_interrupt_disarm(void);

/// Ends the process as `signo` would have: removes registered temporary files, restores the
/// default action and raises the signal (so the parent sees "killed by signal N").
void touchstone_interrupt_finish(int signo);

#endif
