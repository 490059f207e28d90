// The hot loops of vanish's PNG writer, with an AVX2 path and a plain-C path that give the same
// bytes. RunLengthDeflate.swift holds the rest of the encoder (Huffman tables, block headers) and
// describes the format; this file only has to be fast.
#include "cpng_deflate.h"
#include "ckernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2"))) static inline
#endif

int vanish_png_simd(void) { return vk_simd_level() >= 1; }

// MARK: - Bits

static void bits_reserve(vanish_bits *w, size_t more) {
    if (w->count + more + 8 <= w->capacity) return;
    size_t capacity = w->capacity;
    while (w->count + more + 8 > capacity) capacity *= 2;
    uint8_t *bytes = realloc(w->bytes, capacity);
    if (bytes == NULL) abort();  // as Swift's allocations do
    w->bytes = bytes;
    w->capacity = capacity;
}

void vanish_bits_init(vanish_bits *w, size_t capacity) {
    w->capacity = capacity < 64 ? 64 : capacity;
    w->bytes = malloc(w->capacity);
    if (w->bytes == NULL) abort();
    w->count = 0;
    w->pending = 0;
    w->used = 0;
}

// Adds at most 56 bits to the pending ones, then stores the whole bytes: all 8 bytes of `pending`
// are stored (the spare bytes take the ones not yet whole) and `count` moves past the whole ones.
#define PUT_BITS(out, pending, used, value, n)        \
    do {                                              \
        pending |= (uint64_t)(value) << used;         \
        used += (n);                                  \
        memcpy(out, &pending, 8);                     \
        out += used >> 3;                             \
        pending >>= used & ~7u;                       \
        used &= 7;                                    \
    } while (0)

void vanish_bits_write(vanish_bits *w, uint64_t bits, unsigned n) {
    bits_reserve(w, 8);
    uint8_t *out = w->bytes + w->count;
    PUT_BITS(out, w->pending, w->used, bits, n);
    w->count = (size_t)(out - w->bytes);
}

void vanish_bits_align(vanish_bits *w) {
    if (w->used == 0) return;
    bits_reserve(w, 1);
    w->bytes[w->count++] = (uint8_t)w->pending;
    w->pending = 0;
    w->used = 0;
}

void vanish_bits_free(vanish_bits *w) {
    free(w->bytes);
    w->bytes = NULL;
}

void vanish_deflate_write_tokens(vanish_bits *w, const uint32_t *tokens, size_t count, const uint64_t *symbol,
                                 uint64_t distance_one, uint64_t distance_other) {
    // A token takes at most 48 bits: a length code and its extra bits (15 + 5), a distance code and its (15 + 13).
    bits_reserve(w, 6 * count + 8);
    uint8_t *out = w->bytes + w->count;
    uint64_t pending = w->pending;
    unsigned used = w->used;
    // Indexed by a token's distance kind: none (a literal), 1, the other.
    const uint64_t distance[3] = {0, distance_one, distance_other};
    size_t t = 0;
    while (t < count) {
        // Two literals at once (at most 30 bits) in stretches of literals (antialiased edges, text).
        if (t + 1 < count && (tokens[t] | tokens[t + 1]) < 256) {
            uint64_t first = symbol[tokens[t]], second = symbol[tokens[t + 1]];
            unsigned firstBits = (unsigned)(first >> 32);
            PUT_BITS(out, pending, used, (first & 0xFFFFFFFF) | (second & 0xFFFFFFFF) << firstBits,
                     firstBits + (unsigned)(second >> 32));
            t += 2;
            continue;
        }
        // Else one token, literal or match, without a branch on which.
        uint32_t token = tokens[t++];
        uint64_t code = symbol[token & 0xFFFF], after = distance[token >> 16];
        unsigned codeBits = (unsigned)(code >> 32);
        PUT_BITS(out, pending, used, (code & 0xFFFFFFFF) | (after & 0xFFFFFFFF) << codeBits,
                 codeBits + (unsigned)(after >> 32));
    }
    w->count = (size_t)(out - w->bytes);
    w->pending = pending;
    w->used = used;
}

// MARK: - Adler-32

enum { ADLER_BASE = 65521 };

/// Eight bytes at a time: a word adds the first sum eight times to the second, then its bytes' sum
/// to the first and their sum weighted 8, 7, …, 1 to the second. Filtered figures are mostly zero
/// bytes, for which only the first step is needed.
static uint32_t adler32_scalar(uint32_t adler, const uint8_t *p, size_t count) {
    uint32_t s1 = adler & 0xFFFF, s2 = adler >> 16;
    // 5552 bytes (a multiple of 8) is the most that cannot overflow 32 bits between reductions.
    while (count > 0) {
        size_t block = count < 5552 ? count : 5552;
        count -= block;
        for (; block >= 8; block -= 8, p += 8) {
            uint64_t word;
            memcpy(&word, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            word = __builtin_bswap64(word);
#endif
            s2 += s1 * 8;
            if (word == 0) continue;
            // Bytes b0…b7 (b0 first): each product's top 16 bits sum four 16-bit lanes times constants.
            uint64_t even = word & 0x00FF00FF00FF00FFull, odd = word >> 8 & 0x00FF00FF00FF00FFull;
            s1 += (uint32_t)(((even + odd) * 0x0001000100010001ull) >> 48);
            s2 += (uint32_t)(((even * 0x0008000600040002ull) >> 48) + ((odd * 0x0007000500030001ull) >> 48));
        }
        for (; block > 0; block--, p++) {
            s1 += *p;
            s2 += s1;
        }
        s1 %= ADLER_BASE;
        s2 %= ADLER_BASE;
    }
    return s2 << 16 | s1;
}

#if defined(__x86_64__)
/// 32 bytes at a time: s1 gains each chunk's sum, s2 the sum weighted 32, 31, …, 1 plus 32 times
/// the s1 before the chunk. The lanes cannot overflow within 32 KiB; the sums are reduced after.
AVX2 uint32_t adler32_avx2(uint32_t adler, const uint8_t *p, size_t count) {
    uint64_t s1 = adler & 0xFFFF, s2 = adler >> 16;
    const __m256i weights = _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15,
                                             14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    const __m256i ones = _mm256_set1_epi16(1), zero = _mm256_setzero_si256();
    while (count >= 32) {
        size_t chunks = (count < 32768 ? count : 32768) / 32;
        __m256i sums = zero, weighted = zero, before = zero;
        for (size_t k = 0; k < chunks; k++, p += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)p);
            before = _mm256_add_epi32(before, sums);
            sums = _mm256_add_epi32(sums, _mm256_sad_epu8(v, zero));
            weighted = _mm256_add_epi32(weighted, _mm256_madd_epi16(_mm256_maddubs_epi16(v, weights), ones));
        }
        uint32_t lanes[3][8];
        _mm256_storeu_si256((__m256i *)lanes[0], sums);
        _mm256_storeu_si256((__m256i *)lanes[1], weighted);
        _mm256_storeu_si256((__m256i *)lanes[2], before);
        uint64_t sum = 0, weight = 0, prior = 0;
        for (int l = 0; l < 8; l++) {
            sum += lanes[0][l];
            weight += lanes[1][l];
            prior += lanes[2][l];
        }
        s2 = (s2 + 32 * chunks * s1 + 32 * prior + weight) % ADLER_BASE;
        s1 = (s1 + sum) % ADLER_BASE;
        count -= 32 * chunks;
    }
    return adler32_scalar((uint32_t)(s2 << 16 | s1), p, count);
}
#endif

uint32_t vanish_adler32(uint32_t adler, const uint8_t *bytes, size_t count, int simd) {
#if defined(__x86_64__)
    if (simd) return adler32_avx2(adler, bytes, count);
#endif
    (void)simd;
    return adler32_scalar(adler, bytes, count);
}

/// The Adler-32 after `count` more zero bytes.
static uint32_t adler32_zeros(uint32_t adler, size_t count) {
    uint64_t s1 = adler & 0xFFFF, s2 = adler >> 16;
    s2 = (s2 + s1 * (count % ADLER_BASE)) % ADLER_BASE;
    return (uint32_t)(s2 << 16 | s1);
}

// MARK: - Up filter

/// A word of four bytes minus another, bytewise (no borrow crosses a byte).
static inline uint32_t subtract_bytes(uint32_t a, uint32_t b) {
    return ((a | 0x80808080u) - (b & 0x7F7F7F7Fu)) ^ ((a ^ ~b) & 0x80808080u);
}

/// R, G, B of `count` pixels minus those above (or minus zero), from pixel `x` on.
static void filter_pixels(const uint32_t *row, const uint32_t *above, size_t x, size_t width, uint8_t *out) {
    for (; x < width; x++, out += 3) {
        uint32_t d = above ? subtract_bytes(row[x], above[x]) : row[x];
        out[0] = (uint8_t)(d >> 16);
        out[1] = (uint8_t)(d >> 8);
        out[2] = (uint8_t)d;
    }
}

#if defined(__x86_64__)
/// Eight pixels at a time: subtract, gather R, G, B of each 128-bit half's four pixels into its
/// first 12 bytes, store both halves (each store's last 4 bytes are overwritten by the next).
AVX2 void filter_row_avx2(const uint32_t *row, const uint32_t *above, size_t width, uint8_t *out) {
    const __m256i rgb = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                                         2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    size_t x = 0;
    // Two more pixels (6 bytes) after the eight keep the 4 spare bytes of the last store in the row.
    for (; x + 10 <= width; x += 8, out += 24) {
        __m256i d = _mm256_loadu_si256((const __m256i *)(row + x));
        if (above) d = _mm256_sub_epi8(d, _mm256_loadu_si256((const __m256i *)(above + x)));
        d = _mm256_shuffle_epi8(d, rgb);
        _mm_storeu_si128((__m128i *)out, _mm256_castsi256_si128(d));
        _mm_storeu_si128((__m128i *)(out + 12), _mm256_extracti128_si256(d, 1));
    }
    filter_pixels(row, above, x, width, out);
}
#endif

uint32_t vanish_png_filter_opaque(const uint8_t *pixels, size_t stride, size_t width, size_t first, size_t rows,
                                  uint8_t *out, uint32_t adler, int simd) {
    size_t lineBytes = 1 + 3 * width;
    for (size_t y = first; y < first + rows; y++, out += lineBytes) {
        const uint32_t *row = (const uint32_t *)(const void *)(pixels + y * stride);
        const uint32_t *above = y > 0 ? (const uint32_t *)(const void *)(pixels + (y - 1) * stride) : NULL;
        out[0] = 2;  // Up
        if (above && memcmp(row, above, 4 * width) == 0) {
            memset(out + 1, 0, 3 * width);
            adler = adler32_zeros(vanish_adler32(adler, out, 1, 0), 3 * width);
            continue;
        }
#if defined(__x86_64__)
        if (simd) {
            filter_row_avx2(row, above, width, out + 1);
            adler = adler32_avx2(adler, out, lineBytes);
            continue;
        }
#endif
        filter_pixels(row, above, 0, width, out + 1);
        adler = adler32_scalar(adler, out, lineBytes);
    }
    return adler;
}

// MARK: - Scan

/// How many bytes from `p` on equal the byte `distance` before each, up to `limit`.
static inline size_t run_length_scalar(const uint8_t *p, size_t distance, size_t limit) {
    size_t n = 0;
    while (n + 8 <= limit) {
        uint64_t a, b;
        memcpy(&a, p + n, 8);
        memcpy(&b, p + n - distance, 8);
        if (a != b) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            return n + (size_t)__builtin_clzll(a ^ b) / 8;
#else
            return n + (size_t)__builtin_ctzll(a ^ b) / 8;
#endif
        }
        n += 8;
    }
    while (n < limit && p[n] == p[n - distance]) n++;
    return n;
}

static inline void literals_scalar(const uint8_t *p, size_t count, uint32_t *tokens, uint32_t *literal_frequency) {
    for (size_t k = 0; k < count; k++) {
        tokens[k] = p[k];
        literal_frequency[p[k]]++;
    }
}

#if defined(__x86_64__)
AVX2 size_t run_length_avx2(const uint8_t *p, size_t distance, size_t limit) {
    size_t n = 0;
    for (; n + 32 <= limit; n += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p + n));
        __m256i b = _mm256_loadu_si256((const __m256i *)(p + n - distance));
        uint32_t equal = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, b));
        if (equal != 0xFFFFFFFFu) return n + (size_t)__builtin_ctz(~equal);
    }
    return n + run_length_scalar(p + n, distance, limit - n);
}

/// Bit k (k < 62): bytes k, k + 1, k + 2 from `p` equal those 1 or `distance` before them.
/// Reads from p − max(1, distance) to p + 63.
AVX2 uint64_t run_starts_avx2(const uint8_t *p, size_t distance) {
    __m256i a0 = _mm256_loadu_si256((const __m256i *)p), a1 = _mm256_loadu_si256((const __m256i *)(p + 32));
    uint64_t one = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a0, _mm256_loadu_si256((const __m256i *)(p - 1))))
        | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a1, _mm256_loadu_si256((const __m256i *)(p + 31)))) << 32;
    uint64_t far = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a0, _mm256_loadu_si256((const __m256i *)(p - distance))))
        | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a1, _mm256_loadu_si256((const __m256i *)(p + 32 - distance))))
            << 32;
    return ((one & one >> 1 & one >> 2) | (far & far >> 1 & far >> 2)) & ((1ull << 62) - 1);
}

/// Literal tokens eight at a time (up to 7 tokens past `count` are written and left as garbage).
AVX2 void literals_avx2(const uint8_t *p, size_t count, uint32_t *tokens, uint32_t *literal_frequency) {
    for (size_t k = 0; k < count; k += 8) {
        __m128i bytes = _mm_loadl_epi64((const __m128i *)(p + k));
        _mm256_storeu_si256((__m256i *)(tokens + k), _mm256_cvtepu8_epi32(bytes));
    }
    for (size_t k = 0; k < count; k++) literal_frequency[p[k]]++;
}
#endif

/// The scan, with or without AVX2 (`vector`, a constant wherever this is inlined).
__attribute__((always_inline)) static inline size_t scan(const uint8_t *s, size_t i, size_t count, size_t stop, size_t distance,
                                                         unsigned distance_symbol, uint32_t *tokens, size_t *token_count,
                                                         size_t capacity, uint32_t *literal_frequency,
                                                         uint32_t *distance_frequency, const uint8_t *length_code,
                                                         int vector) {
    size_t n = *token_count;
    while (i < stop && n < capacity) {
        // Stretches of literals (antialiased edges, text) first: a run of 3 or more at either
        // distance must begin with 3 bytes equal to those 1 or `distance` bytes back, so where
        // neither 3-byte window matches the byte is a literal.
        if (i >= distance && i + 4 <= count) {
#if defined(__x86_64__)
            // 62 positions at a time while 64 bytes from i are in the input.
            while (vector && i + 66 <= count && n < capacity) {
                uint64_t starts = run_starts_avx2(s + i, distance);
                size_t stretch = starts ? (size_t)__builtin_ctzll(starts) : 62;
                if (stretch > capacity - n) stretch = capacity - n;
                literals_avx2(s + i, stretch, tokens + n, literal_frequency);
                n += stretch;
                i += stretch;
                if (stretch < 62) break;
            }
#endif
            while (i + 4 <= count && n < capacity) {
                uint32_t here, before, back;
                memcpy(&here, s + i, 4);
                memcpy(&before, s + i - 1, 4);
                memcpy(&back, s + i - distance, 4);
                // The first 3 bytes in memory order, whatever the byte order of the words.
                uint32_t first3 = 0;
                memcpy(&first3, "\xFF\xFF\xFF", 3);
                if (((here ^ before) & first3) == 0 || ((here ^ back) & first3) == 0) break;
                tokens[n++] = s[i];
                literal_frequency[s[i]]++;
                i++;
            }
            if (i >= stop || n >= capacity) break;
        }
        size_t limit = count - i < 258 ? count - i : 258;
        uint8_t byte = s[i];
        size_t length = 0, from = 1;
        if (i >= 1 && limit >= 3 && byte == s[i - 1] && s[i + 1] == byte && s[i + 2] == byte) {
#if defined(__x86_64__)
            length = vector ? run_length_avx2(s + i, 1, limit) : run_length_scalar(s + i, 1, limit);
#else
            length = run_length_scalar(s + i, 1, limit);
#endif
        }
        if (distance > 1 && i >= distance && limit > (length > 2 ? length : 2) && byte == s[i - distance]) {
#if defined(__x86_64__)
            size_t other = vector ? run_length_avx2(s + i, distance, limit) : run_length_scalar(s + i, distance, limit);
#else
            size_t other = run_length_scalar(s + i, distance, limit);
#endif
            if (other > length && other >= 3) {
                length = other;
                from = distance;
            }
        }
        if (length >= 3) {
            tokens[n] = (from == 1 ? 1u : 2u) << 16 | (uint32_t)(256 + length);
            literal_frequency[257 + length_code[length]]++;
            distance_frequency[from == 1 ? 0 : distance_symbol]++;
            i += length;
        } else {
            tokens[n] = byte;
            literal_frequency[byte]++;
            i++;
        }
        n++;
    }
    *token_count = n;
    return i;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static size_t scan_avx2(const uint8_t *s, size_t i, size_t count, size_t stop, size_t distance,
                                                         unsigned distance_symbol, uint32_t *tokens,
                                                         size_t *token_count, size_t capacity,
                                                         uint32_t *literal_frequency, uint32_t *distance_frequency,
                                                         const uint8_t *length_code) {
    return scan(s, i, count, stop, distance, distance_symbol, tokens, token_count, capacity, literal_frequency,
                distance_frequency, length_code, 1);
}
#endif

size_t vanish_deflate_scan(const uint8_t *input, size_t start, size_t count, size_t stop, size_t distance, unsigned distance_symbol,
                           uint32_t *tokens, size_t *token_count, size_t capacity, uint32_t *literal_frequency,
                           uint32_t *distance_frequency, const uint8_t *length_code, int simd) {
#if defined(__x86_64__)
    if (simd)
        return scan_avx2(input, start, count, stop, distance, distance_symbol, tokens, token_count, capacity,
                         literal_frequency, distance_frequency, length_code);
#endif
    (void)simd;
    return scan(input, start, count, stop, distance, distance_symbol, tokens, token_count, capacity, literal_frequency,
                distance_frequency, length_code, 0);
}
