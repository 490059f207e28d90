// The PNG writer's zlib coder and hot loops, with an AVX2 path and a plain-C path that give the
// same bytes. RunLengthDeflate.swift describes the format and drives it a few lines at a time;
// this file only has to be fast.
#include "cpng_deflate.h"
#include "ckernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2"))) static inline
#endif

int vanish_png_simd(void) {
#if defined(__x86_64__)
    // The AVX2 paths also use BMI2's shifts, which every AVX2 CPU has in practice.
    return vk_simd_level() >= 1 && __builtin_cpu_supports("bmi2");
#else
    return 0;
#endif
}

// MARK: - Tables (RFC 1951, 3.2.5)

static const uint16_t length_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                         31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t distance_base[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                           193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t distance_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/// The order code-length code lengths are sent in.
static const uint8_t code_length_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

static unsigned distance_code(size_t distance) {
    unsigned code = 0;
    while (code + 1 < 30 && distance_base[code + 1] <= distance) code++;
    return code;
}

// MARK: - Huffman codes

/// Sorts the `n` used symbols (ascending) by frequency, stably: a radix sort, a byte of the
/// frequency a pass, as few passes as the largest frequency needs (2 for a block of 2^15 tokens).
static void sort_by_frequency(uint16_t *symbols, uint16_t *scratch, size_t n, const uint32_t *frequency) {
    uint32_t largest = 0;
    for (size_t k = 0; k < n; k++) largest = frequency[symbols[k]] > largest ? frequency[symbols[k]] : largest;
    for (unsigned shift = 0; shift < 32 && largest >> shift != 0; shift += 8) {
        uint32_t start[257];
        for (int b = 0; b < 257; b++) start[b] = 0;
        for (size_t k = 0; k < n; k++) start[(frequency[symbols[k]] >> shift & 0xFF) + 1]++;
        for (int b = 1; b < 257; b++) start[b] += start[b - 1];
        for (size_t k = 0; k < n; k++) scratch[start[frequency[symbols[k]] >> shift & 0xFF]++] = symbols[k];
        memcpy(symbols, scratch, n * sizeof *symbols);
    }
}

void vanish_huffman_lengths(const uint32_t *frequency, size_t count, unsigned limit, uint8_t *lengths) {
    // Leaves sorted by (frequency, symbol), then the merged nodes, which come out in order.
    uint16_t symbol[VANISH_HUFFMAN_MAX_SYMBOLS], scratch[VANISH_HUFFMAN_MAX_SYMBOLS];
    uint64_t weight[2 * VANISH_HUFFMAN_MAX_SYMBOLS];
    uint16_t parent[2 * VANISH_HUFFMAN_MAX_SYMBOLS], depth[2 * VANISH_HUFFMAN_MAX_SYMBOLS];
    size_t n = 0;
    for (size_t s = 0; s < count; s++) {
        lengths[s] = 0;
        if (frequency[s] > 0) symbol[n++] = (uint16_t)s;
    }
    if (n == 0) return;
    if (n == 1) {
        lengths[symbol[0]] = 1;
        return;
    }
    sort_by_frequency(symbol, scratch, n, frequency);
    for (size_t k = 0; k < n; k++) weight[k] = frequency[symbol[k]];
    // The two smallest of the next leaf and the next merged node (ties: the leaf), merged.
    size_t leaf = 0, merged = n;
    for (size_t next = n; next < 2 * n - 1; next++) {
        size_t pair[2];
        for (int k = 0; k < 2; k++) {
            if (leaf < n && (merged >= next || weight[leaf] <= weight[merged])) pair[k] = leaf++;
            else pair[k] = merged++;
        }
        weight[next] = weight[pair[0]] + weight[pair[1]];
        parent[pair[0]] = parent[pair[1]] = (uint16_t)next;
    }
    depth[2 * n - 2] = 0;
    unsigned deepest = 0;
    for (size_t node = 2 * n - 2; node-- > 0;) {
        depth[node] = depth[parent[node]] + 1;
        if (node < n && depth[node] > deepest) deepest = depth[node];
    }
    unsigned count_of_length[2 * VANISH_HUFFMAN_MAX_SYMBOLS];
    memset(count_of_length, 0, sizeof(unsigned) * ((deepest > limit ? deepest : limit) + 1));
    for (size_t k = 0; k < n; k++) count_of_length[depth[k]]++;
    if (deepest > limit) {
        // Lengths over the limit become the limit, then the code is made complete again by
        // lengthening one shorter code per excess leaf (as miniz's tdefl_huffman_enforce_max_code_size).
        for (unsigned d = limit + 1; d <= deepest; d++) {
            count_of_length[limit] += count_of_length[d];
            count_of_length[d] = 0;
        }
        uint64_t total = 0;
        for (unsigned d = 1; d <= limit; d++) total += (uint64_t)count_of_length[d] << (limit - d);
        for (; total > (1ull << limit); total--) {
            count_of_length[limit]--;
            for (unsigned d = limit - 1; d >= 1; d--) {
                if (count_of_length[d] > 0) {
                    count_of_length[d]--;
                    count_of_length[d + 1] += 2;
                    break;
                }
            }
        }
    }
    // The rarest symbols get the longest codes.
    size_t k = 0;
    for (unsigned d = limit; d >= 1; d--) {
        for (unsigned c = 0; c < count_of_length[d]; c++) lengths[symbol[k++]] = (uint8_t)d;
    }
}

/// Canonical codes for `lengths` (RFC 1951, 3.2.2), bit-reversed for a least-significant-bit-first writer.
static void canonical_codes(const uint8_t *lengths, size_t count, uint16_t *codes) {
    unsigned count_of_length[16] = {0}, next[16] = {0};
    for (size_t s = 0; s < count; s++) count_of_length[lengths[s]]++;
    count_of_length[0] = 0;
    unsigned code = 0;
    for (unsigned bits = 1; bits < 16; bits++) {
        code = (code + count_of_length[bits - 1]) << 1;
        next[bits] = code;
    }
    for (size_t s = 0; s < count; s++) {
        unsigned l = lengths[s], c = l ? next[l]++ : 0;
        // The 16 bits of c reversed, then the top l of them.
        c = (c & 0x5555) << 1 | (c >> 1 & 0x5555);
        c = (c & 0x3333) << 2 | (c >> 2 & 0x3333);
        c = (c & 0x0F0F) << 4 | (c >> 4 & 0x0F0F);
        c = (c & 0x00FF) << 8 | (c >> 8 & 0x00FF);
        codes[s] = (uint16_t)(c >> (16 - l));
    }
}

// MARK: - The stream

/// A match token: the literals before it, its distance (0: 1, 1: the pixel's) and its length.
#define SEQUENCE(run, kind, length) ((uint32_t)(run) << 10 | (uint32_t)(kind) << 9 | (uint32_t)(length))
enum { MAX_BLOCK_TOKENS = 1 << 22 };  // the literal runs of SEQUENCE have 22 bits

struct vanish_deflate {
    // The bytes written: `before` spare bytes, then the stream; bits not yet in a whole byte wait
    // in `pending` (`used` < 8 of them); there are always 8 spare bytes after `count`.
    uint8_t *bytes;
    size_t count, capacity, before;
    uint64_t pending;
    unsigned used;

    size_t distance;           // the match distance other than 1
    unsigned distance_symbol;  // its distance code
    size_t block_tokens;
    int simd;
    uint8_t length_code[259];  // the length code (0…28) of each match length 3…258

    // The block being gathered: its literal bytes, its matches with the literals before each,
    // the literals after the last match, how many tokens, and their symbols' frequencies.
    uint8_t *literals;
    size_t literal_count;
    uint32_t *sequences;
    size_t sequence_count;
    size_t run;
    size_t tokens;
    uint32_t literal_frequency[286];
    uint32_t matches[2];  // of distance 1 and of the other distance
};

static void reserve(vanish_deflate *d, size_t more) {
    if (d->count + more + 8 <= d->capacity) return;
    size_t capacity = d->capacity;
    while (d->count + more + 8 > capacity) capacity *= 2;
    uint8_t *bytes = realloc(d->bytes, capacity);
    if (bytes == NULL) abort();  // as Swift's allocations do
    d->bytes = bytes;
    d->capacity = capacity;
}

static void *allocate(size_t size) {
    void *p = malloc(size);
    if (p == NULL) abort();
    return p;
}

// Adds at most 56 bits to the pending ones, then stores the whole bytes: all 8 bytes of `pending`
// are stored (the spare bytes take the ones not yet whole) and `out` moves past the whole ones.
#define PUT_BITS(out, pending, used, value, n)        \
    do {                                              \
        pending |= (uint64_t)(value) << used;         \
        used += (n);                                  \
        memcpy(out, &pending, 8);                     \
        out += used >> 3;                             \
        pending >>= used & ~7u;                       \
        used &= 7;                                    \
    } while (0)

/// Appends the low `n` bits of `bits` (n ≤ 56); for headers, not for the hot loop.
static void put(vanish_deflate *d, uint64_t bits, unsigned n) {
    reserve(d, 8);
    uint8_t *out = d->bytes + d->count;
    PUT_BITS(out, d->pending, d->used, bits, n);
    d->count = (size_t)(out - d->bytes);
}

static void align_to_byte(vanish_deflate *d) {
    if (d->used == 0) return;
    reserve(d, 1);
    d->bytes[d->count++] = (uint8_t)d->pending;
    d->pending = 0;
    d->used = 0;
}

static void start_block(vanish_deflate *d) {
    d->literal_count = d->sequence_count = d->run = d->tokens = 0;
    memset(d->literal_frequency, 0, sizeof d->literal_frequency);
    d->matches[0] = d->matches[1] = 0;
}

vanish_deflate *vanish_deflate_create(size_t pixel_bytes, size_t expected, size_t before, size_t block_tokens, int simd) {
    vanish_deflate *d = allocate(sizeof *d);
    d->distance = pixel_bytes < 1 ? 1 : pixel_bytes > 32768 ? 32768 : pixel_bytes;
    d->distance_symbol = distance_code(d->distance);
    d->block_tokens = block_tokens < 1 ? 1 : block_tokens > MAX_BLOCK_TOKENS ? MAX_BLOCK_TOKENS : block_tokens;
    d->simd = simd;
    for (unsigned length = 3, code = 0; length <= 258; length++) {
        while (code + 1 < 29 && length_base[code + 1] <= length) code++;
        d->length_code[length] = (uint8_t)code;
    }
    d->literals = allocate(d->block_tokens + 64);  // the scan stores literals 64 at a time
    d->sequences = allocate(sizeof(uint32_t) * (d->block_tokens + 1));
    d->before = before;
    d->capacity = before + expected + 1024;
    d->bytes = allocate(d->capacity);
    d->count = before;
    d->pending = 0;
    d->used = 0;
    start_block(d);
    put(d, 0x78, 8);  // deflate, 32 KiB window, "fastest" level hint; 0x7801 % 31 == 0
    put(d, 0x01, 8);
    return d;
}

void vanish_deflate_destroy(vanish_deflate *d) {
    if (d == NULL) return;
    free(d->bytes);
    free(d->literals);
    free(d->sequences);
    free(d);
}

/// Writes a block's tokens: each match with the literals before it, then the literals after the
/// last match; `group` literals per store of the bits (a literal's code has at most 56 / `group`
/// bits, a match's at most 48, and fewer than 8 bits wait after a store).
__attribute__((always_inline)) static inline void put_tokens(vanish_deflate *d, const uint64_t *code, const uint8_t *length,
                                                             const uint64_t *match, const unsigned group) {
    uint8_t *out = d->bytes + d->count;
    uint64_t pending = d->pending;
    unsigned used = d->used;
    const uint8_t *p = d->literals;
    const uint32_t *sequences = d->sequences;
    const size_t count = d->sequence_count;
#define LITERAL()                         \
    do {                                  \
        unsigned byte = *p++;             \
        pending |= code[byte] << used;    \
        used += length[byte];             \
    } while (0)
#define STORE()                           \
    do {                                  \
        memcpy(out, &pending, 8);         \
        out += used >> 3;                 \
        pending >>= used & ~7u;           \
        used &= 7;                        \
    } while (0)
    for (size_t q = 0;; q++) {
        uint32_t sequence = sequences[q];
        size_t n = sequence >> 10;
        // The first n % group literals, then `group` at a time.
        for (size_t k = n % group; k > 0; k--) LITERAL();
        STORE();
        for (n /= group; n > 0; n--) {
            LITERAL();
            LITERAL();
            LITERAL();
            if (group == 4) LITERAL();
            STORE();
        }
        if (q == count) break;
        uint64_t e = match[sequence & 1023];
        pending |= (e & ((1ull << 56) - 1)) << used;
        used += (unsigned)(e >> 56);
        STORE();
    }
#undef LITERAL
#undef STORE
    d->count = (size_t)(out - d->bytes);
    d->pending = pending;
    d->used = used;
}

static void put_tokens_plain(vanish_deflate *d, const uint64_t *code, const uint8_t *length, const uint64_t *match, unsigned group) {
    if (group == 4) put_tokens(d, code, length, match, 4);
    else put_tokens(d, code, length, match, 3);
}

#if defined(__x86_64__)
/// With BMI2's shifts by any register (every CPU with AVX2 has them).
__attribute__((target("bmi2"))) static void put_tokens_bmi2(vanish_deflate *d, const uint64_t *code, const uint8_t *length,
                                                            const uint64_t *match, unsigned group) {
    if (group == 4) put_tokens(d, code, length, match, 4);
    else put_tokens(d, code, length, match, 3);
}
#endif

/// The block gathered so far, with dynamic Huffman codes (RFC 1951, 3.2.7).
static void write_block(vanish_deflate *d, int final) {
    uint32_t literals[286], distances[30] = {0};
    memcpy(literals, d->literal_frequency, sizeof literals);
    literals[256] = 1;  // end of block
    distances[0] += d->matches[0];
    distances[d->distance_symbol] += d->matches[1];
    // Two codes at least in each alphabet, so every code is complete (some inflaters insist).
    unsigned used_literals = 0, used_distances = 0;
    for (int s = 0; s < 286; s++) used_literals += literals[s] > 0;
    if (used_literals < 2) literals[0]++;
    for (int s = 0; s < 30; s++) used_distances += distances[s] > 0;
    for (; used_distances < 2; used_distances++) distances[distances[0] == 0 ? 0 : 1]++;

    uint8_t lengths[286 + 30];  // literal/length code lengths, then distance code lengths
    uint8_t *distance_lengths = lengths + 286;
    vanish_huffman_lengths(literals, 286, 15, lengths);
    vanish_huffman_lengths(distances, 30, 15, distance_lengths);
    uint16_t literal_codes[286], distance_codes[30];
    canonical_codes(lengths, 286, literal_codes);
    canonical_codes(distance_lengths, 30, distance_codes);
    unsigned literal_count = 286, distance_count = 30;
    while (literal_count > 257 && lengths[literal_count - 1] == 0) literal_count--;
    while (distance_count > 1 && distance_lengths[distance_count - 1] == 0) distance_count--;

    // The code lengths, run-length coded with symbols 16 (repeat), 17 and 18 (zeros):
    // each run is symbol | extra << 5 | extra bits << 12.
    uint8_t all[286 + 30];
    memcpy(all, lengths, literal_count);
    memcpy(all + literal_count, distance_lengths, distance_count);
    unsigned total = literal_count + distance_count, run_count = 0;
    uint32_t runs[286 + 30];
    for (unsigned i = 0; i < total;) {
        unsigned value = all[i], run = 1;
        while (i + run < total && all[i + run] == value) run++;
        unsigned left = run;
        if (value == 0) {
            while (left >= 11) {
                unsigned n = left < 138 ? left : 138;
                runs[run_count++] = 18 | (n - 11) << 5 | 7 << 12;
                left -= n;
            }
            if (left >= 3) {
                runs[run_count++] = 17 | (left - 3) << 5 | 3 << 12;
                left = 0;
            }
        } else {
            runs[run_count++] = value;
            left--;
            while (left >= 3) {
                unsigned n = left < 6 ? left : 6;
                runs[run_count++] = 16 | (n - 3) << 5 | 2 << 12;
                left -= n;
            }
        }
        for (; left > 0; left--) runs[run_count++] = value;
        i += run;
    }
    uint32_t code_length_frequency[19] = {0};
    for (unsigned r = 0; r < run_count; r++) code_length_frequency[runs[r] & 31]++;
    unsigned used_code_lengths = 0;
    for (int s = 0; s < 19; s++) used_code_lengths += code_length_frequency[s] > 0;
    if (used_code_lengths < 2) code_length_frequency[code_length_frequency[0] == 0 ? 0 : 1]++;
    uint8_t code_length_lengths[19];
    uint16_t code_length_codes[19];
    vanish_huffman_lengths(code_length_frequency, 19, 7, code_length_lengths);
    canonical_codes(code_length_lengths, 19, code_length_codes);
    unsigned code_length_count = 19;
    while (code_length_count > 4 && code_length_lengths[code_length_order[code_length_count - 1]] == 0) code_length_count--;

    put(d, final ? 1 : 0, 1);
    put(d, 2, 2);  // dynamic Huffman codes
    put(d, literal_count - 257, 5);
    put(d, distance_count - 1, 5);
    put(d, code_length_count - 4, 4);
    for (unsigned k = 0; k < code_length_count; k++) put(d, code_length_lengths[code_length_order[k]], 3);
    for (unsigned r = 0; r < run_count; r++) {
        unsigned symbol = runs[r] & 31;
        put(d, code_length_codes[symbol] | (uint64_t)(runs[r] >> 5 & 127) << code_length_lengths[symbol],
            code_length_lengths[symbol] + (runs[r] >> 12));
    }

    // The tokens, one table lookup each: a literal's code and its length, or a match's length
    // code, extra bits, distance code and its extra bits (low 56 bits) and how many bits they are (above).
    uint64_t literal_code[256];
    unsigned longest = 0;
    for (int b = 0; b < 256; b++) {
        literal_code[b] = literal_codes[b];
        if (lengths[b] > longest) longest = lengths[b];
    }
    uint64_t match[1024];  // indexed by a sequence's low 10 bits: its distance kind and length
    for (int kind = 0; kind < 2; kind++) {
        size_t distance = kind == 0 ? 1 : d->distance;
        unsigned dcode = kind == 0 ? 0 : d->distance_symbol;
        uint64_t after = distance_codes[dcode] | (uint64_t)(distance - distance_base[dcode]) << distance_lengths[dcode];
        unsigned after_bits = distance_lengths[dcode] + distance_extra[dcode];
        for (unsigned length = 3; length <= 258; length++) {
            unsigned lcode = d->length_code[length], bits = lengths[257 + lcode];
            uint64_t code = literal_codes[257 + lcode] | (uint64_t)(length - length_base[lcode]) << bits;
            bits += length_extra[lcode];
            match[kind << 9 | length] = (code | after << bits) | (uint64_t)(bits + after_bits) << 56;
        }
    }
    // At most 15 bits a literal and 48 a match (15 + 5 + 15 + 13).
    reserve(d, 2 * d->literal_count + 6 * d->sequence_count + 8);
    d->sequences[d->sequence_count] = SEQUENCE(d->run, 0, 0);  // the literals after the last match
#if defined(__x86_64__)
    if (d->simd) put_tokens_bmi2(d, literal_code, lengths, match, longest <= 14 ? 4 : 3);
    else
#endif
    put_tokens_plain(d, literal_code, lengths, match, longest <= 14 ? 4 : 3);
    put(d, literal_codes[256], lengths[256]);
}

size_t vanish_deflate_finish(vanish_deflate *d, uint32_t adler, size_t after, uint8_t **bytes) {
    write_block(d, 1);
    align_to_byte(d);
    for (int shift = 24; shift >= 0; shift -= 8) put(d, adler >> shift & 0xFF, 8);
    reserve(d, after);
    *bytes = d->bytes;
    size_t size = d->count - d->before;
    d->bytes = NULL;
    return size;
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

// MARK: - CRC-32

/// Slicing-by-8 tables of the CRC-32 of PNG and zlib (reflected polynomial 0xEDB88320):
/// crc_table[k][b] is the CRC register after byte b followed by k zero bytes.
static uint32_t crc_table[8][256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void make_crc_table(void) {
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ c >> 1 : c >> 1;
        crc_table[0][b] = c;
    }
    for (int k = 1; k < 8; k++) {
        for (int b = 0; b < 256; b++) crc_table[k][b] = crc_table[k - 1][b] >> 8 ^ crc_table[0][crc_table[k - 1][b] & 0xFF];
    }
}

/// The CRC register (not inverted) after `count` more bytes, eight at a time.
static uint32_t crc32_scalar(uint32_t c, const uint8_t *p, size_t count) {
    for (; count >= 8; count -= 8, p += 8) {
        uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        lo ^= c;
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][lo >> 8 & 0xFF] ^ crc_table[5][lo >> 16 & 0xFF] ^ crc_table[4][lo >> 24]
            ^ crc_table[3][hi & 0xFF] ^ crc_table[2][hi >> 8 & 0xFF] ^ crc_table[1][hi >> 16 & 0xFF] ^ crc_table[0][hi >> 24];
    }
    for (; count > 0; count--, p++) c = crc_table[0][(c ^ *p) & 0xFF] ^ c >> 8;
    return c;
}

#if defined(__x86_64__)
/// The CRC register after `count` (≥ 64, a multiple of 16) more bytes by carry-less multiplication:
/// four 128-bit lanes are folded forward 64 bytes at a time, then into one, then reduced to 32
/// bits (Barrett). The constants are x^k mod P for the fold distances and the reduction, as in
/// Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ" (Gopal et al., 2009).
__attribute__((target("pclmul,sse4.1"))) static uint32_t crc32_clmul(uint32_t c, const uint8_t *p, size_t count) {
    const __m128i fold64 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);  // x^(4·128+32), x^(4·128−32) mod P
    const __m128i fold16 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);  // x^(128+32), x^(128−32) mod P
    const __m128i fold8 = _mm_set_epi64x(0, 0x163cd6124);             // x^64 mod P
    const __m128i barrett = _mm_set_epi64x(0x1f7011641, 0x1db710641);  // floor(x^64 / P), P
    const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);
#define LOAD(k) _mm_loadu_si128((const __m128i *)(p + 16 * (k)))
#define FOLD(x, k, next) _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)), next)
    __m128i x0 = _mm_xor_si128(LOAD(0), _mm_cvtsi32_si128((int)c)), x1 = LOAD(1), x2 = LOAD(2), x3 = LOAD(3);
    for (p += 64, count -= 64; count >= 64; p += 64, count -= 64) {
        x0 = FOLD(x0, fold64, LOAD(0));
        x1 = FOLD(x1, fold64, LOAD(1));
        x2 = FOLD(x2, fold64, LOAD(2));
        x3 = FOLD(x3, fold64, LOAD(3));
    }
    x0 = FOLD(x0, fold16, x1);
    x0 = FOLD(x0, fold16, x2);
    x0 = FOLD(x0, fold16, x3);
    for (; count >= 16; p += 16, count -= 16) x0 = FOLD(x0, fold16, LOAD(0));
#undef LOAD
#undef FOLD
    // 128 bits to 64 (with 32 zero bits appended), to 32, then Barrett reduction.
    x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), _mm_clmulepi64_si128(fold16, x0, 0x01));
    x0 = _mm_xor_si128(_mm_srli_si128(x0, 4), _mm_clmulepi64_si128(_mm_and_si128(x0, low32), fold8, 0x00));
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(t, x0), 1);
}
#endif

uint32_t vanish_crc32(uint32_t crc, const uint8_t *bytes, size_t count, int simd) {
    pthread_once(&crc_table_once, make_crc_table);
    uint32_t c = ~crc;
#if defined(__x86_64__)
    if (simd && count >= 64 && __builtin_cpu_supports("pclmul")) {
        size_t bulk = count & ~(size_t)15;
        c = crc32_clmul(c, bytes, bulk);
        bytes += bulk;
        count -= bulk;
    }
#endif
    (void)simd;
    return ~crc32_scalar(c, bytes, count);
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

#if defined(__x86_64__)
/// `count` zero bytes (a row that repeats the one above), 32 at a time.
AVX2 void zero_avx2(uint8_t *out, size_t count) {
    size_t k = 0;
    for (; k + 32 <= count; k += 32) _mm256_storeu_si256((__m256i *)(out + k), _mm256_setzero_si256());
    for (; k < count; k++) out[k] = 0;
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
#if defined(__x86_64__)
            if (simd) zero_avx2(out + 1, 3 * width);
            else
#endif
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

AVX2 void copy64_avx2(uint8_t *to, const uint8_t *from) {
    _mm256_storeu_si256((__m256i *)to, _mm256_loadu_si256((const __m256i *)from));
    _mm256_storeu_si256((__m256i *)(to + 32), _mm256_loadu_si256((const __m256i *)(from + 32)));
}
#endif

/// The scan, with or without AVX2 (`vector`, a constant wherever this is inlined): tokens from
/// `i` until the block is full or `i` reaches `stop`; returns where it stopped.
__attribute__((always_inline)) static inline size_t scan(vanish_deflate *d, const uint8_t *s, size_t i, size_t count,
                                                         size_t stop, int vector) {
    const size_t distance = d->distance, capacity = d->block_tokens;
    size_t n = d->tokens, run = d->run;
    uint8_t *literals = d->literals + d->literal_count;
    uint32_t *sequences = d->sequences + d->sequence_count;
    uint32_t *literal_frequency = d->literal_frequency;
    const uint8_t *length_code = d->length_code;
    size_t matches[2] = {0, 0};
    while (i < stop && n < capacity) {
        // Stretches of literals (antialiased edges, text) first: a run of 3 or more at either
        // distance must begin with 3 bytes equal to those 1 or `distance` bytes back, so where
        // neither 3-byte window matches the byte is a literal.
        if (i >= distance && i + 4 <= count) {
            int found = 0;  // the 3 bytes at i repeat those 1 or `distance` back
#if defined(__x86_64__)
            // 62 positions at a time while 64 bytes from i are in the input; all 64 are copied.
            while (vector && i + 66 <= count && n < capacity) {
                uint64_t starts = run_starts_avx2(s + i, distance);
                size_t stretch = starts ? (size_t)__builtin_ctzll(starts) : 62;
                if (stretch > capacity - n) stretch = capacity - n;
                copy64_avx2(literals, s + i);
                for (size_t k = 0; k < stretch; k++) literal_frequency[s[i + k]]++;
                literals += stretch;
                run += stretch;
                n += stretch;
                i += stretch;
                if (stretch < 62) {
                    found = starts != 0;
                    break;
                }
            }
#endif
            while (!found && i + 4 <= count && n < capacity) {
                uint32_t here, before, back;
                memcpy(&here, s + i, 4);
                memcpy(&before, s + i - 1, 4);
                memcpy(&back, s + i - distance, 4);
                // The first 3 bytes in memory order, whatever the byte order of the words.
                uint32_t first3 = 0;
                memcpy(&first3, "\xFF\xFF\xFF", 3);
                if (((here ^ before) & first3) == 0 || ((here ^ back) & first3) == 0) break;
                *literals++ = s[i];
                literal_frequency[s[i]]++;
                run++;
                n++;
                i++;
            }
            if (i >= stop || n >= capacity) break;
        }
        size_t limit = count - i < 258 ? count - i : 258;
        uint8_t byte = s[i];
        size_t length = 0, kind = 0;
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
                kind = 1;
            }
        }
        if (length >= 3) {
            *sequences++ = SEQUENCE(run, kind, length);
            run = 0;
            literal_frequency[257 + length_code[length]]++;
            matches[kind]++;
            i += length;
        } else {
            *literals++ = byte;
            literal_frequency[byte]++;
            run++;
            i++;
        }
        n++;
    }
    d->tokens = n;
    d->run = run;
    d->sequence_count = (size_t)(sequences - d->sequences);
    d->literal_count = (size_t)(literals - d->literals);
    d->matches[0] += matches[0];
    d->matches[1] += matches[1];
    return i;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static size_t scan_avx2(vanish_deflate *d, const uint8_t *s, size_t i, size_t count, size_t stop) {
    return scan(d, s, i, count, stop, 1);
}
#endif

static size_t scan_plain(vanish_deflate *d, const uint8_t *s, size_t i, size_t count, size_t stop) {
    return scan(d, s, i, count, stop, 0);
}

size_t vanish_deflate_consume(vanish_deflate *d, const uint8_t *input, size_t start, size_t count, int final) {
    size_t stop = final ? count : count > VANISH_DEFLATE_LOOKAHEAD ? count - VANISH_DEFLATE_LOOKAHEAD : 0;
    size_t i = start;
    while (i < stop) {
#if defined(__x86_64__)
        i = d->simd ? scan_avx2(d, input, i, count, stop) : scan_plain(d, input, i, count, stop);
#else
        i = scan_plain(d, input, i, count, stop);
#endif
        if (d->tokens >= d->block_tokens) {
            write_block(d, 0);
            start_block(d);
        }
    }
    return i;
}
