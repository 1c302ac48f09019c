//! Appending scalar and text summaries to a new event file.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use prost::Message;

use crate::error::TbError;
use crate::proto::{
    Event, PluginData, Summary, SummaryMetadata, SummaryValue, TensorProto, TensorShapeProto,
    DT_STRING,
};
use crate::record::write_record;

/// The `file_version` TensorBoard expects in the first record; version 2 also tells TensorBoard not to
/// drop events whose step goes backwards.
pub const FILE_VERSION: &str = "brain.Event:2";

/// How many `.n` suffixes [`EventWriter::create`] tries before giving up.
const MAX_NAME_TRIES: u64 = 100_000;

/// Writes one TensorBoard event file.
///
/// Records go through a `BufWriter`; call [`EventWriter::flush`] to make them durable. Dropping the writer
/// flushes (and syncs) on a best-effort basis, ignoring errors.
pub struct EventWriter {
    out: BufWriter<File>,
    path: PathBuf,
    broken: bool,
}

impl EventWriter {
    /// Creates a new file in `dir` (creating `dir` and its parents if needed), named
    /// `events.out.tfevents.{unix_secs}.{hostname}.{pid}.{n}`, where `n` is the smallest number from 0
    /// that names no existing file (so two writers made in the same second by one process get
    /// different files). The file is opened with `create_new`, never truncating anything. Writes the
    /// `file_version` record.
    pub fn create(dir: &Path) -> Result<Self, TbError> {
        std::fs::create_dir_all(dir).map_err(|e| TbError::io(dir, e))?;
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let host = hostname();
        let pid = std::process::id();
        for n in 0..MAX_NAME_TRIES {
            let path = dir.join(format!("events.out.tfevents.{secs}.{host}.{pid}.{n}"));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    let mut w = EventWriter {
                        out: BufWriter::new(file),
                        path,
                        broken: false,
                    };
                    w.write_event(&Event {
                        wall_time: now(),
                        step: 0,
                        file_version: Some(FILE_VERSION.to_string()),
                        summary: None,
                    })?;
                    return Ok(w);
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(TbError::io(path, e)),
            }
        }
        Err(TbError::NoUniqueName {
            dir: dir.to_path_buf(),
            tries: MAX_NAME_TRIES,
        })
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds a scalar at the current wall-clock time.
    ///
    /// The value is stored as a 32-bit float (`Summary.Value.simple_value`, the form TensorBoard's
    /// `EventAccumulator.Scalars` reads), so it is rounded to the nearest `f32`.
    pub fn add_scalar(&mut self, tag: &str, value: f64, step: i64) -> Result<(), TbError> {
        self.add_scalar_at(tag, value, step, now())
    }

    /// Like [`EventWriter::add_scalar`], with an explicit wall time in seconds since the Unix epoch.
    pub fn add_scalar_at(
        &mut self,
        tag: &str,
        value: f64,
        step: i64,
        wall_time: f64,
    ) -> Result<(), TbError> {
        let value = SummaryValue {
            tag: tag.to_string(),
            simple_value: Some(value as f32),
            ..Default::default()
        };
        self.write_summary(value, step, wall_time)
    }

    /// Adds a text summary (text plugin form: a scalar `DT_STRING` tensor with plugin name `"text"`).
    /// TensorBoard renders it as Markdown.
    pub fn add_text(&mut self, tag: &str, text: &str, step: i64) -> Result<(), TbError> {
        // The plugin metadata goes with every value (as PyTorch's writer does): it costs a few bytes and
        // keeps each event self-describing.
        let metadata = Some(SummaryMetadata {
            plugin_data: Some(PluginData {
                plugin_name: "text".to_string(),
                content: Vec::new(),
            }),
            ..Default::default()
        });
        let value = SummaryValue {
            tag: tag.to_string(),
            tensor: Some(TensorProto {
                dtype: DT_STRING,
                tensor_shape: Some(TensorShapeProto::default()),
                string_val: vec![text.as_bytes().to_vec()],
                ..Default::default()
            }),
            metadata,
            ..Default::default()
        };
        self.write_summary(value, step, now())
    }

    /// Writes out buffered records and syncs the file's data to disk; returns once it is there.
    pub fn flush(&mut self) -> Result<(), TbError> {
        if self.broken {
            return Err(TbError::Broken {
                path: self.path.clone(),
            });
        }
        self.out.flush().map_err(|e| TbError::io(&self.path, e))?;
        self.out
            .get_ref()
            .sync_data()
            .map_err(|e| TbError::io(&self.path, e))
    }

    fn write_summary(
        &mut self,
        value: SummaryValue,
        step: i64,
        wall_time: f64,
    ) -> Result<(), TbError> {
        self.write_event(&Event {
            wall_time,
            step,
            file_version: None,
            summary: Some(Summary { value: vec![value] }),
        })
    }

    fn write_event(&mut self, event: &Event) -> Result<(), TbError> {
        if self.broken {
            return Err(TbError::Broken {
                path: self.path.clone(),
            });
        }
        if let Err(e) = write_record(&mut self.out, &event.encode_to_vec()) {
            // Part of the record may have reached the file; appending more would hide the damage.
            self.broken = true;
            return Err(TbError::io(&self.path, e));
        }
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if !self.broken {
            let _ = self.flush();
        }
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The machine's host name for the file name: `/proc/sys/kernel/hostname`, else `/etc/hostname`, else
/// `$HOSTNAME`, else `localhost`; characters other than ASCII letters, digits, `.`, `-` and `_` become `_`.
fn hostname() -> String {
    let raw = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .chain(std::env::var("HOSTNAME").ok())
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
