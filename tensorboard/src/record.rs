//! TFRecord framing: `u64 LE length`, `u32 LE masked CRC32C(length bytes)`, payload, `u32 LE masked CRC32C(payload)`.

use std::io::{self, Read, Write};

const MASK_DELTA: u32 = 0xa282_ead8;

/// TFRecord's masked CRC32C (Castagnoli): the CRC rotated right by 15 bits plus a constant.
pub(crate) fn masked_crc32c(data: &[u8]) -> u32 {
    mask(crc32c::crc32c(data))
}

fn mask(crc: u32) -> u32 {
    crc.rotate_right(15).wrapping_add(MASK_DELTA)
}

/// Frames `payload` as one record, in memory, so it can be handed to the file in one `write_all`.
pub(crate) fn encode_record(payload: &[u8]) -> Vec<u8> {
    let len = (payload.len() as u64).to_le_bytes();
    let mut out = Vec::with_capacity(payload.len() + 16);
    out.extend_from_slice(&len);
    out.extend_from_slice(&masked_crc32c(&len).to_le_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&masked_crc32c(payload).to_le_bytes());
    out
}

/// Writes one record.
pub(crate) fn write_record<W: Write>(w: &mut W, payload: &[u8]) -> io::Result<()> {
    w.write_all(&encode_record(payload))
}

/// Why a record could not be read.
#[derive(Debug)]
pub(crate) enum RecordError {
    /// The record starting at byte `offset` is damaged or cut short.
    Damaged { offset: u64, reason: String },
    /// The underlying read failed (not end of file).
    Io(io::Error),
}

/// Reads records one after another, tracking the byte offset of each.
pub(crate) struct RecordReader<R> {
    inner: R,
    offset: u64,
}

impl<R: Read> RecordReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        RecordReader { inner, offset: 0 }
    }

    /// Byte offset of the next record (equals the start of the record that the last call returned an error for).
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// The next record's payload; `Ok(None)` at a clean end of file (exactly at a record boundary).
    pub(crate) fn next_record(&mut self) -> Result<Option<Vec<u8>>, RecordError> {
        let start = self.offset;
        let damaged = |reason: String| RecordError::Damaged {
            offset: start,
            reason,
        };

        let mut header = [0u8; 12];
        let got = read_full(&mut self.inner, &mut header).map_err(RecordError::Io)?;
        if got == 0 {
            return Ok(None);
        }
        if got < header.len() {
            return Err(damaged(format!(
                "file ends inside the 12-byte record header after {got} bytes"
            )));
        }
        let mut len_bytes = [0u8; 8];
        len_bytes.copy_from_slice(&header[..8]);
        let len_crc = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
        if masked_crc32c(&len_bytes) != len_crc {
            return Err(damaged("bad length CRC".into()));
        }
        let len = u64::from_le_bytes(len_bytes);

        // `take` + `read_to_end` grows the buffer as bytes arrive, so a huge (but CRC-valid) length
        // in a short file cannot make us allocate it up front.
        let mut payload = Vec::new();
        let got = (&mut self.inner)
            .take(len)
            .read_to_end(&mut payload)
            .map_err(RecordError::Io)? as u64;
        if got < len {
            return Err(damaged(format!(
                "file ends inside the payload: {got} of {len} bytes present"
            )));
        }
        let mut footer = [0u8; 4];
        let got = read_full(&mut self.inner, &mut footer).map_err(RecordError::Io)?;
        if got < footer.len() {
            return Err(damaged("file ends inside the payload CRC".into()));
        }
        if masked_crc32c(&payload) != u32::from_le_bytes(footer) {
            return Err(damaged("bad data CRC".into()));
        }
        self.offset = start + 12 + len + 4;
        Ok(Some(payload))
    }
}

/// Reads until `buf` is full or end of file; returns how many bytes were read.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::manual_rotate)] // the formula as the format documents it
    fn crc32c_known_vector_and_mask() {
        // The standard CRC-32C check value.
        assert_eq!(crc32c::crc32c(b"123456789"), 0xE306_9283);
        // Masked value as computed by tensorboard's own `masked_crc32c` (Python).
        assert_eq!(masked_crc32c(b"123456789"), 0xC78A_B0E5);
        assert_eq!(masked_crc32c(b""), MASK_DELTA);
        // The mask formula spelled out.
        let c: u32 = 0xE306_9283;
        assert_eq!(mask(c), ((c >> 15) | (c << 17)).wrapping_add(0xa282_ead8));
    }

    #[test]
    fn records_round_trip() {
        let mut buf = Vec::new();
        for p in [&b""[..], b"a", b"hello world"] {
            write_record(&mut buf, p).unwrap();
        }
        let mut r = RecordReader::new(&buf[..]);
        assert_eq!(r.next_record().unwrap().unwrap(), b"");
        assert_eq!(r.offset(), 16);
        assert_eq!(r.next_record().unwrap().unwrap(), b"a");
        assert_eq!(r.next_record().unwrap().unwrap(), b"hello world");
        assert!(r.next_record().unwrap().is_none());
        assert_eq!(r.offset(), buf.len() as u64);
    }

    #[test]
    fn damage_is_reported_at_record_start() {
        let mut buf = Vec::new();
        write_record(&mut buf, b"first").unwrap();
        let second = buf.len() as u64;
        write_record(&mut buf, b"second").unwrap();

        let mut bad_len = buf.clone();
        bad_len[second as usize] ^= 1;
        let mut r = RecordReader::new(&bad_len[..]);
        r.next_record().unwrap();
        match r.next_record() {
            Err(RecordError::Damaged { offset, reason }) => {
                assert_eq!(offset, second);
                assert_eq!(reason, "bad length CRC");
            }
            other => panic!("{other:?}"),
        }

        for cut in 1..(buf.len() as u64 - second) {
            let short = &buf[..(second + cut) as usize];
            let mut r = RecordReader::new(short);
            r.next_record().unwrap();
            assert!(
                matches!(r.next_record(), Err(RecordError::Damaged { offset, .. }) if offset == second),
                "cut {cut}"
            );
        }
    }
}
