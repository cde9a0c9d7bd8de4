// The prefetch hint is a static inline function in include/prefetch.h; SwiftPM needs a source file per C target.
#include "prefetch.h"
