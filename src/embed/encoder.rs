//! The encoder: tokenizer + BERT + pooling + normalisation, configured from a
//! sentence-transformers model directory.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::Config;

use super::bert::Bert;
use serde::Deserialize;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Texts per forward pass. Batches are formed from texts of similar length, so
/// little compute goes to padding.
const BATCH_SIZE: usize = 32;

/// Problems loading or running a model. File problems name the file.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{}: missing (is this a sentence-transformers model directory?)", .0.display())]
    MissingFile(PathBuf),
    #[error("{}: {reason}", .path.display())]
    InvalidFile { path: PathBuf, reason: String },
    #[error("model: {0}")]
    Model(#[from] candle_core::Error),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pooling {
    Mean,
    Cls,
}

#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_cls_token: bool,
}

#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

#[derive(Deserialize)]
struct Module {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    path: String,
}

/// A loaded sentence encoder. Thread-safe; share it behind an `Arc`.
pub struct SentenceEncoder {
    model: Bert,
    tokenizer: Tokenizer,
    /// The same vocabulary without truncation or padding, for measuring texts.
    counter: Tokenizer,
    pooling: Pooling,
    normalize: bool,
    max_tokens: usize,
    dim: usize,
    id: String,
    device: Device,
}

fn read(path: &Path) -> Result<String, EmbedError> {
    if !path.exists() {
        return Err(EmbedError::MissingFile(path.to_path_buf()));
    }
    std::fs::read_to_string(path).map_err(|e| EmbedError::InvalidFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, EmbedError> {
    serde_json::from_str(&read(path)?).map_err(|e| EmbedError::InvalidFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

impl SentenceEncoder {
    /// Loads a model directory: `config.json`, `model.safetensors`, `tokenizer.json`,
    /// and when present `modules.json`, `1_Pooling/config.json` (mean or CLS
    /// pooling), `sentence_bert_config.json` (maximum sequence length).
    pub fn load(dir: &Path) -> Result<SentenceEncoder, EmbedError> {
        super::alloc::keep_large_buffers();
        let config_path = dir.join("config.json");
        let config_text = read(&config_path)?;
        let config: Config =
            serde_json::from_str(&config_text).map_err(|e| EmbedError::InvalidFile {
                path: config_path.clone(),
                reason: format!("not a BERT configuration: {e}"),
            })?;

        // modules.json says whether a Normalize step follows pooling, and where
        // the pooling config lives. Without it: mean pooling, normalised.
        let modules_path = dir.join("modules.json");
        let (normalize, pooling_dir) = if modules_path.exists() {
            let modules: Vec<Module> = parse(&modules_path)?;
            let normalize = modules.iter().any(|m| m.kind.ends_with("Normalize"));
            let pooling_dir = modules
                .iter()
                .find(|m| m.kind.ends_with("Pooling"))
                .map(|m| dir.join(&m.path));
            (normalize, pooling_dir)
        } else {
            (true, Some(dir.join("1_Pooling")))
        };
        let pooling = match pooling_dir
            .map(|d| d.join("config.json"))
            .filter(|p| p.exists())
        {
            Some(path) => {
                let p: PoolingConfig = parse(&path)?;
                match (p.pooling_mode_mean_tokens, p.pooling_mode_cls_token) {
                    (true, _) => Pooling::Mean,
                    (false, true) => Pooling::Cls,
                    _ => {
                        return Err(EmbedError::InvalidFile {
                            path,
                            reason: "only mean or CLS pooling is supported".into(),
                        });
                    }
                }
            }
            None => Pooling::Mean,
        };
        let st_path = dir.join("sentence_bert_config.json");
        let max_tokens = if st_path.exists() {
            parse::<SentenceBertConfig>(&st_path)?.max_seq_length
        } else {
            None
        }
        .unwrap_or(config.max_position_embeddings)
        .min(config.max_position_embeddings);

        let tokenizer_path = dir.join("tokenizer.json");
        if !tokenizer_path.exists() {
            return Err(EmbedError::MissingFile(tokenizer_path));
        }
        let mut tokenizer =
            Tokenizer::from_file(&tokenizer_path).map_err(|e| EmbedError::InvalidFile {
                path: tokenizer_path.clone(),
                reason: e.to_string(),
            })?;
        let counter = tokenizer
            .clone()
            .with_truncation(None)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?
            .with_padding(None)
            .clone()
            .into();
        // tokenizer.json of some models pads and truncates to a fixed 128; the model
        // reads up to max_tokens, and padding to the batch's longest text is enough.
        let pad_id = tokenizer.token_to_id("[PAD]").unwrap_or(0);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            pad_id,
            pad_token: "[PAD]".into(),
            ..PaddingParams::default()
        }));

        let weights = dir.join("model.safetensors");
        if !weights.exists() {
            return Err(EmbedError::MissingFile(weights));
        }
        let device = Device::Cpu;
        // SAFETY: the file is memory-mapped read-only; eoskb never writes model files
        // and a model directory is not modified while in use.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &device) }
            .map_err(|e| EmbedError::InvalidFile {
            path: weights.clone(),
            reason: e.to_string(),
        })?;
        let model = Bert::load(vb, &config).map_err(|e| EmbedError::InvalidFile {
            path: weights.clone(),
            reason: format!("weights do not match config.json: {e}"),
        })?;

        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        let size = std::fs::metadata(&weights).map(|m| m.len()).unwrap_or(0);
        let fingerprint = {
            use sha2::Digest;
            let settings = format!("{config_text}|{size}|{max_tokens}|{pooling:?}|{normalize}");
            hex::encode(sha2::Sha256::digest(settings.as_bytes()))
        };
        Ok(SentenceEncoder {
            model,
            tokenizer,
            counter,
            pooling,
            normalize,
            max_tokens,
            dim: config.hidden_size,
            id: format!("{name}@{}", &fingerprint[..12]),
            device,
        })
    }

    /// Identifies the model (directory name and a fingerprint of its configuration).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Length of the vectors.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Longest input in tokens, special tokens included; longer input is truncated.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Token boundaries of a text (byte ranges, no special tokens, no truncation).
    pub fn token_offsets(&self, text: &str) -> Result<Vec<(usize, usize)>, EmbedError> {
        let encoding = self
            .counter
            .encode(text, false)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        Ok(encoding.get_offsets().to_vec())
    }

    /// Embeds one text.
    pub fn encode_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let mut out = self.encode(&[text])?;
        Ok(out.pop().unwrap_or_else(|| vec![0.0; self.dim]))
    }

    /// Embeds texts (truncated to `max_tokens`), in input order.
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.encode_with_progress(texts, &mut |_| {})
    }

    /// Like [`SentenceEncoder::encode`], calling `progress` with the number of texts
    /// done after each batch.
    pub fn encode_with_progress(
        &self,
        texts: &[&str],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        // Sort by length so each batch pads to a similar length.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(texts[i].len()));
        let mut out = vec![Vec::new(); texts.len()];
        for batch in order.chunks(BATCH_SIZE) {
            let inputs: Vec<&str> = batch.iter().map(|&i| texts[i]).collect();
            let vectors = self.encode_batch(&inputs)?;
            for (&i, v) in batch.iter().zip(vectors) {
                out[i] = v;
            }
            progress(batch.len());
        }
        Ok(out)
    }

    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let len = encodings.first().map_or(0, |e| e.len());
        let rows = encodings.len();
        let mut ids = Vec::with_capacity(rows * len);
        let mut mask = Vec::with_capacity(rows * len);
        let mut types = Vec::with_capacity(rows * len);
        for e in &encodings {
            ids.extend_from_slice(e.get_ids());
            mask.extend_from_slice(e.get_attention_mask());
            types.extend_from_slice(e.get_type_ids());
        }
        let shape = (rows, len);
        let ids = Tensor::from_vec(ids, shape, &self.device)?;
        let types = Tensor::from_vec(types, shape, &self.device)?;
        let mask = Tensor::from_vec(mask, shape, &self.device)?;
        let hidden = self.model.forward(&ids, &types, &mask)?;
        let pooled = match self.pooling {
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
            Pooling::Mean => {
                let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
                let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
                // Every input has at least [CLS] and [SEP], so counts are >= 1.
                let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
                summed.broadcast_div(&counts)?
            }
        };
        let vectors: Vec<Vec<f32>> = pooled.to_vec2()?;
        Ok(vectors
            .into_iter()
            .map(|v| if self.normalize { normalised(v) } else { v })
            .collect())
    }
}

/// L2-normalises a vector; a zero (or non-finite) vector becomes all zeros rather
/// than NaN, so it simply matches nothing.
fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm.is_finite() && norm > 1e-12 {
        v.iter_mut().for_each(|x| *x /= norm);
    } else {
        v.iter_mut().for_each(|x| *x = 0.0);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_vectors_do_not_become_nan() {
        assert_eq!(normalised(vec![0.0, 0.0]), vec![0.0, 0.0]);
        assert_eq!(normalised(vec![f32::NAN, 1.0]), vec![0.0, 0.0]);
        let v = normalised(vec![3.0, 4.0]);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
    }
}
