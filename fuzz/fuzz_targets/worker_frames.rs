//! The binary frames between the server and its SPARQL workers: a request as
//! the worker reads it, a reply as the server reads it. Garbage is an error,
//! never a panic or an allocation sized by the garbage.
#![no_main]
use std::sync::LazyLock;

use eoskb::query::sparql_pool::wire;
use libfuzzer_sys::fuzz_target;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
});

fuzz_target!(|bytes: &[u8]| {
    let mut input = bytes;
    while let Ok(Some(_)) = wire::read_request(&mut input) {}
    let mut input = bytes;
    let _ = RUNTIME.block_on(wire::read_reply(&mut input, 1 << 20));
});
