//! The whole lint pipeline (parser, shell, every rule, suppressions) on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = estiba_lint::Settings::default();
    let _ = estiba_lint::lint("Dockerfile", data, &settings, None);
});
