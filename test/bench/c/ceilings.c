/*
 * The outside check of the measured ceilings (npm run bench:ceilings compiles this with gcc
 * -O2 -march=native on the spot): FMA throughput with the widest vectors the compiler targets
 * (12 independent chains, acc = acc * m + c contracted to FMA), and a STREAM-like triad
 * a[i] = b[i] + s * c[i] over three arrays (bytes counted as STREAM does: 3 × 4 per element).
 * One thread, then one per CPU. And the clock the core runs at: a chain of dependent integer adds
 * (one cycle each on every x86-64 and ARMv8 core) written in asm so the compiler cannot fold it;
 * adds per second are cycles per second, whatever /proc/cpuinfo says (null on other ISAs).
 * Prints one JSON object.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(__AVX512F__)
#define LANES 16
#elif defined(__AVX__)
#define LANES 8
#else
#define LANES 4
#endif
typedef float vec __attribute__((vector_size(LANES * 4)));
#define CHAINS 12

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile float sink;

static void *fma_loop(void *arg) {
  long iters = *(long *)arg;
  vec acc[CHAINS], m, c;
  for (int k = 0; k < LANES; k++) { m[k] = 0.999999f; c[k] = 1e-7f; }
  for (int j = 0; j < CHAINS; j++) for (int k = 0; k < LANES; k++) acc[j][k] = 1.0f + j / 64.0f;
  for (long i = 0; i < iters; i++) {
#pragma GCC unroll 12
    for (int j = 0; j < CHAINS; j++) acc[j] = acc[j] * m + c;
  }
  float s = 0;
  for (int j = 0; j < CHAINS; j++) for (int k = 0; k < LANES; k++) s += acc[j][k];
  sink = s;
  return NULL;
}

#if defined(__x86_64__)
#define ADD1 "add %1, %0\n\t"
#elif defined(__aarch64__)
#define ADD1 "add %0, %0, %1\n\t"
#endif
#ifdef ADD1
#define ADD16 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1
static long add_iters = 20000000;
static void *add_chain(void *arg) {
  long a = 0, b = *(long *)arg;
  for (long i = 0; i < add_iters; i++) __asm__ volatile(ADD16 : "+r"(a) : "r"(b));
  sink = (float)a;
  return NULL;
}
#endif

struct triad { float *a, *b, *c; long n; int reps; };
static void *triad_loop(void *arg) {
  struct triad *t = arg;
  for (int r = 0; r < t->reps; r++)
    for (long i = 0; i < t->n; i++) t->a[i] = t->b[i] + 3.0f * t->c[i];
  return NULL;
}

/* Best of 5 runs of `threads` copies of fn; returns seconds of the fastest. */
static double best(void *(*fn)(void *), void **args, int threads) {
  double bestT = 1e30;
  for (int r = 0; r < 5; r++) {
    pthread_t th[64];
    double t0 = now();
    for (int i = 0; i < threads; i++) pthread_create(&th[i], NULL, fn, args[i]);
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    double t = now() - t0;
    if (t < bestT) bestT = t;
  }
  return bestT;
}

int main(int argc, char **argv) {
  int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus > 64) cpus = 64;
  long elements = argc > 1 ? atol(argv[1]) : 64L << 20; /* per array: 256 MiB of floats */
  long iters = 20000000;
  void *fargs[64];
  for (int i = 0; i < cpus; i++) fargs[i] = &iters;
  double f1 = best(fma_loop, fargs, 1), fn = best(fma_loop, fargs, cpus);
  double macs = (double)iters * CHAINS * LANES;
#ifdef ADD1
  long one = 1;
  void *aargs[1] = { &one };
  double clockGhz = (double)add_iters * 16 / best(add_chain, aargs, 1) / 1e9;
  char clock[32];
  snprintf(clock, sizeof clock, "%.3f", clockGhz);
#else
  const char *clock = "null";
#endif

  struct triad whole = { malloc(elements * 4), malloc(elements * 4), malloc(elements * 4), elements, 2 };
  for (long i = 0; i < elements; i++) { whole.a[i] = 0; whole.b[i] = 1; whole.c[i] = 2; }
  void *targ[1] = { &whole };
  double s1 = best(triad_loop, targ, 1);
  struct triad parts[64];
  void *pargs[64];
  for (int i = 0; i < cpus; i++) {
    long from = elements / cpus * i;
    parts[i] = (struct triad){ whole.a + from, whole.b + from, whole.c + from, elements / cpus, 2 };
    pargs[i] = &parts[i];
  }
  double sn = best(triad_loop, pargs, cpus);
  double bytes = 3.0 * 4 * elements * 2;
  printf("{\"lanes\":%d,\"cpus\":%d,\"fmaGmacPerSecond1\":%.3f,\"fmaGmacPerSecondAll\":%.3f,"
         "\"triadGbPerSecond1\":%.3f,\"triadGbPerSecondAll\":%.3f,\"triadBytesPerArray\":%ld,\"clockGhz\":%s}\n",
         LANES, cpus, macs / f1 / 1e9, macs * cpus / fn / 1e9, bytes / s1 / 1e9, bytes / sn / 1e9, elements * 4, clock);
  return 0;
}
