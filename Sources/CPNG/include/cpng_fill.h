#ifndef VANISH_CPNG_FILL_H
#define VANISH_CPNG_FILL_H

#include <stddef.h>
#include <stdint.h>

/* Antialiased solid fills of straight-edged polygons on premultiplied ARGB32 pixels
   (CairoBackend's SolidFills). Coverage is the exact area of each pixel inside the polygon under
   the non-zero winding rule, computed in integers from coordinates in 1/256 pixel, so every
   machine gives the same bytes. */

/// One edge of a polygon, from (x0, y0) to (x1, y1), in 1/256 pixel (Cairo's fixed point),
/// in the pixel coordinates of the image (pixel (i, j) is the square [i, i+1) × [j, j+1)).
typedef struct {
    int32_t x0, y0, x1, y1;
} vanish_fill_edge;

/// Bytes of scratch memory vanish_fill_edges needs for a box `width` × `height` pixels
/// (at most about 512 KB: a tall box is drawn in strips of rows).
size_t vanish_fill_scratch_bytes(int width, int height);

/// Blends the premultiplied `color` OVER the pixels of the box (`left`, `top`, `width`, `height`)
/// of `pixels` (bytes per row `stride`), with each pixel's coverage by the polygon made of
/// `edges` as the mask. Parts of the polygon outside the box are clipped away. The arithmetic is
/// Cairo's: for an opaque `color`, its `lerp8x4` (full coverage stores the colour); otherwise
/// pixman's OVER of a solid source through an a8 mask. `scratch` holds
/// vanish_fill_scratch_bytes(width, height) bytes, all zero; they are zero again on return.
/// With `simd` non-zero (what vanish_png_simd() returns, or 0) the blend uses AVX2; both give
/// the same bytes.
void vanish_fill_edges(uint8_t *pixels, size_t stride, int left, int top, int width, int height,
                       const vanish_fill_edge *edges, size_t count, uint32_t color,
                       void *scratch, size_t scratch_bytes, int simd);

/// `count` pixels blended with `color` (premultiplied) through `coverage` (0–255 each), as
/// vanish_fill_edges blends its coverage: Cairo's lerp for an opaque colour, pixman's OVER else.
void vanish_fill_blend_row(uint32_t *pixels, int count, uint32_t color, const uint8_t *coverage, int simd);

/// The coverage (0–255) vanish_fill_edges gives each pixel of the box, written to `coverage`
/// (`width` bytes per row), for tests.
void vanish_fill_coverage(uint8_t *coverage, int left, int top, int width, int height,
                          const vanish_fill_edge *edges, size_t count, void *scratch, size_t scratch_bytes);

#endif
