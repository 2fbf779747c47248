//! Branch-free `exp` and `erf` for the encoder's element-wise kernels, and a
//! dispatcher that compiles each kernel for the widest SIMD the CPU has.
//!
//! libm's scalar `expf`/`erff` took a quarter of a forward pass (GELU on every
//! feed-forward activation, `exp` on every attention score). These polynomial forms
//! are accurate to a few ulp in the ranges that matter, have no branches, and so
//! let the compiler vectorise the loops that call them: 16 lanes with AVX-512.

/// `e^x` (Cephes' `expf` polynomial after reduction by powers of two). Accurate to
/// about 2 ulp; saturates to 0 below −87 and to `f32::MAX`-ish above 88.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2E + 0.5).floor();
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e = p * r * r + r + 1.0;
    // 2^n from its exponent bits. n + 127 lies in [1, 254] after the clamp; adding
    // 1.5 · 2^23 puts that integer in the low mantissa bits, which avoids a float to
    // int cast (Rust's saturating cast does not vectorise).
    const MAGIC: f32 = 12_582_912.0;
    let biased = (n + (127.0 + MAGIC))
        .to_bits()
        .wrapping_sub(MAGIC.to_bits());
    e * f32::from_bits(biased << 23)
}

/// The error function (Abramowitz & Stegun 7.1.26), absolute error below 1e-6 in f32,
/// far inside what sentence-embedding parity needs.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let mut p = 1.061_405_4_f32;
    p = p * t - 1.453_152_1;
    p = p * t + 1.421_413_7;
    p = p * t - 0.284_496_74;
    p = p * t + 0.254_829_6;
    let y = 1.0 - p * t * exp(-a * a);
    y.copysign(x)
}

/// GELU in its exact, erf-based form (the one BERT uses).
#[inline(always)]
pub fn gelu(v: f32) -> f32 {
    0.5 * v * (1.0 + erf(v * std::f32::consts::FRAC_1_SQRT_2))
}

/// Dot product in eight independent lanes, which lets the compiler use SIMD
/// without reassociating a single running sum.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let chunks = a.len() / 8;
    for i in 0..chunks {
        for l in 0..8 {
            lanes[l] += a[i * 8 + l] * b[i * 8 + l];
        }
    }
    let mut sum: f32 = lanes.iter().sum();
    for i in chunks * 8..a.len() {
        sum += a[i] * b[i];
    }
    sum
}

/// Defines `fn $name(args)` (with the given visibility) that runs `$body` compiled for AVX-512 or AVX2+FMA
/// when the CPU has them (checked at run time, cached by std), else for the
/// baseline target. The body must only call `#[inline(always)]` helpers so that
/// the whole loop is compiled for the chosen features.
macro_rules! simd_kernel {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) {
            #[inline(always)]
            fn body($($arg: $ty),*) $body

            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
                fn v4($($arg: $ty),*) { body($($arg),*) }
                #[target_feature(enable = "avx2,fma")]
                fn v3($($arg: $ty),*) { body($($arg),*) }

                if std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512bw")
                    && std::is_x86_feature_detected!("avx512dq")
                    && std::is_x86_feature_detected!("avx512vl")
                {
                    // SAFETY: the CPU has every feature `v4` is compiled for.
                    return unsafe { v4($($arg),*) };
                }
                if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                    // SAFETY: as above, for `v3`.
                    return unsafe { v3($($arg),*) };
                }
            }
            body($($arg),*)
        }
    };
}
pub(crate) use simd_kernel;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_std_across_the_range() {
        let mut x = -87.0f32;
        while x < 88.0 {
            let (want, got) = (x.exp(), exp(x));
            let rel = ((want - got) / want).abs();
            assert!(rel < 1e-6, "exp({x}): {want} vs {got}");
            x += 0.0137;
        }
        assert_eq!(exp(-1000.0).max(0.0), exp(-1000.0));
        assert!(exp(-1000.0) < 1e-37);
        assert!(exp(1000.0).is_finite());
        assert!(!exp(f32::NEG_INFINITY).is_nan());
    }

    #[test]
    fn erf_matches_libm() {
        let mut x = -6.0f32;
        while x < 6.0 {
            let want = candle_core::cpu::erf::erf_f32(x);
            assert!(
                (want - erf(x)).abs() < 1e-6,
                "erf({x}): {want} vs {}",
                erf(x)
            );
            x += 0.001;
        }
        assert!(erf(0.0).abs() < 1e-6);
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-3.0) + 0.004_049_7).abs() < 1e-6);
    }

    simd_kernel! {
        /// Test kernel: `exp` in place.
        fn exp_in_place(xs: &mut [f32]) {
            for x in xs.iter_mut() {
                *x = exp(*x);
            }
        }
    }

    #[test]
    fn dispatched_kernel_agrees_with_scalar() {
        let mut xs: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) / 37.0).collect();
        let want: Vec<f32> = xs.iter().map(|x| exp(*x)).collect();
        exp_in_place(&mut xs);
        for (w, g) in want.iter().zip(&xs) {
            assert!(((w - g) / w).abs() < 1e-6);
        }
    }
}
