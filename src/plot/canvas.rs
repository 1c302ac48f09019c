//! An RGB raster with the few primitives a line chart needs: anti-aliased lines, translucent
//! vertical spans (bands), rectangles and bitmap text. Coordinates are pixels, y down.

use super::font::{glyph, text_width, ADVANCE, GLYPH_H, GLYPH_W};

pub type Rgb = [u8; 3];

pub const WHITE: Rgb = [255, 255, 255];
pub const BLACK: Rgb = [0, 0, 0];

pub struct Canvas {
    pub width: usize,
    pub height: usize,
    /// Row-major RGB bytes.
    pub pixels: Vec<u8>,
}

impl Canvas {
    pub fn new(width: usize, height: usize, background: Rgb) -> Canvas {
        let pixels = background.iter().copied().cycle().take(width * height * 3).collect();
        Canvas { width, height, pixels }
    }

    /// Mixes `color` into pixel (x, y) with opacity `alpha` in [0, 1]; outside the canvas is ignored.
    pub fn blend(&mut self, x: i64, y: i64, color: Rgb, alpha: f64) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height || alpha <= 0.0 {
            return;
        }
        let a = alpha.min(1.0);
        let i = (y as usize * self.width + x as usize) * 3;
        for (k, c) in color.iter().enumerate() {
            let old = self.pixels[i + k] as f64;
            self.pixels[i + k] = (old + (*c as f64 - old) * a).round() as u8;
        }
    }

    pub fn get(&self, x: usize, y: usize) -> Rgb {
        let i = (y * self.width + x) * 3;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }

    pub fn fill_rect(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, color: Rgb, alpha: f64) {
        for y in y0.max(0)..y1.min(self.height as i64) {
            for x in x0.max(0)..x1.min(self.width as i64) {
                self.blend(x, y, color, alpha);
            }
        }
    }

    pub fn stroke_rect(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, color: Rgb) {
        self.fill_rect(x0, y0, x1, y0 + 1, color, 1.0);
        self.fill_rect(x0, y1 - 1, x1, y1, color, 1.0);
        self.fill_rect(x0, y0, x0 + 1, y1, color, 1.0);
        self.fill_rect(x1 - 1, y0, x1, y1, color, 1.0);
    }

    /// An anti-aliased segment of the given width: each pixel is covered by how far its centre
    /// lies inside the stroke (distance to the segment against half the width).
    pub fn line(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), width: f64, color: Rgb) {
        if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
            return;
        }
        let half = width / 2.0;
        let pad = half + 1.0;
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len2 = dx * dx + dy * dy;
        let xmin = (x0.min(x1) - pad).floor().max(0.0) as i64;
        let xmax = (x0.max(x1) + pad).ceil().min(self.width as f64) as i64;
        let ymin = (y0.min(y1) - pad).floor().max(0.0) as i64;
        let ymax = (y0.max(y1) + pad).ceil().min(self.height as f64) as i64;
        for y in ymin..ymax {
            for x in xmin..xmax {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let t = if len2 > 0.0 { (((px - x0) * dx + (py - y0) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
                let (cx, cy) = (x0 + t * dx, y0 + t * dy);
                let d = ((px - cx).powi(2) + (py - cy).powi(2)).sqrt();
                self.blend(x, y, color, (half + 0.5 - d).clamp(0.0, 1.0));
            }
        }
    }

    /// A polyline; with `dash = Some((on, off))` drawn as dashes of those lengths in pixels.
    pub fn polyline(&mut self, points: &[(f64, f64)], width: f64, color: Rgb, dash: Option<(f64, f64)>) {
        let Some((on, off)) = dash else {
            for w in points.windows(2) {
                self.line(w[0], w[1], width, color);
            }
            return;
        };
        // Walk the path keeping the phase of the dash pattern across segments.
        let mut phase = 0.0;
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
            let mut s = 0.0;
            while s < len {
                let in_on = phase < on;
                let step = if in_on { on - phase } else { on + off - phase }.min(len - s);
                if in_on {
                    let p = |u: f64| (a.0 + (b.0 - a.0) * u / len, a.1 + (b.1 - a.1) * u / len);
                    self.line(p(s), p(s + step), width, color);
                }
                s += step;
                phase = (phase + step) % (on + off);
            }
        }
    }

    /// Fills, column by column, between two curves sampled at the same increasing x positions
    /// (`(x, y_a, y_b)`), with opacity `alpha`: a band around a line.
    pub fn band(&mut self, samples: &[(f64, f64, f64)], color: Rgb, alpha: f64) {
        for w in samples.windows(2) {
            let ((xa, a0, b0), (xb, a1, b1)) = (w[0], w[1]);
            if xb <= xa {
                continue;
            }
            for x in xa.round() as i64..xb.round() as i64 {
                let t = ((x as f64 + 0.5 - xa) / (xb - xa)).clamp(0.0, 1.0);
                let (ya, yb) = (a0 + (a1 - a0) * t, b0 + (b1 - b0) * t);
                let (top, bottom) = (ya.min(yb), ya.max(yb));
                for y in top.round() as i64..=bottom.round() as i64 {
                    self.blend(x, y, color, alpha);
                }
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y); `scale` font pixels per canvas pixel.
    pub fn text(&mut self, x: i64, y: i64, text: &str, scale: usize, color: Rgb) {
        for (i, c) in text.chars().enumerate() {
            let rows = glyph(c);
            let gx = x + (i * ADVANCE * scale) as i64;
            for (r, bits) in rows.iter().enumerate().take(GLYPH_H) {
                for col in 0..GLYPH_W {
                    if bits & (1 << (GLYPH_W - 1 - col)) != 0 {
                        let (px, py) = (gx + (col * scale) as i64, y + (r * scale) as i64);
                        self.fill_rect(px, py, px + scale as i64, py + scale as i64, color, 1.0);
                    }
                }
            }
        }
    }

    /// Text rotated a quarter turn anticlockwise (reads bottom to top), its bounding box's top-left at (x, y).
    pub fn text_vertical(&mut self, x: i64, y: i64, text: &str, scale: usize, color: Rgb) {
        let len = text_width(text) as i64 * scale as i64;
        for (i, c) in text.chars().enumerate() {
            let rows = glyph(c);
            for (r, bits) in rows.iter().enumerate() {
                for col in 0..GLYPH_W {
                    if bits & (1 << (GLYPH_W - 1 - col)) != 0 {
                        // Font (u, v) = (along the text, down the glyph) maps to canvas (v, len - u).
                        let u = (i * ADVANCE + col) as i64 * scale as i64;
                        let (px, py) = (x + (r * scale) as i64, y + len - u - scale as i64);
                        self.fill_rect(px, py, px + scale as i64, py + scale as i64, color, 1.0);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_cover_their_path_and_nothing_far_from_it() {
        let mut c = Canvas::new(40, 20, WHITE);
        c.line((2.0, 10.0), (37.0, 10.0), 2.0, BLACK);
        assert_eq!(c.get(20, 9), BLACK);
        assert_eq!(c.get(20, 15), WHITE);
        assert_eq!(c.get(39, 10), WHITE, "the segment ends at x = 37");
        let mut d = Canvas::new(40, 20, WHITE);
        d.polyline(&[(0.0, 5.0), (40.0, 5.0)], 1.0, BLACK, Some((4.0, 4.0)));
        let inked: Vec<bool> = (0..40).map(|x| d.get(x, 4) != WHITE || d.get(x, 5) != WHITE).collect();
        assert!(inked[1] && !inked[6] && inked[9], "{inked:?}");
    }

    #[test]
    fn bands_blend_and_text_draws_glyph_pixels() {
        let mut c = Canvas::new(20, 20, WHITE);
        c.band(&[(0.0, 5.0, 15.0), (20.0, 5.0, 15.0)], [0, 0, 255], 0.5);
        assert_eq!(c.get(10, 10), [128, 128, 255]);
        assert_eq!(c.get(10, 2), WHITE);
        let mut t = Canvas::new(20, 20, WHITE);
        t.text(0, 0, "I", 1, BLACK);
        assert_eq!((t.get(1, 0), t.get(0, 0), t.get(2, 3)), (BLACK, WHITE, BLACK));
        let mut v = Canvas::new(20, 20, WHITE);
        v.text_vertical(0, 0, "L", 1, BLACK);
        // 'L' read bottom to top: its vertical stroke becomes the bottom row... of a 5-wide box.
        assert_eq!(v.get(0, 4), BLACK);
    }
}
