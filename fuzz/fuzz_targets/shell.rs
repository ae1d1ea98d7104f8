//! The shell parser must accept any text and keep every range inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let script = estiba_shell::parse(text);
    for command in script.commands() {
        let _ = command;
    }
});
