//! Sentence embeddings with candle: a BERT-family sentence-transformers model on
//! the CPU, and the splitting of long texts into pieces the model can read whole.
//! Knows nothing of indexes; `index` and `query` call it.

mod alloc;
mod bert;
mod chunk;
mod encoder;
pub mod math;
mod ops;

pub use chunk::{Chunk, chunk_text};
pub use encoder::{EmbedError, SentenceEncoder};

/// Where `make setup` installs the default model, relative to the working directory.
pub const DEFAULT_MODEL_DIR: &str = "models/all-MiniLM-L6-v2";

/// The command that installs the default model, for error messages.
pub const SETUP_HINT: &str = "run `make setup` (or scripts/setup-model.sh) to install the default model, or pass --model DIR";
