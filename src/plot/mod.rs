//! Line charts rendered to PNG without any system library or font: lines, bands, dashed
//! reference lines, axes with tick labels and a legend. Used by `rlab sweep` (curves.png) and
//! `rlab logs --plot`.

mod canvas;
mod font;
mod ticks;

use std::path::Path;

use anyhow::{Context, Result};

pub use canvas::{Canvas, Rgb};
use canvas::{BLACK, WHITE};
use font::{text_width, ADVANCE, LINE_H};

/// Colour-blind-friendly palette (Okabe–Ito) and four darker hues, cycled.
const PALETTE: [Rgb; 12] = [
    [0, 114, 178],
    [213, 94, 0],
    [0, 158, 115],
    [204, 121, 167],
    [86, 180, 233],
    [230, 159, 0],
    [120, 120, 120],
    [0, 0, 0],
    [140, 30, 30],
    [40, 40, 150],
    [120, 150, 20],
    [130, 80, 30],
];

pub fn color(i: usize) -> Rgb {
    PALETTE[i % PALETTE.len()]
}

/// Text scale: every font pixel is 2×2 canvas pixels.
const S: usize = 2;
const GRID: Rgb = [225, 225, 225];

pub struct Series {
    pub label: String,
    pub color: Rgb,
    pub points: Vec<(f64, f64)>,
    /// `(x, low, high)` shaded around the line.
    pub band: Vec<(f64, f64, f64)>,
    pub dashed: bool,
}

impl Series {
    pub fn line(label: impl Into<String>, color: Rgb, points: Vec<(f64, f64)>) -> Series {
        Series { label: label.into(), color, points, band: Vec::new(), dashed: false }
    }
}

pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

/// Renders charts stacked vertically, each `width` × `panel_height`, into a PNG at `path`
/// (written through a temporary file, so a reader never sees half an image).
pub fn save_png(charts: &[Chart], width: usize, panel_height: usize, path: &Path) -> Result<()> {
    let mut canvas = Canvas::new(width, panel_height * charts.len().max(1), WHITE);
    for (i, chart) in charts.iter().enumerate() {
        chart.draw(&mut canvas, (i * panel_height) as i64, panel_height as i64);
    }
    crate::run::run_dir::write_atomic(path, |tmp| encode_png(&canvas, tmp))
}

fn encode_png(canvas: &Canvas, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), canvas.width as u32, canvas.height as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().context("cannot encode the PNG")?;
    w.write_image_data(&canvas.pixels).context("cannot encode the PNG")?;
    w.finish().context("cannot encode the PNG")?;
    Ok(())
}

/// Maps data coordinates into the plot area.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x.0) / (self.x.1 - self.x.0) * (self.right - self.left)
    }
    fn py(&self, y: f64) -> f64 {
        self.bottom - (y - self.y.0) / (self.y.1 - self.y.0) * (self.bottom - self.top)
    }
}

impl Chart {
    fn draw(&self, c: &mut Canvas, top: i64, height: i64) {
        let (x, y) = self.ranges();
        let left = 22.0 + (ticks_width(y) + 12) as f64;
        let title = wrap(&self.title, (c.width - left as usize) / (ADVANCE * S));
        let line = (LINE_H * S) as i64;
        let (plot_top, bottom) = ((top + 20 + line * title.len() as i64) as f64, (top + height) as f64 - 58.0);
        let beside = if self.legend_outside(bottom - plot_top) { self.legend_size().0 as f64 + 14.0 } else { 0.0 };
        let f = Frame { left, right: c.width as f64 - 24.0 - beside, top: plot_top, bottom, x, y };
        for (i, t) in title.iter().enumerate() {
            c.text(f.left as i64, top + 12 + line * i as i64, t, S, BLACK);
        }
        self.axes(c, &f);
        let to_px = |s: &Series| -> Vec<(f64, f64)> { s.points.iter().map(|&(a, b)| (f.px(a), f.py(b))).collect() };
        for s in self.series.iter().filter(|s| !s.band.is_empty()) {
            let band: Vec<(f64, f64, f64)> = s.band.iter().map(|&(a, lo, hi)| (f.px(a), f.py(lo), f.py(hi))).collect();
            c.band(&band, s.color, 0.18);
        }
        for s in &self.series {
            let dash = s.dashed.then_some((8.0, 6.0));
            c.polyline(&to_px(s), if s.dashed { 1.5 } else { 2.2 }, s.color, dash);
            if s.points.len() == 1 {
                let (px, py) = (f.px(s.points[0].0), f.py(s.points[0].1));
                c.line((px, py), (px, py), 5.0, s.color);
            }
        }
        self.legend(c, &f);
    }

    /// Data ranges, padded; x starts at 0 when all data is non-negative (env steps).
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let xs = self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0).chain(s.band.iter().map(|b| b.0)));
        let ys = self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1).chain(s.band.iter().flat_map(|b| [b.1, b.2])));
        let span = |it: &mut dyn Iterator<Item = f64>| {
            it.filter(|v| v.is_finite()).fold(None, |acc: Option<(f64, f64)>, v| Some(acc.map_or((v, v), |(a, b)| (a.min(v), b.max(v)))))
        };
        let (mut x0, mut x1) = span(&mut xs.into_iter()).unwrap_or((0.0, 1.0));
        let (mut y0, mut y1) = span(&mut ys.into_iter()).unwrap_or((0.0, 1.0));
        if x0 >= 0.0 {
            x0 = 0.0;
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        if y1 - y0 < 1e-12 {
            (y0, y1) = (y0 - 1.0, y1 + 1.0);
        }
        let pad = (y1 - y0) * 0.05;
        ((x0, x1), (y0 - pad, y1 + pad))
    }

    fn axes(&self, c: &mut Canvas, f: &Frame) {
        let (l, r, t, b) = (f.left as i64, f.right as i64, f.top as i64, f.bottom as i64);
        let (xt, xstep) = ticks::nice_ticks(f.x.0, f.x.1, 6);
        let (yt, ystep) = ticks::nice_ticks(f.y.0, f.y.1, 5);
        let th = (font::CAP_H * S) as i64;
        for (v, s) in yt.iter().zip(ticks::labels(&yt, ystep)) {
            let py = f.py(*v).round() as i64;
            c.fill_rect(l, py, r, py + 1, GRID, 1.0);
            c.text(l - 8 - (text_width(&s) * S) as i64, py - th / 2, &s, S, BLACK);
        }
        for (v, s) in xt.iter().zip(ticks::labels(&xt, xstep)) {
            let px = f.px(*v).round() as i64;
            c.fill_rect(px, t, px + 1, b, GRID, 1.0);
            c.fill_rect(px, b, px + 1, b + 5, BLACK, 1.0);
            c.text(px - (text_width(&s) * S) as i64 / 2, b + 9, &s, S, BLACK);
        }
        c.stroke_rect(l, t, r + 1, b + 1, BLACK);
        let xw = (text_width(&self.x_label) * S) as i64;
        c.text((l + r) / 2 - xw / 2, b + 9 + (LINE_H * S) as i64, &self.x_label, S, BLACK);
        let yw = (text_width(&self.y_label) * S) as i64;
        c.text_vertical(6, (t + b) / 2 - yw / 2, &self.y_label, S, BLACK);
    }

    fn legend_entries(&self) -> Vec<&Series> {
        self.series.iter().filter(|s| !s.label.is_empty()).collect()
    }

    /// Legend box width and height in pixels.
    fn legend_size(&self) -> (i64, i64) {
        let entries = self.legend_entries();
        let w = entries.iter().map(|s| text_width(&s.label) * S).max().unwrap_or(0) as i64 + 54;
        (w, ((LINE_H * S) as i64 + 4) * entries.len() as i64 + 10)
    }

    /// A legend taller than a third of the plot goes beside it (right of the frame), else
    /// into the plot corner holding the fewest data points.
    fn legend_outside(&self, plot_height: f64) -> bool {
        self.legend_size().1 as f64 > plot_height / 3.0
    }

    fn legend(&self, c: &mut Canvas, f: &Frame) {
        let entries = self.legend_entries();
        if entries.is_empty() {
            return;
        }
        let row = (LINE_H * S) as i64 + 4;
        let (w, h) = self.legend_size();
        let (l, r, t, b) = (f.left as i64 + 10, f.right as i64 - 10, f.top as i64 + 10, f.bottom as i64 - 10);
        let corners = [(l, t), (r - w, t), (l, b - h), (r - w, b - h)];
        let crowd = |&(x0, y0): &(i64, i64)| {
            let inside = |&(px, py): &(f64, f64)| px >= x0 as f64 && px <= (x0 + w) as f64 && py >= y0 as f64 && py <= (y0 + h) as f64;
            self.series.iter().flat_map(|s| s.points.iter()).filter(|p| inside(&(f.px(p.0), f.py(p.1)))).count()
        };
        let (x0, y0) = if self.legend_outside(f.bottom - f.top) {
            (f.right as i64 + 14, f.top as i64)
        } else {
            *corners.iter().min_by_key(|c| crowd(c)).unwrap_or(&corners[0])
        };
        c.fill_rect(x0, y0, x0 + w, y0 + h, WHITE, 0.88);
        c.stroke_rect(x0, y0, x0 + w, y0 + h, [160, 160, 160]);
        for (i, s) in entries.iter().enumerate() {
            let yy = y0 + 6 + i as i64 * row;
            let mid = (yy + row / 2 - 2) as f64;
            if s.dashed {
                c.polyline(&[(x0 as f64 + 8.0, mid), (x0 as f64 + 38.0, mid)], 1.5, s.color, Some((6.0, 4.0)));
            } else {
                if !s.band.is_empty() {
                    c.fill_rect(x0 + 8, yy + 2, x0 + 38, yy + row - 6, s.color, 0.18);
                }
                c.line((x0 as f64 + 8.0, mid), (x0 as f64 + 38.0, mid), 2.2, s.color);
            }
            c.text(x0 + 46, yy + 2, &s.label, S, BLACK);
        }
    }
}

/// Splits `text` at spaces into lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Width in pixels of the widest y tick label, to size the left margin.
fn ticks_width(y: (f64, f64)) -> usize {
    let (t, step) = ticks::nice_ticks(y.0, y.1, 5);
    ticks::labels(&t, step).iter().map(|s| text_width(s) * S).max().unwrap_or(0) + (LINE_H * S)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_becomes_a_png_of_the_asked_size() {
        let dir = std::env::temp_dir().join(format!("rlab-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut s = Series::line("γ=0.99", color(0), (0..50).map(|i| (i as f64 * 1000.0, (i as f64).sqrt())).collect());
        s.band = s.points.iter().map(|&(x, y)| (x, y - 0.5, y + 0.5)).collect();
        let chart = Chart { title: "t".into(), x_label: "env steps".into(), y_label: "return".into(), series: vec![s] };
        let path = dir.join("a.png");
        save_png(&[chart], 400, 300, &path).unwrap();
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height, info.color_type), (400, 300, png::ColorType::Rgb));
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
