//! Fused, multi-threaded CPU kernels for the encoder's element-wise work.
//!
//! candle runs matrix products on all cores but element-wise operations on one;
//! on a BERT forward pass those (bias, GELU, residual, masked softmax over the
//! attention scores) take as long as the products. Each kernel here does one pass
//! over contiguous rows with rayon.

use candle_core::{CpuStorage, CustomOp2, InplaceOp1, Layout, Result, Shape, Tensor, bail};
use rayon::prelude::*;

fn contiguous<'a>(storage: &'a CpuStorage, layout: &Layout, what: &str) -> Result<&'a [f32]> {
    let CpuStorage::F32(data) = storage else {
        bail!("{what}: expected f32")
    };
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => bail!("{what}: expected a contiguous tensor"),
    }
}

/// Rows of the last dimension: enough work per task to amortise scheduling.
fn row_len(layout: &Layout) -> usize {
    layout.dims().last().copied().unwrap_or(1).max(1)
}

/// `x + bias`, optionally followed by GELU (the exact, erf-based form BERT
/// uses), in place on a fresh matrix product.
pub struct BiasAct {
    pub bias: Vec<f32>,
    pub gelu: bool,
}

impl InplaceOp1 for BiasAct {
    fn name(&self) -> &'static str {
        "bias-act"
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> Result<()> {
        let d = row_len(layout);
        if d != self.bias.len() {
            bail!("bias-act: rows of {d}, bias of {}", self.bias.len())
        }
        let CpuStorage::F32(data) = storage else {
            bail!("bias-act: expected f32")
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            bail!("bias-act: expected a contiguous tensor")
        };
        data[start..end].par_chunks_mut(d).for_each(|row| {
            for (x, b) in row.iter_mut().zip(&self.bias) {
                let v = *x + b;
                *x = if self.gelu { gelu(v) } else { v };
            }
        });
        Ok(())
    }
}

#[inline]
fn gelu(v: f32) -> f32 {
    0.5 * v * (1.0 + candle_core::cpu::erf::erf_f32(v * std::f32::consts::FRAC_1_SQRT_2))
}

/// `x + bias + residual` (the input of each layer norm).
pub struct BiasResidual {
    pub bias: Vec<f32>,
}

impl CustomOp2 for BiasResidual {
    fn name(&self) -> &'static str {
        "bias-residual"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let x = contiguous(s1, l1, self.name())?;
        let residual = contiguous(s2, l2, self.name())?;
        let d = row_len(l1);
        if x.len() != residual.len() || d != self.bias.len() {
            bail!("bias-residual: shapes differ")
        }
        let mut dst = vec![0f32; x.len()];
        dst.par_chunks_mut(d)
            .zip(x.par_chunks(d))
            .zip(residual.par_chunks(d))
            .for_each(|((out, row), res)| {
                for (((o, a), r), b) in out.iter_mut().zip(row).zip(res).zip(&self.bias) {
                    *o = a + b + r;
                }
            });
        Ok((CpuStorage::F32(dst), l1.shape().clone()))
    }
}

/// Self-attention for every sequence and head, from the fused query/key/value rows
/// `(batch · tokens, 3 · hidden)` and the mask `(batch, tokens)` (1 for real tokens,
/// padding at the end as the tokenizer puts it). Returns the context rows
/// `(batch · tokens, hidden)` in the layout the next product reads.
///
/// One task per (sequence, head): two small matrix products read the heads in place
/// (strided, no transposed copies), padded keys and queries are skipped, and the
/// softmax runs on the scores while they are hot in cache.
pub struct Attention {
    pub batch: usize,
    pub heads: usize,
}

impl CustomOp2 for Attention {
    fn name(&self) -> &'static str {
        "attention"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let qkv = contiguous(s1, l1, self.name())?;
        let mask = contiguous(s2, l2, self.name())?;
        let &[rows, width] = l1.dims() else {
            bail!("attention: expected (rows, 3 * hidden)")
        };
        let (batch, heads) = (self.batch, self.heads);
        let hidden = width / 3;
        if !width.is_multiple_of(3)
            || !hidden.is_multiple_of(heads)
            || !rows.is_multiple_of(batch.max(1))
        {
            bail!("attention: shapes do not divide")
        }
        let tokens = rows / batch;
        let head = hidden / heads;
        if mask.len() != batch * tokens {
            bail!("attention: mask does not match")
        }
        // Real tokens per sequence; the mask must be a prefix of ones.
        let lengths: Vec<usize> = mask
            .chunks(tokens)
            .map(|m| m.iter().take_while(|x| **x > 0.0).count())
            .collect();
        if mask
            .chunks(tokens)
            .zip(&lengths)
            .any(|(m, n)| m[*n..].iter().any(|x| *x > 0.0))
        {
            bail!("attention: padding must come after the tokens")
        }
        let scale = 1.0 / (head as f32).sqrt();
        let mut out = vec![0f32; rows * hidden];
        // Each task writes its own (sequence, head) block of `out`; blocks never overlap.
        let out_ptr = SendPtr(out.as_mut_ptr());
        (0..batch * heads).into_par_iter().for_each(|task| {
            let (b, h) = (task / heads, task % heads);
            let n = lengths[b];
            if n == 0 {
                return;
            }
            let base = b * tokens * width;
            let q = qkv[base + h * head..].as_ptr();
            let k = qkv[base + hidden + h * head..].as_ptr();
            let v = qkv[base + 2 * hidden + h * head..].as_ptr();
            let mut scores = vec![0f32; n * n];
            // SAFETY: all pointers stay within `qkv`, `scores` and this task's block of
            // `out` for the given sizes and strides (rows of `width` floats, `head` columns).
            unsafe {
                gemm::gemm(
                    n,
                    n,
                    head,
                    scores.as_mut_ptr(),
                    1,
                    n as isize,
                    false,
                    q,
                    1,
                    width as isize,
                    k,
                    width as isize,
                    1,
                    0.0,
                    scale,
                    false,
                    false,
                    false,
                    gemm::Parallelism::None,
                );
            }
            for row in scores.chunks_mut(n) {
                let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0;
                for x in row.iter_mut() {
                    *x = (*x - max).exp();
                    sum += *x;
                }
                row.iter_mut().for_each(|x| *x /= sum);
            }
            let dst = out_ptr.offset(b * tokens * hidden + h * head);
            unsafe {
                gemm::gemm(
                    n,
                    head,
                    n,
                    dst,
                    1,
                    hidden as isize,
                    false,
                    scores.as_ptr(),
                    1,
                    n as isize,
                    v,
                    1,
                    width as isize,
                    0.0,
                    1.0,
                    false,
                    false,
                    false,
                    gemm::Parallelism::None,
                );
            }
        });
        Ok((CpuStorage::F32(out), Shape::from((rows, hidden))))
    }
}

/// A raw pointer the attention tasks share; each writes a disjoint block.
#[derive(Clone, Copy)]
struct SendPtr(*mut f32);
// SAFETY: tasks write disjoint blocks (see `Attention::cpu_fwd`).
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

impl SendPtr {
    fn offset(self, n: usize) -> *mut f32 {
        // SAFETY: callers pass offsets inside the allocation.
        unsafe { self.0.add(n) }
    }
}

pub fn attention(qkv: &Tensor, mask: &Tensor, batch: usize, heads: usize) -> Result<Tensor> {
    qkv.apply_op2_no_bwd(mask, &Attention { batch, heads })
}

/// Convenience wrappers.
/// Applies [`BiasAct`] to `x`, which must be a tensor nothing else shares (the
/// fresh output of a product).
pub fn bias_act(x: Tensor, bias: &[f32], gelu: bool) -> Result<Tensor> {
    x.inplace_op1(&BiasAct {
        bias: bias.to_vec(),
        gelu,
    })?;
    Ok(x)
}

pub fn bias_residual(x: &Tensor, bias: &[f32], residual: &Tensor) -> Result<Tensor> {
    x.apply_op2_no_bwd(
        residual,
        &BiasResidual {
            bias: bias.to_vec(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn kernels_match_candle() -> Result<()> {
        let dev = Device::Cpu;
        let x = Tensor::new(&[[0.5f32, -1.0, 2.0], [3.0, 0.0, -0.25]], &dev)?;
        let bias = [0.1f32, 0.2, -0.3];
        let b = Tensor::new(&bias, &dev)?;
        let expected = x.broadcast_add(&b)?.gelu_erf()?.to_vec2::<f32>()?;
        let got = bias_act(x.copy()?, &bias, true)?.to_vec2::<f32>()?;
        for (e, g) in expected.iter().flatten().zip(got.iter().flatten()) {
            assert!((e - g).abs() < 1e-6);
        }
        let r = bias_residual(&x, &bias, &x)?.to_vec2::<f32>()?;
        assert!((r[0][0] - 1.1).abs() < 1e-6);
        Ok(())
    }

    #[test]
    fn attention_matches_reference_and_ignores_padding() -> Result<()> {
        let dev = Device::Cpu;
        let (batch, tokens, heads, head) = (2usize, 3usize, 2usize, 2usize);
        let hidden = heads * head;
        let values: Vec<f32> = (0..batch * tokens * 3 * hidden)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) / 5.0)
            .collect();
        let qkv = Tensor::from_vec(values.clone(), (batch * tokens, 3 * hidden), &dev)?;
        // The second sequence has one padded token.
        let mask = Tensor::new(&[[1f32, 1.0, 1.0], [1.0, 1.0, 0.0]], &dev)?;
        let got = attention(&qkv, &mask, batch, heads)?.to_vec2::<f32>()?;
        let at = |b: usize, t: usize, part: usize, h: usize, j: usize| {
            values[(b * tokens + t) * 3 * hidden + part * hidden + h * head + j]
        };
        for b in 0..batch {
            let n = if b == 0 { 3 } else { 2 };
            for h in 0..heads {
                for t in 0..n {
                    let scores: Vec<f32> = (0..n)
                        .map(|s| {
                            (0..head)
                                .map(|j| at(b, t, 0, h, j) * at(b, s, 1, h, j))
                                .sum::<f32>()
                                / (head as f32).sqrt()
                        })
                        .collect();
                    let max = scores.iter().copied().fold(f32::MIN, f32::max);
                    let exp: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
                    let sum: f32 = exp.iter().sum();
                    for j in 0..head {
                        let expected: f32 = (0..n).map(|s| exp[s] / sum * at(b, s, 2, h, j)).sum();
                        let actual = got[b * tokens + t][h * head + j];
                        assert!(
                            (expected - actual).abs() < 1e-5,
                            "b{b} h{h} t{t} j{j}: {expected} vs {actual}"
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
