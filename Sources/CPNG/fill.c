// Antialiased solid fills of straight-edged polygons: exact-area coverage in integers, blended
// with Cairo's and pixman's arithmetic. See cpng_fill.h.
//
// Coverage: every edge is walked across the pixel rows it spans and, within each row, across
// the cells (pixels) it passes through. Each piece of edge inside a cell adds to the cell its
// signed height (`cover`) and its height times twice its mean distance from the cell's left
// side (`area`), the scheme of classic scanline font rasterisers. A sweep along the row then
// has, at every cell, the winding number summed over the cells to its left (`acc`); the
// cell's signed area inside the polygon is (acc + cover) · 512 − area in units of 1/131072
// pixel. Its magnitude, at most a whole pixel, is the coverage under the non-zero rule. It is
// exact wherever the winding number within a pixel takes only the values 0 and 1 (or 0 and
// −1); where two edges of overlapping shapes cross the same pixel, the overlap there counts
// twice (up to the whole pixel).

#include "cpng_fill.h"
#include "pixel_arithmetic.h"

#include <limits.h>
#include <string.h>

#define ONE 256          // a pixel in 1/256 pixel
#define FULL 131072      // a pixel's area in the units of the sweep: 256 · 256 · 2

typedef struct {
    int32_t cover, area;
} cell;

// One strip of rows' cells and, per row, the winding summed over everything left of the box,
// the first and last cell touched and the cells touched (up to LISTED of them, in any order).
// Cells a row lists as touched before it is swept whole from its first to its last cell.
#define LISTED 32

typedef struct {
    cell *cells;
    int32_t *left, *first, *last, *count, *listed;
    int x0, x1, width;   // columns [x0, x1)
    int top, rows;       // rows [top, top + rows)
} strip;

// Rows a strip holds at most: its cells take at most about 512 KB.
static int strip_rows(int width, int height) {
    int rows = 65536 / (width > 0 ? width : 1);
    if (rows < 1) rows = 1;
    return rows < height ? rows : height;
}

static size_t row_bytes(int width) { return (size_t)width * sizeof(cell) + (4 + LISTED) * sizeof(int32_t); }

size_t vanish_fill_scratch_bytes(int width, int height) {
    if (width <= 0 || height <= 0) return 16;
    return row_bytes(width) * (size_t)strip_rows(width, height) + (size_t)width + 16;
}

// a / b rounded to the nearest integer (halves up), for b > 0.
static inline int64_t round_div(int64_t a, int64_t b) {
    int64_t n = 2 * a + b, d = 2 * b;
    int64_t q = n / d;
    if (n % d != 0 && n < 0) q--;
    return q;
}

static inline void add_piece(strip *s, int row, int column, int32_t fx0, int32_t y0, int32_t fx1, int32_t y1, int dir) {
    int32_t dy = y1 - y0;
    if (dy == 0 || column >= s->x1) return;
    if (column < s->x0) {
        s->left[row] += dir * dy;
        return;
    }
    int i = column - s->x0;
    cell *c = s->cells + (size_t)row * s->width + i;
    if (c->cover == 0 && c->area == 0) {  // (a cell whose sums came back to 0 may be listed twice)
        int32_t n = s->count[row]++;
        if (n < LISTED) s->listed[row * LISTED + n] = i;
    }
    c->cover += dir * dy;
    c->area += dir * dy * (fx0 + fx1);
    if (i < s->first[row]) s->first[row] = i;
    if (i > s->last[row]) s->last[row] = i;
}

// The piece of an edge within one row, from (xa, ya) to (xb, yb), ya < yb, y relative to the
// row's top (0…256), x absolute; `dir` is the edge's direction (+1 down, −1 up).
static void add_row(strip *s, int row, int32_t xa, int32_t ya, int32_t xb, int32_t yb, int dir) {
    const int32_t L = s->x0 * ONE, R = s->x1 * ONE;
    if (xa >= R && xb >= R) return;  // right of the box: changes no pixel in it
    if (xa <= L && xb <= L) {        // left of the box: winds every pixel of the row
        s->left[row] += dir * (yb - ya);
        return;
    }
    int ca = xa >> 8, cb = xb >> 8;  // floor, for negative x too
    if (ca == cb) {
        add_piece(s, row, ca, xa - ca * ONE, ya, xb - ca * ONE, yb, dir);
        return;
    }
    const int64_t dy = yb - ya;
    int32_t px = xa, py = ya;
    if (xb > xa) {
        const int64_t dx = xb - xa;
        int c = ca;
        if (c < s->x0) {  // the part left of the box only winds
            int32_t y = ya + (int32_t)round_div(dy * (L - xa), dx);
            s->left[row] += dir * (y - ya);
            px = L;
            py = y;
            c = s->x0;
        }
        for (; c < cb; c++) {
            if (c >= s->x1) return;
            int32_t X = (c + 1) * ONE;
            int32_t y = ya + (int32_t)round_div(dy * (X - xa), dx);
            add_piece(s, row, c, px - c * ONE, py, ONE, y, dir);
            px = X;
            py = y;
        }
        add_piece(s, row, cb, px - cb * ONE, py, xb - cb * ONE, yb, dir);
    } else {
        const int64_t dx = xa - xb;
        int c = ca;
        if (c >= s->x1) {  // the part right of the box changes nothing
            int32_t y = ya + (int32_t)round_div(dy * (xa - R), dx);
            px = R;
            py = y;
            c = s->x1 - 1;
        }
        for (; c > cb; c--) {
            int32_t X = c * ONE;
            int32_t y = ya + (int32_t)round_div(dy * (xa - X), dx);
            add_piece(s, row, c, px - c * ONE, py, 0, y, dir);
            px = X;
            py = y;
            if (c - 1 < s->x0) {  // the rest is left of the box
                s->left[row] += dir * (yb - py);
                return;
            }
        }
        add_piece(s, row, cb, px - cb * ONE, py, xb - cb * ONE, yb, dir);
    }
}

// x of the edge at height y (y0 ≤ y ≤ y1, y0 < y1), rounded to 1/256 pixel.
static inline int32_t x_at(const vanish_fill_edge *e, int32_t y) {
    if (y == e->y0) return e->x0;
    if (y == e->y1) return e->x1;
    return e->x0 + (int32_t)round_div((int64_t)(e->x1 - e->x0) * (y - e->y0), (int64_t)e->y1 - e->y0);
}

static void add_edges(strip *s, const vanish_fill_edge *edges, size_t count) {
    const int32_t top = s->top * ONE, bottom = (s->top + s->rows) * ONE;
    for (size_t k = 0; k < count; k++) {
        vanish_fill_edge e = edges[k];
        int dir = 1;
        if (e.y0 == e.y1) continue;
        if (e.y0 > e.y1) {  // walk every edge downwards, remembering its direction
            e = (vanish_fill_edge){e.x1, e.y1, e.x0, e.y0};
            dir = -1;
        }
        if (e.y1 <= top || e.y0 >= bottom) continue;
        int32_t y = e.y0 > top ? e.y0 : top;
        const int32_t end = e.y1 < bottom ? e.y1 : bottom;
        int32_t x = x_at(&e, y);
        while (y < end) {
            int row = (y >> 8) - s->top;
            int32_t rowTop = (y >> 8) * ONE;
            int32_t next = rowTop + ONE < end ? rowTop + ONE : end;
            int32_t nx = x_at(&e, next);
            add_row(s, row, x, y - rowTop, nx, next - rowTop, dir);
            y = next;
            x = nx;
        }
    }
}

static inline uint8_t coverage_of(int64_t v) {
    v = v < 0 ? -v : v;
    v = v < FULL ? v : FULL;
    return (uint8_t)((v * 255 + FULL / 2) >> 17);
}

// A run of pixels of one coverage: `count` pixels from column `x` (of the box) of row `y`.
typedef void (*span_fn)(void *context, int y, int x, int count, uint32_t coverage);
// A run of pixels with a coverage each.
typedef void (*mask_fn)(void *context, int y, int x, int count, const uint8_t *coverage);

// Rows with more cells touched than this, or with cells close together, are swept from their
// first to their last cell, and blended through a mask of coverage.
#define SORTED 8

// Emits the coverage of the strip's row `row` as spans and masks (skipping runs of coverage 0
// between touched cells); leaves the row's cells and sums zero. `out` holds a row of bytes.
static void sweep_row(strip *s, int row, span_fn span, mask_fn mask, void *context, uint8_t *out) {
    const int y = s->top + row;
    int64_t acc = s->left[row];
    cell *cells = s->cells + (size_t)row * s->width;
    int n = s->count[row], done = 0;  // pixels [0, done) are emitted
    if (n == 0) {
    } else if (n <= SORTED && s->last[row] - s->first[row] >= 8 * n) {
        // A few cells far apart: in order, with constant coverage between them.
        int32_t *list = s->listed + row * LISTED;
        for (int k = 1; k < n; k++) {
            int32_t v = list[k];
            int j = k;
            for (; j > 0 && list[j - 1] > v; j--) list[j] = list[j - 1];
            list[j] = v;
        }
        for (int k = 0; k < n; k++) {
            int i = list[k];
            if (i < done) continue;  // listed twice
            if (i > done && acc != 0) span(context, y, done, i - done, coverage_of(acc * 512));
            int64_t cover = cells[i].cover;
            uint32_t a = coverage_of((acc + cover) * 512 - cells[i].area);
            if (a) span(context, y, i, 1, a);
            acc += cover;
            cells[i].cover = 0;
            cells[i].area = 0;
            done = i + 1;
        }
        memset(list, 0, (size_t)n * sizeof(int32_t));
    } else {
        int first = s->first[row], last = s->last[row];
        if (first > 0 && acc != 0) span(context, y, 0, first, coverage_of(acc * 512));
        uint8_t between = coverage_of(acc * 512);
        for (int i = first; i <= last; i++) {
            uint64_t both;
            memcpy(&both, cells + i, sizeof both);
            if (both == 0) {  // untouched: the coverage left of it
                out[i] = between;
                continue;
            }
            int64_t cover = cells[i].cover;
            out[i] = coverage_of((acc + cover) * 512 - cells[i].area);
            acc += cover;
            between = coverage_of(acc * 512);
            cells[i].cover = 0;
            cells[i].area = 0;
        }
        mask(context, y, first, last - first + 1, out + first);
        done = last + 1;
        memset(s->listed + row * LISTED, 0, (size_t)(n < LISTED ? n : LISTED) * sizeof(int32_t));
    }
    if (done < s->width && acc != 0) span(context, y, done, s->width - done, coverage_of(acc * 512));
    s->left[row] = 0;
    s->first[row] = INT_MAX;
    s->last[row] = -1;
    s->count[row] = 0;
}

// pixman's x · a / 255 on two channels at once (bits 0–7 and 16–23), rounded with + 128.
static inline uint32_t mul_rb(uint32_t x, uint32_t a) {
    uint32_t t = (x & 0x00FF00FF) * a + 0x00800080;
    return ((t + ((t >> 8) & 0x00FF00FF)) >> 8) & 0x00FF00FF;
}

// Cairo's mul8x2_8: the same product rounded with + 127.
static inline uint32_t mul_rb_cairo(uint32_t x, uint32_t a) {
    uint32_t t = (x & 0x00FF00FF) * a + 0x007F007F;
    return ((t + ((t >> 8) & 0x00FF00FF)) >> 8) & 0x00FF00FF;
}

// Two channels' sum, saturated at 255 each.
static inline uint32_t add_rb(uint32_t x, uint32_t y) {
    uint32_t t = x + y;
    t |= 0x01000100 - ((t >> 8) & 0x00FF00FF);
    return t & 0x00FF00FF;
}

// Cairo's lerp8x4: src · a + dst · (255 − a), the way it fills with an opaque colour.
static inline uint32_t lerp(uint32_t src, uint32_t a, uint32_t dst) {
    return add_rb(mul_rb_cairo(src, a), mul_rb_cairo(dst, 255 - a)) |
           add_rb(mul_rb_cairo(src >> 8, a), mul_rb_cairo(dst >> 8, 255 - a)) << 8;
}

// pixman's OVER of a premultiplied source onto dst.
static inline uint32_t over(uint32_t src, uint32_t dst) {
    uint32_t inverse = 255 - (src >> 24);
    return add_rb(src & 0x00FF00FF, mul_rb(dst, inverse)) | add_rb((src >> 8) & 0x00FF00FF, mul_rb(dst >> 8, inverse)) << 8;
}

// One pixel: `color` through coverage `a` (1…255), onto d.
static inline uint32_t blend_pixel(uint32_t color, uint32_t a, uint32_t d) {
    if (color >> 24 == 255) return a == 255 ? color : lerp(color, a, d);
    // The source through the mask (unchanged at 255), then OVER.
    uint32_t s = a == 255 ? color : mul_rb(color, a) | mul_rb(color >> 8, a) << 8;
    return over(s, d);
}

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2"))) static

// Eight pixels of d with `color` (in every pixel of `c`) blended through coverage `alo`, `ahi`
// (16-bit lanes, each pixel's coverage in its four lanes, in the order _mm256_unpack{lo,hi}_epi8
// gives the pixels: 0, 1, 4, 5 and 2, 3, 6, 7).
AVX2 __m256i blend8(__m256i c, __m256i d, __m256i alo, __m256i ahi, int opaque) {
    const __m256i zero = _mm256_setzero_si256(), ff = _mm256_set1_epi16(0xFF);
    __m256i clo = _mm256_unpacklo_epi8(c, zero), chi = _mm256_unpackhi_epi8(c, zero);
    __m256i dlo = _mm256_unpacklo_epi8(d, zero), dhi = _mm256_unpackhi_epi8(d, zero);
    __m256i ilo, ihi;
    const __m256i half = _mm256_set1_epi16(opaque ? 0x7F : 0x80);
    clo = vanish_mul_div255(clo, alo, half);
    chi = vanish_mul_div255(chi, ahi, half);
    if (opaque) {  // Cairo's lerp8x4: src · a + dst · (255 − a)
        ilo = _mm256_xor_si256(alo, ff);
        ihi = _mm256_xor_si256(ahi, ff);
    } else {  // pixman's (color IN a) OVER d: dst · (255 − the masked source's alpha)
        ilo = _mm256_xor_si256(_mm256_shufflehi_epi16(_mm256_shufflelo_epi16(clo, 0xFF), 0xFF), ff);
        ihi = _mm256_xor_si256(_mm256_shufflehi_epi16(_mm256_shufflelo_epi16(chi, 0xFF), 0xFF), ff);
    }
    dlo = vanish_mul_div255(dlo, ilo, half);
    dhi = vanish_mul_div255(dhi, ihi, half);
    return _mm256_adds_epu8(_mm256_packus_epi16(clo, chi), _mm256_packus_epi16(dlo, dhi));
}

AVX2 void blend_span_avx2(uint32_t *d, int count, uint32_t color, uint32_t a) {
    const __m256i c = _mm256_set1_epi32((int)color), a16 = _mm256_set1_epi16((short)a);
    const int opaque = color >> 24 == 255;
    int x = 0;
    for (; x + 8 <= count; x += 8) {
        __m256i dst = _mm256_loadu_si256((const __m256i *)(d + x));
        // Full coverage over nothing (a fresh group layer) gives the colour.
        if (a == 255 && _mm256_testz_si256(dst, dst)) {
            _mm256_storeu_si256((__m256i *)(d + x), c);
            continue;
        }
        _mm256_storeu_si256((__m256i *)(d + x), blend8(c, dst, a16, a16, opaque));
    }
    for (; x < count; x++) d[x] = blend_pixel(color, a, d[x]);
}

AVX2 void blend_mask_avx2(uint32_t *d, int count, uint32_t color, const uint8_t *coverage) {
    const __m256i c = _mm256_set1_epi32((int)color), zero = _mm256_setzero_si256();
    const int opaque = color >> 24 == 255;
    int x = 0;
    for (; x + 8 <= count; x += 8) {
        uint64_t eight;
        memcpy(&eight, coverage + x, 8);
        if (eight == 0) continue;
        if (eight == ~(uint64_t)0 && opaque) {
            _mm256_storeu_si256((__m256i *)(d + x), c);
            continue;
        }
        __m256i a32 = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)eight));
        __m256i alo = _mm256_unpacklo_epi32(a32, zero), ahi = _mm256_unpackhi_epi32(a32, zero);
        alo = _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(alo, 0), 0);
        ahi = _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(ahi, 0), 0);
        __m256i dst = _mm256_loadu_si256((const __m256i *)(d + x));
        _mm256_storeu_si256((__m256i *)(d + x), blend8(c, dst, alo, ahi, opaque));
    }
    if (x == count) return;
    // The last 1–7 pixels, their coverage padded with zeros (which leave a pixel as it is), loaded
    // and stored through a mask that touches nothing beyond the run.
    uint64_t eight = 0;
    memcpy(&eight, coverage + x, (size_t)(count - x));
    if (eight == 0) return;
    __m256i inside = _mm256_cmpgt_epi32(_mm256_set1_epi32(count - x), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256i a32 = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)eight));
    __m256i alo = _mm256_unpacklo_epi32(a32, zero), ahi = _mm256_unpackhi_epi32(a32, zero);
    alo = _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(alo, 0), 0);
    ahi = _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(ahi, 0), 0);
    __m256i dst = _mm256_maskload_epi32((const int *)(d + x), inside);
    _mm256_maskstore_epi32((int *)(d + x), inside, blend8(c, dst, alo, ahi, opaque));
}
#endif

typedef struct {
    uint8_t *pixels;
    size_t stride;
    int left;
    uint32_t color;
    int simd;
} blend_context;

static void blend_span(void *context, int y, int x, int count, uint32_t a) {
    blend_context *b = context;
    uint32_t *d = (uint32_t *)(b->pixels + (size_t)y * b->stride) + b->left + x;
    if (a == 255 && b->color >> 24 == 255) {
        for (int i = 0; i < count; i++) d[i] = b->color;
        return;
    }
    if (count == 1) {
        *d = blend_pixel(b->color, a, *d);
        return;
    }
#if defined(__x86_64__)
    if (b->simd) {
        blend_span_avx2(d, count, b->color, a);
        return;
    }
#endif
    for (int i = 0; i < count; i++) d[i] = blend_pixel(b->color, a, d[i]);
}

static void blend_mask(void *context, int y, int x, int count, const uint8_t *coverage) {
    blend_context *b = context;
    uint32_t *d = (uint32_t *)(b->pixels + (size_t)y * b->stride) + b->left + x;
#if defined(__x86_64__)
    if (b->simd) {
        blend_mask_avx2(d, count, b->color, coverage);
        return;
    }
#endif
    for (int i = 0; i < count; i++)
        if (coverage[i]) d[i] = blend_pixel(b->color, coverage[i], d[i]);
}

void vanish_fill_blend_row(uint32_t *pixels, int count, uint32_t color, const uint8_t *coverage, int simd) {
    blend_context b = {(uint8_t *)pixels, 0, 0, color, simd};
    blend_mask(&b, 0, 0, count, coverage);
}

// Sweeps every row of the box, emitting its coverage (rows are y, columns 0 ..< width).
static void cover_box(int left, int top, int width, int height, const vanish_fill_edge *edges, size_t count,
                      void *scratch, size_t scratch_bytes, span_fn span, mask_fn mask, void *context) {
    if (width <= 0 || height <= 0 || scratch_bytes < vanish_fill_scratch_bytes(width, height)) return;
    strip s;
    s.rows = strip_rows(width, height);
    s.width = width;
    s.x0 = left;
    s.x1 = left + width;
    s.cells = (cell *)scratch;
    s.left = (int32_t *)(s.cells + (size_t)s.rows * width);
    s.first = s.left + s.rows;
    s.last = s.first + s.rows;
    s.count = s.last + s.rows;
    s.listed = s.count + s.rows;
    uint8_t *out = (uint8_t *)(s.listed + (size_t)s.rows * LISTED);
    // The scratch comes zeroed and is left so; only the bounds start otherwise.
    for (int r = 0; r < s.rows; r++) {
        s.first[r] = INT_MAX;
        s.last[r] = -1;
    }
    const int rows = s.rows;
    for (int y = top; y < top + height; y += rows) {
        s.top = y;
        s.rows = top + height - y < rows ? top + height - y : rows;
        add_edges(&s, edges, count);
        for (int r = 0; r < s.rows; r++) sweep_row(&s, r, span, mask, context, out);
    }
    memset(s.first, 0, 2 * (size_t)rows * sizeof(int32_t));
    memset(out, 0, (size_t)width);
}

void vanish_fill_edges(uint8_t *pixels, size_t stride, int left, int top, int width, int height,
                       const vanish_fill_edge *edges, size_t count, uint32_t color,
                       void *scratch, size_t scratch_bytes, int simd) {
    blend_context b = {pixels, stride, left, color, simd};
    cover_box(left, top, width, height, edges, count, scratch, scratch_bytes, blend_span, blend_mask, &b);
}

typedef struct {
    uint8_t *out;
    int top, width;
} copy_context;

static void copy_span(void *context, int y, int x, int count, uint32_t a) {
    copy_context *c = context;
    memset(c->out + (size_t)(y - c->top) * c->width + x, (int)a, (size_t)count);
}

static void copy_mask(void *context, int y, int x, int count, const uint8_t *coverage) {
    copy_context *c = context;
    memcpy(c->out + (size_t)(y - c->top) * c->width + x, coverage, (size_t)count);
}

void vanish_fill_coverage(uint8_t *coverage, int left, int top, int width, int height,
                          const vanish_fill_edge *edges, size_t count, void *scratch, size_t scratch_bytes) {
    memset(coverage, 0, (size_t)width * height);
    copy_context c = {coverage, top, width};
    cover_box(left, top, width, height, edges, count, scratch, scratch_bytes, copy_span, copy_mask, &c);
}
