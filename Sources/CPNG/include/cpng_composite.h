#ifndef VANISH_CPNG_COMPOSITE_H
#define VANISH_CPNG_COMPOSITE_H

#include <stddef.h>
#include <stdint.h>

/* Compositing of a faded group's layer onto the image below it (CairoBackend's FadedGroups).
   With `simd` non-zero (pass what vanish_png_simd() returns, or 0) it uses AVX2, otherwise
   plain C; both give the same bytes. */

/// `dst` = (`src` IN `alpha`) OVER `dst` for `width` × `height` premultiplied ARGB32 pixels
/// (strides in bytes): pixman's OVER of an a8r8g8b8 source through a solid mask of `alpha`,
/// byte for byte, which is what cairo_paint_with_alpha does with a group's layer. Pixels whose
/// source is 0 are left as they are (the result would be the same).
void vanish_composite_over_alpha(uint8_t *dst, size_t dst_stride, const uint8_t *src, size_t src_stride,
                                 int width, int height, uint8_t alpha, int simd);

#endif
