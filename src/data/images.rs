//! Labelled grey-scale images: IDX image + label files, or a CSV of pixels with the label last.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::{
    csv_rows::for_each_record,
    idx::{read_idx, Idx},
};

#[derive(Clone, Debug)]
pub struct Images {
    pub height: usize,
    pub width: usize,
    /// `n × height × width` bytes, 0 = background.
    pub pixels: Vec<u8>,
    /// One per image (empty when the file held no labels).
    pub labels: Vec<usize>,
}

impl Images {
    pub fn len(&self) -> usize {
        self.pixels.len() / (self.height * self.width).max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.pixels.is_empty()
    }
}

/// An IDX file of images (`n × h × w`) alone, for prediction.
pub fn load_idx_images(path: &Path) -> Result<Images> {
    let Idx { dims, data } = read_idx(path)?;
    if dims.len() != 3 {
        bail!("{}: an image file has 3 dimensions (n, height, width), this one {dims:?}", path.display());
    }
    Ok(Images { height: dims[1], width: dims[2], pixels: data, labels: Vec::new() })
}

/// An IDX image file with its IDX label file (one label per image).
pub fn load_idx_pair(images: &Path, labels: &Path) -> Result<Images> {
    let mut set = load_idx_images(images)?;
    let l = read_idx(labels)?;
    if l.dims.len() != 1 || l.dims[0] != set.len() {
        bail!("{}: {} labels (dimensions {:?}) for {} images in {}", labels.display(), l.data.len(), l.dims, set.len(), images.display());
    }
    set.labels = l.data.iter().map(|&b| b as usize).collect();
    Ok(set)
}

/// A headerless CSV of square images: `side²` pixel values (integers 0–255), then the label
/// when `labelled`. The side is the square root of the pixel count.
pub fn load_pixel_csv(path: &Path, labelled: bool) -> Result<Images> {
    let mut set = Images { height: 0, width: 0, pixels: Vec::new(), labels: Vec::new() };
    for_each_record(path, false, |r| {
            let n_pixels = r.fields.len() - usize::from(labelled);
            if set.height == 0 {
                let side = (n_pixels as f64).sqrt().round() as usize;
                if side == 0 || side * side != n_pixels {
                    bail!("{}:{}: {n_pixels} pixel values do not make a square image", path.display(), r.line);
                }
                set.height = side;
                set.width = side;
            }
            for (c, raw) in r.fields.iter().enumerate() {
                let v: u8 = raw.trim().parse().with_context(|| {
                    let what = if labelled && c == n_pixels { "label" } else { "pixel" };
                    format!("{}:{}: {what} {} is '{}', not an integer in 0..=255", path.display(), r.line, c + 1, raw.trim())
                })?;
                if labelled && c == n_pixels {
                    set.labels.push(v as usize);
                } else {
                    set.pixels.push(v);
                }
            }
            Ok(())
    })?;
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::encode_idx;

    #[test]
    fn idx_pairs_and_pixel_csv() {
        let dir = std::env::temp_dir().join(format!("rlab-images-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (im, lb) = (dir.join("im"), dir.join("lb"));
        std::fs::write(&im, encode_idx(&[2, 2, 2], &[0, 1, 2, 3, 4, 5, 6, 7])).unwrap();
        std::fs::write(&lb, encode_idx(&[2], &[3, 9])).unwrap();
        let s = load_idx_pair(&im, &lb).unwrap();
        assert_eq!((s.len(), s.height, s.labels.clone()), (2, 2, vec![3, 9]));
        std::fs::write(&lb, encode_idx(&[3], &[3, 9, 1])).unwrap();
        assert!(load_idx_pair(&im, &lb).unwrap_err().to_string().contains("3 labels"));

        let csv = dir.join("px.csv");
        std::fs::write(&csv, "0,255,3,4,7\n1,2,3,4,0\n").unwrap();
        let s = load_pixel_csv(&csv, true).unwrap();
        assert_eq!((s.len(), s.width, s.labels.clone(), s.pixels[1]), (2, 2, vec![7, 0], 255));
        std::fs::write(&csv, "0,256,3,4,7\n").unwrap();
        assert!(load_pixel_csv(&csv, true).unwrap_err().to_string().contains("px.csv:1: pixel 2 is '256'"));
        std::fs::write(&csv, "0,1,3,7\n").unwrap();
        assert!(load_pixel_csv(&csv, true).unwrap_err().to_string().contains("square"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
