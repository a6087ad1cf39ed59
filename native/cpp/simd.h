// SL_CLONES compiles a hot loop twice, for AVX2 and for the x86-64 baseline, and picks one at
// load time, so one build runs fast on new CPUs and still loads on old ones. AVX2 alone does
// not enable FMA, and -ffp-contract=off forbids contraction anyway: both clones give the same bits.
#pragma once

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && \
    !defined(SL_NO_CLONES)
#define SL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SL_CLONES
#endif
