/* Peer for AssignmentBenchmarks: the reference xxHash (libxxhash-dev) over the same 1M ids,
 * XXH64 seeded like Touchstone and XXH3-64, plus bucketing, best of 5.
 * Build: gcc -O3 -march=native Benchmarks/peers/xxh_loop.c -lxxhash -o /tmp/xxh_loop && /tmp/xxh_loop */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define N 1000000
static char ids[N][24];
static size_t lens[N];

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(void) {
    for (long i = 0; i < N; i++) lens[i] = (size_t)snprintf(ids[i], 24, "user-%ld", (long)((i * 2654435761L) % 1000000007L));
    unsigned long long seed = XXH64("bench", 5, 0);
    for (int variant = 0; variant < 2; variant++) {
        double best = 1e9; long enrolled = 0;
        for (int r = 0; r < 5; r++) {
            double t = now(); enrolled = 0;
            for (long i = 0; i < N; i++) {
                unsigned long long h = variant == 0 ? XXH64(ids[i], lens[i], seed) : XXH3_64bits_withSeed(ids[i], lens[i], seed);
                double b = (double)(h >> 11) * 0x1p-53;
                if (b < 0.225 || (b >= 0.25 && b < 0.475) || (b >= 0.5 && b < 0.95)) enrolled++;
            }
            double dt = now() - t; if (dt < best) best = dt;
        }
        printf("C %s: %d ids in %.4f s = %.1f M assignments/s (enrolled %ld)\n", variant == 0 ? "XXH64" : "XXH3_64", N, best, N / best / 1e6, enrolled);
    }
    return 0;
}
