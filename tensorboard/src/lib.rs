//! Writer and reader of TensorBoard event files.
//!
//! An event file is a sequence of TFRecords (`u64` LE length, masked CRC32C of the length, payload, masked
//! CRC32C of the payload), each payload a `tensorflow.Event` protobuf. The first record carries
//! `file_version = "brain.Event:2"`. [`EventWriter`] writes scalars (as `simple_value`) and text (text plugin
//! tensors); [`read_event_file`] reads scalars and text back, also in the tensor forms written by
//! TensorFlow, PyTorch and TensorBoard's own writers, and reads damaged files up to the damage.
//!
//! ```no_run
//! # fn main() -> Result<(), rlab_tensorboard::TbError> {
//! let mut w = rlab_tensorboard::EventWriter::create(std::path::Path::new("runs/demo"))?;
//! w.add_scalar("loss", 0.5, 1)?;
//! w.add_text("notes", "hello", 1)?;
//! w.flush()?;
//! let data = rlab_tensorboard::read_event_file(w.path())?;
//! assert_eq!(data.scalars["loss"][0].value, 0.5);
//! # Ok(()) }
//! ```

mod error;
pub mod proto;
mod reader;
mod record;
mod writer;

pub use error::TbError;
pub use reader::{find_event_files, read_event_file, EventFileData, ScalarPoint};
pub use writer::{EventWriter, FILE_VERSION};
