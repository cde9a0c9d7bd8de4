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

#endif
