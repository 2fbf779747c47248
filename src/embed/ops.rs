//! CPU kernels for the encoder's layers, on plain row-major `f32` matrices.
//!
//! A transformer layer is four matrix products and, between them, bias, GELU,
//! residual, layer norm and a masked softmax. candle runs its element-wise
//! operations on one core and zero-fills every product's output before `gemm`
//! writes it; on a BERT forward pass that took as long as the products. Here:
//!
//! - [`linear`] starts its output as `bias` (+ the residual) and lets `gemm`
//!   accumulate into it, so bias and residual cost no extra pass;
//! - the element-wise kernels run one pass per row on all cores, each compiled for
//!   the widest SIMD the CPU has (see `math::simd_kernel`);
//! - [`attention`] reads heads in place and skips padding.

use std::mem::MaybeUninit;

use candle_core::{Result, bail};
use rayon::prelude::*;

use super::math::{self, simd_kernel};

simd_kernel! {
    /// `row = bias (+ residual)`, the starting value of a product's output row.
    fn start_row(row: &mut [MaybeUninit<f32>], bias: &[f32], residual: Option<&[f32]>) {
        match residual {
            Some(residual) => {
                for ((o, b), r) in row.iter_mut().zip(bias).zip(residual) {
                    o.write(b + r);
                }
            }
            None => {
                for (o, b) in row.iter_mut().zip(bias) {
                    o.write(*b);
                }
            }
        }
    }
}

simd_kernel! {
    /// GELU in place.
    fn gelu_slice(xs: &mut [f32]) {
        for x in xs.iter_mut() {
            *x = math::gelu(*x);
        }
    }
}

/// Lanes of the partial maxima and sums below: wide enough for AVX-512, and
/// independent accumulators so the reductions vectorise without reassociation.
const LANES: usize = 16;

simd_kernel! {
    /// Softmax of one row of attention scores, in place.
    fn softmax(row: &mut [f32]) {
        let mut max = [f32::NEG_INFINITY; LANES];
        let mut chunks = row.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (m, x) in max.iter_mut().zip(chunk) {
                *m = if *x > *m { *x } else { *m };
            }
        }
        let tail_max = chunks.remainder().iter().fold(f32::NEG_INFINITY, |m, x| m.max(*x));
        let max = max.iter().fold(tail_max, |m, x| m.max(*x));
        let mut sum = [0f32; LANES];
        let mut chunks = row.chunks_exact_mut(LANES);
        for chunk in &mut chunks {
            for (s, x) in sum.iter_mut().zip(chunk.iter_mut()) {
                *x = math::exp(*x - max);
                *s += *x;
            }
        }
        let mut total: f32 = 0.0;
        for x in chunks.into_remainder() {
            *x = math::exp(*x - max);
            total += *x;
        }
        let inverse = 1.0 / (total + sum.iter().sum::<f32>());
        for x in row.iter_mut() {
            *x *= inverse;
        }
    }
}

simd_kernel! {
    /// Layer norm of one row in place: `(x − mean) / sqrt(var + eps) · weight + bias`.
    fn layer_norm_row(row: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) {
        let n = row.len() as f32;
        let mut sum = [0f32; LANES];
        let mut chunks = row.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (s, x) in sum.iter_mut().zip(chunk) {
                *s += *x;
            }
        }
        let mean = (chunks.remainder().iter().sum::<f32>() + sum.iter().sum::<f32>()) / n;
        let mut squares = [0f32; LANES];
        let mut chunks = row.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (s, x) in squares.iter_mut().zip(chunk) {
                *s += (*x - mean) * (*x - mean);
            }
        }
        let tail: f32 = chunks.remainder().iter().map(|x| (x - mean) * (x - mean)).sum();
        let scale = 1.0 / ((tail + squares.iter().sum::<f32>()) / n + eps).sqrt();
        for ((x, w), b) in row.iter_mut().zip(weight).zip(bias) {
            *x = (*x - mean) * scale * w + b;
        }
    }
}

/// `x · weight + bias (+ residual)` for `x` of shape `(rows, in)` and `weight` of
/// shape `(in, out)`, both row-major; `residual`, when given, is `(rows, out)`.
pub fn linear(
    x: &[f32],
    weight: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
) -> Result<Vec<f32>> {
    let output = bias.len();
    if output == 0 || !weight.len().is_multiple_of(output) {
        bail!(
            "linear: weight of {} values, bias of {output}",
            weight.len()
        )
    }
    let input = weight.len() / output;
    if input == 0 || !x.len().is_multiple_of(input) {
        bail!("linear: input of {} values, rows of {input}", x.len())
    }
    let rows = x.len() / input;
    if residual.is_some_and(|r| r.len() != rows * output) {
        bail!("linear: residual does not match the output")
    }
    let mut out: Vec<f32> = Vec::with_capacity(rows * output);
    out.spare_capacity_mut()[..rows * output]
        .par_chunks_mut(output)
        .enumerate()
        .for_each(|(i, row)| {
            start_row(
                row,
                bias,
                residual.map(|r| &r[i * output..(i + 1) * output]),
            )
        });
    // SAFETY: every row was written just above.
    unsafe { out.set_len(rows * output) };
    // SAFETY: the sizes were checked above; `out` is `(rows, output)`, `x` is
    // `(rows, input)` and `weight` is `(input, output)`, all row-major.
    unsafe {
        gemm::gemm(
            rows,
            output,
            input,
            out.as_mut_ptr(),
            1,
            output as isize,
            true,
            x.as_ptr(),
            1,
            input as isize,
            weight.as_ptr(),
            1,
            output as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::Rayon(rayon::current_num_threads()),
        );
    }
    Ok(out)
}

/// GELU (exact, erf-based, as BERT uses) in place, on all cores.
pub fn gelu(xs: &mut [f32]) {
    xs.par_chunks_mut(4096).for_each(gelu_slice);
}

/// Layer norm over rows of `weight.len()` values, in place, on all cores.
pub fn layer_norm(xs: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) -> Result<()> {
    let width = weight.len();
    if width == 0 || bias.len() != width || !xs.len().is_multiple_of(width) {
        bail!("layer norm: rows of {} values, weight of {width}", xs.len())
    }
    xs.par_chunks_mut(width)
        .for_each(|row| layer_norm_row(row, weight, bias, eps));
    Ok(())
}

/// Self-attention for every sequence and head, from the fused query/key/value rows
/// `(sequences · tokens, 3 · hidden)` and each sequence's number of real tokens
/// (padding comes after them, as the tokenizer puts it). Returns the context rows
/// `(sequences · tokens, hidden)`, zero for padding, in the layout the next
/// product reads.
///
/// One task per (sequence, head): two small matrix products read the heads in place
/// (strided, no transposed copies), padded keys and queries are skipped, and the
/// softmax runs on the scores while they are hot in cache.
pub fn attention(qkv: &[f32], tokens: usize, lengths: &[usize], heads: usize) -> Result<Vec<f32>> {
    let batch = lengths.len();
    let rows = batch * tokens;
    if rows == 0 || heads == 0 || !qkv.len().is_multiple_of(rows) {
        bail!("attention: {} values for {rows} rows", qkv.len())
    }
    let width = qkv.len() / rows;
    let hidden = width / 3;
    if !width.is_multiple_of(3) || !hidden.is_multiple_of(heads) {
        bail!("attention: rows of {width} values for {heads} heads")
    }
    if lengths.iter().any(|&n| n > tokens) {
        bail!("attention: a sequence is longer than {tokens} tokens")
    }
    let head = hidden / heads;
    let scale = 1.0 / (head as f32).sqrt();
    let mut out: Vec<f32> = Vec::with_capacity(rows * hidden);
    let out_ptr = SendPtr(out.as_mut_ptr());
    // Each task writes its own (sequence, head) block of `out`: rows below the
    // sequence's length, columns of its head. Blocks never overlap.
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
        // `out` for the given sizes and strides (rows of `width` floats, `head`
        // columns); `gemm` does not read `dst` when `read_dst` is false.
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
        scores.chunks_mut(n).for_each(softmax);
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
    // Padding rows: zeros, so nothing downstream reads uninitialised values.
    for (b, &n) in lengths.iter().enumerate() {
        let first = (b * tokens + n) * hidden;
        let last = (b + 1) * tokens * hidden;
        // SAFETY: inside the allocation of `rows * hidden` values.
        unsafe { std::ptr::write_bytes(out_ptr.offset(first), 0, last - first) };
    }
    // SAFETY: every row is written: real tokens by the tasks, padding just above.
    unsafe { out.set_len(rows * hidden) };
    Ok(out)
}

/// A raw pointer the attention tasks share; each writes a disjoint block.
#[derive(Clone, Copy)]
struct SendPtr(*mut f32);
// SAFETY: tasks write disjoint blocks (see `attention`).
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

impl SendPtr {
    fn offset(self, n: usize) -> *mut f32 {
        // SAFETY: callers pass offsets inside the allocation.
        unsafe { self.0.add(n) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};

    #[test]
    fn linear_adds_bias_and_residual() -> Result<()> {
        // x (2×3) · w (3×2)
        let x = [1.0f32, 2.0, 3.0, -1.0, 0.5, 0.0];
        let w = [1.0f32, 0.0, 0.0, 1.0, 1.0, -1.0];
        let bias = [0.5f32, -0.5];
        let residual = [10.0f32, 20.0, 30.0, 40.0];
        let plain = linear(&x, &w, &bias, None)?;
        assert_eq!(plain, vec![4.5, -1.5, -0.5, 0.0]);
        let with_residual = linear(&x, &w, &bias, Some(&residual))?;
        assert_eq!(with_residual, vec![14.5, 18.5, 29.5, 40.0]);
        assert!(linear(&x[..5], &w, &bias, None).is_err());
        Ok(())
    }

    #[test]
    fn gelu_and_layer_norm_match_candle() -> Result<()> {
        let dev = Device::Cpu;
        let values: Vec<f32> = (0..2 * 40)
            .map(|i| ((i * 13 % 17) as f32 - 8.0) / 3.0)
            .collect();
        let x = Tensor::from_vec(values.clone(), (2, 40), &dev)?;
        let expected = x.gelu_erf()?.flatten_all()?.to_vec1::<f32>()?;
        let mut got = values.clone();
        gelu(&mut got);
        for (e, g) in expected.iter().zip(&got) {
            assert!((e - g).abs() < 1e-6, "{e} vs {g}");
        }
        let weight: Vec<f32> = (0..40).map(|i| 1.0 + i as f32 / 40.0).collect();
        let bias: Vec<f32> = (0..40).map(|i| i as f32 / 80.0 - 0.2).collect();
        let expected = candle_nn::ops::layer_norm(
            &x,
            &Tensor::new(weight.as_slice(), &dev)?,
            &Tensor::new(bias.as_slice(), &dev)?,
            1e-12,
        )?
        .flatten_all()?
        .to_vec1::<f32>()?;
        let mut got = values;
        layer_norm(&mut got, &weight, &bias, 1e-12)?;
        for (e, g) in expected.iter().zip(&got) {
            assert!((e - g).abs() < 1e-5, "{e} vs {g}");
        }
        Ok(())
    }

    #[test]
    fn attention_matches_reference_and_ignores_padding() -> Result<()> {
        let (batch, tokens, heads, head) = (2usize, 3usize, 2usize, 2usize);
        let hidden = heads * head;
        let values: Vec<f32> = (0..batch * tokens * 3 * hidden)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) / 5.0)
            .collect();
        // The second sequence has one padded token.
        let lengths = [3usize, 2];
        let got = attention(&values, tokens, &lengths, heads)?;
        let at = |b: usize, t: usize, part: usize, h: usize, j: usize| {
            values[(b * tokens + t) * 3 * hidden + part * hidden + h * head + j]
        };
        for b in 0..batch {
            let n = lengths[b];
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
                        let actual = got[(b * tokens + t) * hidden + h * head + j];
                        assert!(
                            (expected - actual).abs() < 1e-5,
                            "b{b} h{h} t{t} j{j}: {expected} vs {actual}"
                        );
                    }
                }
            }
        }
        // The padded row is zero, not left over memory.
        assert!(got[(tokens + 2) * hidden..].iter().all(|x| *x == 0.0));
        assert!(attention(&values, tokens, &[4, 1], heads).is_err());
        Ok(())
    }
}
