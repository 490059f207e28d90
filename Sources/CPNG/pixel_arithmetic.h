// Byte arithmetic shared by the compositing and fill loops (composite.c, fill.c): the
// products pixman and Cairo use, so that vanish's blends give their bytes.
#ifndef VANISH_CPNG_PIXEL_ARITHMETIC_H
#define VANISH_CPNG_PIXEL_ARITHMETIC_H

#if defined(__x86_64__)
#include <immintrin.h>

// x · a / 255 on 16 lanes of 16 bits, rounded with + `half` (pixman 128, Cairo's lerp 127):
// t = x·a + half < 65536, and (t + t/256) / 256 is t · 257 / 65536 rounded down for every such
// t, the high half of t · 0x101.
__attribute__((target("avx2"))) static inline __m256i vanish_mul_div255(__m256i x, __m256i a, __m256i half) {
    return _mm256_mulhi_epu16(_mm256_add_epi16(_mm256_mullo_epi16(x, a), half), _mm256_set1_epi16(0x101));
}
#endif

#endif
