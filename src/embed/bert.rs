//! A BERT encoder forward pass on candle, for inference on the CPU.
//!
//! Same weights and arithmetic as `candle_transformers::models::bert`, arranged
//! for throughput: candle loads the weights and computes the embeddings; the
//! layers run on plain row-major matrices with the kernels in `ops` (one fused
//! query/key/value product, bias and residual folded into the products, padded
//! keys skipped inside the softmax instead of a mask added to every score).

use candle_core::{DType, Module, Result, Tensor};
use candle_nn::{Embedding, VarBuilder};
use candle_transformers::models::bert::Config;

use super::ops;

struct Linear {
    /// `(in, out)` row-major: the stored `(out, in)` matrix transposed once at
    /// load, so every product reads it contiguously.
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl Linear {
    fn load(vb: &VarBuilder, name: &str, input: usize, output: usize) -> Result<Linear> {
        let vb = vb.pp(name);
        Ok(Linear {
            weight: vb
                .get((output, input), "weight")?
                .t()?
                .contiguous()?
                .flatten_all()?
                .to_vec1()?,
            bias: vb.get(output, "bias")?.to_vec1()?,
        })
    }

    /// `x · W + bias (+ residual)` for `x` of shape `(rows, in)`.
    fn forward(&self, x: &[f32], residual: Option<&[f32]>) -> Result<Vec<f32>> {
        ops::linear(x, &self.weight, &self.bias, residual)
    }
}

struct LayerNorm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

impl LayerNorm {
    fn load(vb: &VarBuilder, name: &str, size: usize, eps: f64) -> Result<LayerNorm> {
        let vb = vb.pp(name);
        // Old checkpoints call the parameters gamma and beta.
        let weight = vb.get(size, "weight").or_else(|_| vb.get(size, "gamma"))?;
        let bias = vb.get(size, "bias").or_else(|_| vb.get(size, "beta"))?;
        Ok(LayerNorm {
            weight: weight.to_vec1()?,
            bias: bias.to_vec1()?,
            eps: eps as f32,
        })
    }

    fn apply(&self, x: &mut [f32]) -> Result<()> {
        ops::layer_norm(x, &self.weight, &self.bias, self.eps)
    }
}

struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The encoder: embeddings and transformer layers (no pooler).
pub struct Bert {
    words: Embedding,
    positions: Embedding,
    token_types: Embedding,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
}

impl Bert {
    pub fn load(vb: VarBuilder, config: &Config) -> Result<Bert> {
        // Weights may sit under `bert.` or `<model_type>.`, or at the top.
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else if let Some(prefix) = config
            .model_type
            .as_ref()
            .filter(|t| vb.contains_tensor(&format!("{t}.embeddings.word_embeddings.weight")))
        {
            vb.pp(prefix.clone())
        } else {
            vb
        };
        let h = config.hidden_size;
        let eps = config.layer_norm_eps;
        let embeddings = vb.pp("embeddings");
        let embedding = |name: &str, rows: usize| -> Result<Embedding> {
            Ok(Embedding::new(
                embeddings.pp(name).get((rows, h), "weight")?,
                h,
            ))
        };
        let words = embedding("word_embeddings", config.vocab_size)?;
        let positions = embedding("position_embeddings", config.max_position_embeddings)?;
        let token_types = embedding("token_type_embeddings", config.type_vocab_size)?;
        let embedding_norm = LayerNorm::load(&embeddings, "LayerNorm", h, eps)?;

        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let layer = vb.pp(format!("encoder.layer.{i}"));
            let attention = layer.pp("attention");
            let q = Linear::load(&attention.pp("self"), "query", h, h)?;
            let k = Linear::load(&attention.pp("self"), "key", h, h)?;
            let v = Linear::load(&attention.pp("self"), "value", h, h)?;
            // Rows of the fused `(in, 3 · out)` matrix: query, key and value side by side.
            let weight = (0..h)
                .flat_map(|row| {
                    [&q.weight, &k.weight, &v.weight]
                        .into_iter()
                        .flat_map(move |w| &w[row * h..(row + 1) * h])
                })
                .copied()
                .collect();
            let qkv = Linear {
                weight,
                bias: [q.bias, k.bias, v.bias].concat(),
            };
            layers.push(Layer {
                qkv,
                attention_out: Linear::load(&attention.pp("output"), "dense", h, h)?,
                attention_norm: LayerNorm::load(&attention.pp("output"), "LayerNorm", h, eps)?,
                intermediate: Linear::load(
                    &layer.pp("intermediate"),
                    "dense",
                    h,
                    config.intermediate_size,
                )?,
                output: Linear::load(&layer.pp("output"), "dense", config.intermediate_size, h)?,
                output_norm: LayerNorm::load(&layer.pp("output"), "LayerNorm", h, eps)?,
            });
        }
        if !h.is_multiple_of(config.num_attention_heads) {
            candle_core::bail!(
                "hidden size {h} is not a multiple of {} heads",
                config.num_attention_heads
            )
        }
        Ok(Bert {
            words,
            positions,
            token_types,
            embedding_norm,
            layers,
            heads: config.num_attention_heads,
            hidden: h,
        })
    }

    /// Last hidden states `(batch, tokens, hidden)` for token ids, token types and
    /// an attention mask (1 for real tokens, padding at the end), all `(batch, tokens)`.
    pub fn forward(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (batch, tokens) = ids.dims2()?;
        let positions = Tensor::arange(0u32, tokens as u32, ids.device())?;
        let embedded = self
            .words
            .forward(ids)?
            .broadcast_add(&self.positions.forward(&positions)?)?
            .add(&self.token_types.forward(types)?)?;
        let mut x: Vec<f32> = embedded.flatten_all()?.to_vec1()?;
        self.embedding_norm.apply(&mut x)?;
        let lengths = real_lengths(&mask.to_dtype(DType::U32)?.to_vec2()?)?;
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x, None)?;
            let context = ops::attention(&qkv, tokens, &lengths, self.heads)?;
            let mut attended = layer.attention_out.forward(&context, Some(&x))?;
            layer.attention_norm.apply(&mut attended)?;
            let mut inner = layer.intermediate.forward(&attended, None)?;
            ops::gelu(&mut inner);
            x = layer.output.forward(&inner, Some(&attended))?;
            layer.output_norm.apply(&mut x)?;
        }
        Tensor::from_vec(x, (batch, tokens, self.hidden), ids.device())
    }
}

/// Real tokens per sequence; the mask must be a prefix of ones.
fn real_lengths(mask: &[Vec<u32>]) -> Result<Vec<usize>> {
    mask.iter()
        .map(|row| {
            let n = row.iter().take_while(|m| **m > 0).count();
            if row[n..].iter().any(|m| *m > 0) {
                candle_core::bail!("attention mask: padding must come after the tokens")
            }
            Ok(n)
        })
        .collect()
}
