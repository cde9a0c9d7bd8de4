#ifndef TOUCHSTONE_PREFETCH_H
#define TOUCHSTONE_PREFETCH_H

/// A hint that the cache line at `address` will be read soon (GCC/Clang `__builtin_prefetch`).
///
/// Swift has no prefetch intrinsic. Folding a unit index built from ten million units makes a
/// cache and TLB miss per row; when the rows' hashes are known ahead (they are parsed on other
/// threads first), asking for the slot of a row several rows ahead lets those misses overlap.
/// A hint never faults, so any address may be passed.
static inline void touchstone_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
