//! Streaming CSV records with the line each starts on, so every error can name `FILE:LINE`.
//! Quoted fields may hold commas and newlines (RFC 4180), as the SMS file's do.

use std::path::Path;

use anyhow::{anyhow, bail, Result};

use super::idx::read_maybe_gz;

pub struct Record<'a> {
    /// 1-based line where the record starts.
    pub line: u64,
    pub fields: &'a csv::StringRecord,
    /// The first record of a file read with a header.
    pub is_header: bool,
}

/// Calls `f` with each record, the header first (flagged) when `has_header`. Every record must
/// have as many fields as the first one. The file may be gzipped.
pub fn for_each_record(path: &Path, has_header: bool, mut f: impl FnMut(Record) -> Result<()>) -> Result<()> {
    let bytes = read_maybe_gz(path)?;
    let shown = path.display();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes.as_slice());
    let mut record = csv::StringRecord::new();
    let mut width = None;
    let mut first = true;
    loop {
        let line_before = reader.position().line();
        let more = reader.read_record(&mut record).map_err(|e| match e.position() {
            Some(p) => anyhow!("{shown}:{}: malformed CSV: {}", p.line(), csv_reason(&e)),
            None => anyhow!("{shown}:{line_before}: malformed CSV: {}", csv_reason(&e)),
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(line_before, |p| p.line());
        match width {
            None => width = Some(record.len()),
            Some(w) if record.len() != w => {
                bail!("{shown}:{line}: expected {w} fields (like line 1), found {}", record.len())
            }
            _ => {}
        }
        f(Record { line, fields: &record, is_header: first && has_header })?;
        first = false;
    }
    if width.is_none() {
        bail!("{shown}: the file is empty");
    }
    Ok(())
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        _ => crate::cli::one_line(&e.to_string()),
    }
}

/// Parses a feature value: a finite number.
pub fn number(raw: &str, path: &Path, line: u64, column: &str) -> Result<f32> {
    let t = raw.trim();
    if t.is_empty() {
        bail!("{}:{line}: column '{column}' is empty", path.display());
    }
    match t.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => bail!("{}:{line}: column '{column}': '{t}' is not a finite number", path.display()),
    }
}

/// Reads a whole file as text, naming it on failure.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_maybe_gz(path)?;
    String::from_utf8(bytes).map_err(|_| anyhow!("{}: not valid UTF-8", path.display()))
}
