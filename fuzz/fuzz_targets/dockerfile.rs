//! The parser must accept any bytes: errors are data, never panics or hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dockerfile = estiba_dockerfile::parse_bytes(data);
    let _ = dockerfile.dump();
    for instruction in &dockerfile.instructions {
        if let Some(script) = instruction.shell_script() {
            for i in 0..script.text.len().min(64) {
                let _ = script.file_offset(i);
            }
        }
    }
});
