//! IDX files (the MNIST format), gzipped or not: a magic number giving the element type and the
//! number of dimensions, big-endian u32 sizes, then the data. Only unsigned bytes (type 0x08),
//! which is what image and label files use.

use std::{io::Read, path::Path};

use anyhow::{bail, Context, Result};
use flate2::read::GzDecoder;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idx {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

/// Reads a file's bytes, gunzipping when they start with the gzip magic (whatever the name).
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(raw.as_slice()).read_to_end(&mut out).with_context(|| format!("{}: corrupt gzip data", path.display()))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

pub fn read_idx(path: &Path) -> Result<Idx> {
    let bytes = read_maybe_gz(path)?;
    parse_idx(&bytes).with_context(|| format!("{}", path.display()))
}

pub fn parse_idx(b: &[u8]) -> Result<Idx> {
    if b.len() < 4 || b[0] != 0 || b[1] != 0 {
        bail!("not an IDX file (it must start with two zero bytes, a type byte and a dimension count)");
    }
    if b[2] != 0x08 {
        bail!("IDX element type 0x{:02x} is not supported (only unsigned bytes, 0x08)", b[2]);
    }
    let ndim = b[3] as usize;
    let header = 4 + 4 * ndim;
    if ndim == 0 || b.len() < header {
        bail!("truncated IDX header ({ndim} dimensions, {} bytes)", b.len());
    }
    let dims: Vec<usize> = (0..ndim).map(|k| u32::from_be_bytes(b[4 + 4 * k..8 + 4 * k].try_into().unwrap()) as usize).collect();
    let want: usize = dims.iter().product();
    let have = b.len() - header;
    if have != want {
        bail!("IDX dimensions {dims:?} need {want} bytes of data, the file holds {have}");
    }
    Ok(Idx { dims, data: b[header..].to_vec() })
}

/// Writes an uncompressed IDX file of unsigned bytes (for tests and examples).
pub fn encode_idx(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for &d in dims {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let bytes = encode_idx(&[2, 2, 3], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        let idx = parse_idx(&bytes).unwrap();
        assert_eq!(idx.dims, vec![2, 2, 3]);
        assert_eq!(idx.data[11], 12);
        assert!(parse_idx(&bytes[..bytes.len() - 1]).unwrap_err().to_string().contains("need 12 bytes"));
        assert!(parse_idx(b"PK\x03\x04").is_err());
        let mut float = bytes.clone();
        float[2] = 0x0d;
        assert!(parse_idx(&float).unwrap_err().to_string().contains("0x0d"));
    }

    #[test]
    fn gzipped_files_are_read_by_content() {
        use flate2::{write::GzEncoder, Compression};
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("rlab-idx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(&encode_idx(&[3], &[7, 8, 9])).unwrap();
        let path = dir.join("labels-no-gz-suffix");
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        assert_eq!(read_idx(&path).unwrap().data, vec![7, 8, 9]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
